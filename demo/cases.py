"""Fictional incidents at every step of the method, for the demo's case tool.

Every student, narrative and number is invented. The people who open cases get an
authenticator-app secret published in the README (demo only), so that anyone trying the demo
can sign in with a second factor from any TOTP app.
"""

import base64
import datetime

from django.utils import timezone

from accounts.models import Membership, Organisation, Role, User
from cases import services
from cases.models import Case, PoliceHandoff
from cases.retention import purge

# Published demo secrets (hexadecimal, 20 bytes), one per person who uses the case tool or
# the administration.
TOTP_KEYS = {
    "principal": "2b98b6201e8530257a95b83f9a3431980f0dbf8a",
    "architect": "b068489c64a93f0c6aaefa4a21042a6967f3dcb3",
    "police": "4bb6ef07325dd9790457f5e0e977f32855127150",
    "privacy": "963d7f9b203c10814d35a30d6ecef037431e68f2",
    "explorer_mid": "c46e76e0217b0cd28072093a00fd9e64a120c00d",
    # The platform administrator grants roles that open cases: the admin asks a second factor.
    "admin": "774a414010126a23a76ac48208cc83c8abf72c9b",
    # The service centre's administrator helps people locked out of their second factor, which
    # asks for one of their own.
    "org_admin": "718575f9a1960ecbcb8e9a2f86980c0b7ff191fa",
}


def totp_secret(key: str) -> str:
    """The base32 secret an authenticator app takes, for the demo account `key`."""
    return base64.b32encode(bytes.fromhex(TOTP_KEYS[key])).decode()


def _second_factors(users: dict[str, User]) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.services import totp_device_create

    for key, hex_key in TOTP_KEYS.items():
        if not TOTPDevice.objects.filter(user=users[key], key=hex_key).exists():
            totp_device_create(user=users[key], name="Démo", key_hex=hex_key)


def _at(days: float, hour: int = 10) -> datetime.datetime:
    """`hour` o'clock on the day `days` ago; less than a day ago, `days` ago to the minute
    (today's 10:00 may still be to come, and nothing is ever dated in the future)."""
    moment = timezone.localtime() - datetime.timedelta(days=days)
    if days < 1:
        return moment.replace(second=0, microsecond=0)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def demo_cases_load(users: dict[str, User]) -> None:
    from accounts.services import membership_bootstrap

    school = Organisation.objects.get(code="es-erables")
    intervener = users["architect"]
    if not Membership.objects.filter(user=intervener, organisation=school,
                                     role=Role.INTERVENER).exists():
        membership_bootstrap(user=intervener, role=Role.INTERVENER, organisation=school,
                             reason="demo data: designated by the principal")
    _second_factors(users)
    if Case.objects.filter(school=school).exists():
        return
    reporter, principal, police = users["explorer_mid"], users["principal"], users["police"]

    def report(reference, days, account, channels, spreading="unknown"):
        case = services.case_report(reporter=reporter, school=school, told_at=_at(days),
                                    account=account, channels=channels, apps_other="",
                                    still_spreading=spreading)
        Case.objects.filter(pk=case.pk).update(reference=reference)
        case.refresh_from_db()
        return case

    def version(case):
        case.refresh_from_db()
        return case.version

    # 1. Just reported: nobody has taken it yet.
    report("SX-DEMO-01", 0.1, "Une enseignante rapporte qu'un élève de 2e secondaire dit avoir "
           "reçu une photo intime d'une camarade dans une conversation de groupe.",
           ["group_chat", "snapchat"], "yes")

    # 2. Meetings held, device seized, chain of custody under way.
    case = report("SX-DEMO-02", 1, "Une élève confie qu'un ancien ami menace de diffuser une "
                  "vidéo d'elle si elle ne lui en envoie pas d'autres.", ["instagram"], "no")
    services.case_lead_assign(case=case, lead=intervener, actor=principal)
    victim = services.student_add(case=case, actor=intervener, version=version(case),
                                  part="victim", name="Rosalie Chêne-Rouge", age=14,
                                  grade="3e secondaire")
    alleged = services.student_add(case=case, actor=intervener, version=version(case),
                                   part="alleged", name="Thomas Grand-Duc", age=15,
                                   grade="4e secondaire")
    services.entry_add(case=case, actor=intervener, version=version(case),
                       kind="meeting_victim", happened_at=_at(1, 11), student=victim,
                       notes="Rencontre avec l'élève : elle décrit les messages reçus. "
                             "Personne n'a regardé d'image. Soutien offert.")
    services.entry_add(case=case, actor=intervener, version=version(case),
                       kind="meeting_alleged", happened_at=_at(1, 13), student=alleged,
                       notes="Rencontre avec l'élève : il reconnaît les messages.")
    device = services.device_add(case=case, actor=intervener, version=version(case),
                                 description="Téléphone noir, étui bleu", owner=alleged,
                                 seized_at=_at(1, 13), seized_by="Gabriel Sureau",
                                 envelope_number="ENV-2026-014",
                                 locked_in="Coffre du bureau de la direction")
    services.custody_transfer_add(device=device, actor=intervener, version=version(case),
                                  handed_by="Gabriel Sureau", handed_to="Marc Sapinière",
                                  handed_at=_at(1, 14))
    # 3. Grid complete, youth protection signs, DPJ report recorded, police contacted.
    services.grid_save(case=case, actor=intervener, version=version(case),
                       victim_age=14, alleged_ages="15", relationship="couple",
                       consent_to_creation="yes", consent_to_sharing="no",
                       pressure_or_threats="yes", adult_involved="no", recipients="0",
                       intent_to_harm="yes", school_impact="some", notes="")
    services.dpj_record(case=case, actor=intervener, version=version(case), made=True,
                        reported_at=_at(1, 15), reported_by="Gabriel Sureau",
                        reference="DPJ-DEMO-0042")
    services.police_contact_save(case=case, actor=intervener, version=version(case),
                                 contacted_at=_at(1, 15), officer="Agente Julie Cormier-Héron",
                                 police_file_number="SPSA-26-0311")

    # 4. Handed off a day and a half ago, still waiting for the police to acknowledge: late,
    # so the force's liaison officers are told again.
    case = report("SX-DEMO-03", 2, "Un élève dit qu'une photo de lui circule sur Snapchat "
                  "depuis la fin de semaine.", ["snapchat"], "yes")
    services.case_lead_assign(case=case, lead=intervener, actor=principal)
    victim = services.student_add(case=case, actor=intervener, version=version(case),
                                  part="victim", name="Élie Peuplier", age=13,
                                  grade="2e secondaire")
    services.entry_add(case=case, actor=intervener, version=version(case),
                       kind="meeting_victim", happened_at=_at(2, 11), student=victim,
                       notes="Rencontre avec l'élève : il ne sait pas qui a fait circuler la "
                             "photo. Soutien offert.")
    services.no_device_record(case=case, actor=intervener, version=version(case),
                              reason="none_identified")
    services.grid_save(case=case, actor=intervener, version=version(case),
                       victim_age=13, relationship="friends", consent_to_creation="yes",
                       consent_to_sharing="no", pressure_or_threats="no", adult_involved="no",
                       recipients="6+", intent_to_harm="unknown", school_impact="wide")
    services.police_contact_save(case=case, actor=intervener, version=version(case),
                                 contacted_at=_at(2, 14), officer="Agent Louis Mésange",
                                 police_file_number="")
    handoff = services.handoff_send(case=case, actor=intervener, version=version(case))
    PoliceHandoff.objects.filter(pk=handoff.pk).update(
        sent_at=timezone.now() - datetime.timedelta(hours=30))

    # 4b. Acknowledged yesterday; the police have yet to record the DPCP's decision.
    case = report("SX-DEMO-08", 1.5, "Deux élèves de 1re secondaire se sont échangé des photos "
                  "qu'une troisième a fait suivre.", ["messages"], "unknown")
    services.case_lead_assign(case=case, lead=intervener, actor=principal)
    victim = services.student_add(case=case, actor=intervener, version=version(case),
                                  part="victim", name="Maëlle Sureau-Blanc", age=12,
                                  grade="1re secondaire")
    services.entry_add(case=case, actor=intervener, version=version(case),
                       kind="meeting_victim", happened_at=_at(1.5, 11), student=victim,
                       notes="Rencontre avec l'élève. Personne n'a regardé d'image.")
    services.no_device_record(case=case, actor=intervener, version=version(case),
                              reason="not_at_school")
    services.grid_save(case=case, actor=intervener, version=version(case),
                       victim_age=12, relationship="friends", consent_to_creation="yes",
                       consent_to_sharing="no", pressure_or_threats="no", adult_involved="no",
                       recipients="1", intent_to_harm="no", school_impact="some")
    services.police_contact_save(case=case, actor=intervener, version=version(case),
                                 contacted_at=_at(1.5, 13), officer="Agente Julie Cormier-Héron",
                                 police_file_number="SPSA-26-0317")
    handoff = services.handoff_send(case=case, actor=intervener, version=version(case))
    services.handoff_acknowledge(handoff=handoff, actor=police)

    # 5. Acknowledged; the DPCP qualified it impulsive; awareness meeting; support plan.
    case = report("SX-DEMO-04", 9, "Deux élèves de 4e secondaire ont échangé des photos; une "
                  "troisième les a transférées à d'autres.", ["messages"], "no")
    services.case_lead_assign(case=case, lead=intervener, actor=principal)
    victim = services.student_add(case=case, actor=intervener, version=version(case),
                                  part="victim", name="Camille Sorbier", age=15,
                                  grade="4e secondaire")
    services.entry_add(case=case, actor=intervener, version=version(case),
                       kind="meeting_victim", happened_at=_at(9, 10), student=victim,
                       notes="Rencontre avec l'élève et sa mère. Soutien offert.")
    services.device_add(case=case, actor=intervener, version=version(case),
                        description="Tablette grise", owner=victim, seized_at=_at(9, 10),
                        seized_by="Gabriel Sureau", envelope_number="ENV-2026-011",
                        locked_in="Coffre du bureau de la direction")
    services.grid_save(case=case, actor=intervener, version=version(case),
                       victim_age=15, relationship="couple", consent_to_creation="yes",
                       consent_to_sharing="yes", pressure_or_threats="no", adult_involved="no",
                       recipients="2-5", intent_to_harm="no", school_impact="some")
    services.police_contact_save(case=case, actor=intervener, version=version(case),
                                 contacted_at=_at(9, 11), officer="Agente Julie Cormier-Héron",
                                 police_file_number="SPSA-26-0288")
    handoff = services.handoff_send(case=case, actor=intervener, version=version(case))
    services.handoff_acknowledge(handoff=handoff, actor=police)
    # Sent and received nine days ago, as the rest of this case's times say (the tool stamps
    # them when they happen: here, when the demo is built).
    PoliceHandoff.objects.filter(pk=handoff.pk).update(sent_at=_at(9, 12),
                                                       acknowledged_at=_at(9, 14))
    handoff.refresh_from_db()
    services.follow_up_save(handoff=handoff, actor=police, qualification="impulsive",
                            qualified_at=_at(8, 9), outcome="awareness",
                            awareness_meeting_on=_at(5).date(),
                            images_destroyed_on=_at(6).date(), device_returned_on=None,
                            police_file_closed=False, notes="Rencontre tenue au poste.")
    services.information_share(handoff=handoff, actor=police, purpose="follow_up",
                               content="Les élèves et un parent ont assisté à la rencontre "
                                       "de sensibilisation Sexto.")
    services.support_action_add(case=case, actor=intervener, version=version(case),
                                kind="referral", resource="needhelpnow",
                                description="Aide au retrait des images présentée à l'élève.",
                                due_on=None)
    services.support_action_add(case=case, actor=intervener, version=version(case),
                                kind="follow_up", resource="school_professional",
                                description="Suivi avec la psychoéducatrice.",
                                due_on=_at(1).date())

    # 6. No direct impact on the school: the family was directed to the police.
    case = report("SX-DEMO-05", 4, "Un parent appelle : sa fille a été sollicitée par un "
                  "inconnu en ligne, hors de l'école, pendant l'été.", ["other"], "unknown")
    services.no_impact_record(case=case, actor=principal, version=version(case),
                              directed_at=_at(4, 11),
                              summary="Aucun élève de l'école en cause. La famille a été "
                                      "dirigée vers le poste de police le jour même.")

    # 7. Closed with a summary.
    case = report("SX-DEMO-06", 30, "Une photo a circulé entre trois élèves de 5e secondaire.",
                  ["snapchat"], "no")
    services.case_lead_assign(case=case, lead=intervener, actor=principal)
    services.case_close(case=case, actor=intervener, version=version(case),
                        summary="Rencontres faites, appareil rendu par la police, images "
                                "détruites. Suivi terminé.")

    # 8. Closed long ago and destroyed by the daily purge: the privacy officer's destruction
    # register shows what is left of it (ids and dates, no content).
    case = report("SX-DEMO-07", 800, "Un échange de photos signalé il y a deux ans.",
                  ["instagram"], "no")
    services.case_close(case=case, actor=principal, version=version(case),
                        summary="Suivi terminé.")
    Case.objects.filter(pk=case.pk).update(created_at=_at(800), closed_at=_at(790))
    purge()
