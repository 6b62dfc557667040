"""Read-only questions about cases: the queries of the case tool's pages, and those asked
from outside the app (the privacy app's `personal_data` selectors, further down).

Who may read what is decided in cases.access; these functions take the querysets it allows.
Students' names and narratives are encrypted: the pages' queries leave them out (`defer`)
where a page shows labels only, so nothing is decrypted for nothing.
"""

import re
import unicodedata
from collections.abc import Iterable

from django.db.models import Count, F, Q, QuerySet

from accounts.models import Membership, Organisation, Role, User
from cases.access import (
    CaseRoles,
    cases_for_police,
    cases_metadata,
    cases_readable,
    cases_reported,
    intervener_gate,
)
from cases.crypto import blind_index
from cases.models import (
    Case,
    Device,
    Entry,
    PoliceFollowUp,
    SharedInformation,
    Student,
    SupportAction,
)

# --- The case tool's pages -------------------------------------------------------------------


def school_cases(roles: CaseRoles, *, status: str = "") -> QuerySet[Case]:
    """The cases of the person's schools, newest first, optionally in one state."""
    cases = (cases_readable(roles).select_related("school", "lead")
             .only("id", "reference", "status", "created_at", "told_at", "school__name",
                   "lead__id", "lead__full_name", "legal_hold")
             .order_by("-created_at", "pk"))
    return cases.filter(status=status) if status in Case.Status.values else cases


def reported_cases(roles: CaseRoles, *, user: User) -> QuerySet[Case]:
    return (cases_reported(roles, user=user).select_related("school")
            .only("id", "reference", "status", "created_at", "school__name")
            .order_by("-created_at"))


def police_cases(roles: CaseRoles) -> QuerySet[Case]:
    return (cases_for_police(roles).select_related("school", "handoff")
            .only("id", "reference", "status", "school__name", "handoff__sent_at",
                  "handoff__acknowledged_at")
            .order_by("-handoff__sent_at"))


def register_cases(roles: CaseRoles) -> QuerySet[Case]:
    """Metadata only, for the privacy officer's register."""
    return (cases_metadata(roles).select_related("school")
            .only("id", "reference", "status", "created_at", "closed_at", "legal_hold",
                  "school__name")
            .order_by("-created_at"))


def case_students(case: Case) -> QuerySet[Student]:
    """The case's students without their names (pages show labels only)."""
    return case.students.defer("name")


def case_entries(case: Case) -> list[Entry]:
    return list(case.entries.select_related("student", "written_by").defer("student__name"))


def case_devices(case: Case) -> QuerySet[Device]:
    return case.devices.prefetch_related("transfers")


def school_interveners(school: Organisation) -> list[User]:
    """The school's interveners who may open its cases now: the only possible leads."""
    designated = (User.objects.filter(memberships__organisation=school,
                                      memberships__role=Role.INTERVENER, is_active=True)
                  .distinct().order_by("full_name"))
    return [user for user in designated if intervener_gate(user, school) is None]


def student_chronology(*, case: Case, student: Student):
    """Every entry about this student in the school's cases, and those cases; labels only
    and each case by its reference: nothing decrypted beyond the entries' own notes."""
    same_person = Student.objects.filter(index=student.index, case__school=case.school)
    entries = (
        Entry.objects.filter(student__in=same_person)
        .select_related("case", "student")
        .only("kind", "happened_at", "notes", "case__reference", "student__part",
              "student__id")
        .order_by("happened_at")
    )
    cases = (Case.objects.filter(students__in=same_person).distinct()
             .only("id", "reference", "created_at", "status").order_by("created_at"))
    return entries, cases


def school_staff_not_interveners(school: Organisation) -> list[User]:
    """Who the principal may designate: the school's people not yet interveners."""
    return list(
        User.objects.filter(memberships__organisation=school, is_active=True)
        .exclude(memberships__organisation=school, memberships__role=Role.INTERVENER)
        .distinct().order_by("full_name")
    )


def school_intervener_memberships(school: Organisation) -> list[tuple[Membership, str | None,
                                                                       int]]:
    """Each designated intervener, why the tool is closed to them (None: open), and how many
    open cases they lead."""
    open_by_lead = dict(
        Case.objects.filter(school=school).exclude(status=Case.Status.CLOSED)
        .values_list("lead").annotate(n=Count("id")).values_list("lead", "n")
    )
    return [
        (membership, intervener_gate(membership.user, school),
         open_by_lead.get(membership.user_id, 0))
        for membership in Membership.objects.filter(organisation=school, role=Role.INTERVENER)
        .select_related("user").order_by("user__full_name")
    ]


def unassigned_open_cases(school: Organisation, *, active_leads: list) -> list[Case]:
    """Open cases with no lead, or a lead who may no longer open them (up to 100)."""
    return list(
        Case.objects.filter(school=school).exclude(status=Case.Status.CLOSED)
        .filter(Q(lead__isnull=True) | ~Q(lead__in=active_leads))
        .only("id", "reference", "status", "created_at")[:100]
    )


# --- For the privacy app ---------------------------------------------------------------------


def personal_data(user: User) -> dict:
    """What the case tool holds about a staff member, for a Law 25 access request.

    Their part in cases, by opaque reference and date: which they reported, led, wrote in.
    Never the content: what was told, notes and students' names are about other people
    (minors above all). What the police shared goes under "police", which the privacy app
    always drops (YCJA s. 125).
    """
    reported = Case.objects.filter(reported_by=user).only("reference", "created_at", "status")
    led = Case.objects.filter(lead=user).only("reference", "created_at", "status")
    written = (Entry.objects.filter(written_by=user).select_related("case")
               .only("kind", "happened_at", "case__reference").order_by("happened_at"))
    shared = (SharedInformation.objects.filter(shared_by=user).select_related("handoff__case")
              .only("purpose", "created_at", "handoff__case__reference"))
    return {
        "cases_reported": [{"reference": c.reference, "reported_at": c.created_at.isoformat(),
                            "status": c.status} for c in reported.order_by("created_at")],
        "cases_led": [{"reference": c.reference, "opened_at": c.created_at.isoformat(),
                       "status": c.status} for c in led.order_by("created_at")],
        "entries_written": [{"case": e.case.reference, "kind": e.kind,
                             "at": e.happened_at.isoformat()} for e in written],
        "police": [{"case": s.handoff.case.reference, "purpose": s.purpose,
                    "at": s.created_at.isoformat()} for s in shared],
    }


# --- A student's information, for a request made by the student or their parents -----------

# Particles left alone when a name is also redacted word by word: "de" or "la" alone would
# blank half of a French note. The whole name is still replaced wherever it appears.
_NAME_PARTICLES = {"d", "da", "das", "de", "del", "della", "der", "des", "di", "do", "dos",
                   "du", "l", "la", "le", "les", "van", "von", "y"}


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _name_forms(name: str) -> list[str]:
    """The whole name, then each of its words (first name, last name, parts of a compound)."""
    whole = _normal(name)
    if not whole:
        return []
    words = [w for w in re.split(r"[\s\-\u2010\u2011]+", whole)
             if len(w) >= 2 and w.casefold() not in _NAME_PARTICLES]
    return [whole, *(w for w in words if w.casefold() != whole.casefold())]


class _StudentRedactor:
    """Replaces other students' names by their label, keeping the subject's own name.

    Redacted: each other student's whole name and each word of it (a first name alone names a
    classmate just as well), matched as whole words, ignoring case and spacing. A word the
    subject's name shares with someone else's (a sibling's last name) is the subject's and
    stays. Replacing too much is the safe side: a classmate called Claire blanks "claire".
    A nickname, a misspelling or a name typed without its accents is not found.
    """

    def __init__(self, *, own_names: Iterable[str], others: list[tuple[str, str]]):
        self.own = set()
        for name in own_names:
            self.own.update(form.casefold() for form in _name_forms(name))
        labels: dict[str, str] = {}  # casefolded form -> label; the first student listed wins
        for name, label in others:
            for form in _name_forms(name):
                folded = form.casefold()
                if folded not in self.own:
                    labels.setdefault(folded, f"[{label}]")
        self.labels = labels
        alternatives = sorted({*labels, *self.own}, key=len, reverse=True)
        self.pattern = re.compile(
            r"(?<!\w)(?:" + "|".join(
                r"\s+".join(re.escape(word) for word in alternative.split())
                for alternative in alternatives
            ) + r")(?!\w)",
            re.IGNORECASE,
        ) if labels else None

    def __call__(self, text: str) -> str:
        if not text or self.pattern is None:
            return text
        return self.pattern.sub(
            lambda match: self.labels.get(_normal(match.group(0)).casefold(), match.group(0)),
            unicodedata.normalize("NFC", text),
        )


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def student_personal_data(*, school: Organisation, name: str) -> dict:
    """What the case tool holds about one student of `school`, for a Law 25 access request.

    The student is found by the keyed digest of school and name (cases.crypto.blind_index),
    as the case chronology finds them: no other student's name is decrypted to find them and
    no name is searched in clear. Only the cases found are read; the other students of those
    cases are decrypted only to replace their names by their label (Student.label).

    Per case, by opaque reference: dates and state, what was told (other students' names
    replaced), the student's part, age and grade, the chronology entries about the student,
    the support plan where the student is the victim, the devices that are the student's.
    Staff are never named by this selector (no author, lead or custodian); names typed into
    the text are left to privacy.package, which replaces every user's name by their role.
    What the police shared and the police follow-up go under "police", which the privacy
    app always drops (YCJA s. 125).
    """
    empty = {"cases": [], "police": []}
    if not _normal(name):
        return empty
    index = blind_index(str(school.pk), name)
    rows = list(Student.objects.filter(case__school=school, index=index)
                .only("case_id", "part", "name", "age", "grade", "created_at")
                .order_by("created_at"))
    if not rows:
        return empty
    case_ids = {row.case_id for row in rows}
    cases = list(Case.objects.filter(pk__in=case_ids)
                 .only("reference", "created_at", "closed_at", "status", "account")
                 .order_by("created_at"))
    others = list(Student.objects.filter(case_id__in=case_ids).exclude(index=index)
                  .only("case_id", "part", "name", "created_at").order_by("created_at"))
    own_names = [name, *(row.name for row in rows)]

    def redactor_for(case_id) -> _StudentRedactor:
        # The label of a name is that of the student of this case first, then of the others.
        ordered = ([o for o in others if o.case_id == case_id]
                   + [o for o in others if o.case_id != case_id])
        return _StudentRedactor(own_names=own_names,
                                others=[(o.name, o.label) for o in ordered])

    redactors = {case.pk: redactor_for(case.pk) for case in cases}
    entries = list(Entry.objects.filter(student__in=rows)
                   .only("case_id", "kind", "happened_at", "notes").order_by("happened_at"))
    victim_cases = {row.case_id for row in rows if row.part == Student.Part.VICTIM}
    support = list(SupportAction.objects.filter(case_id__in=victim_cases)
                   .only("case_id", "kind", "resource", "description", "due_on", "done_at")
                   .order_by("due_on", "created_at"))
    devices = list(Device.objects.filter(owner__in=rows)
                   .only("case_id", "description", "envelope_number", "seized_at",
                         "returned_at")
                   .order_by("seized_at"))
    shared = list(SharedInformation.objects.filter(handoff__case_id__in=case_ids)
                  .annotate(case_key=F("handoff__case_id"))
                  .only("purpose", "content", "created_at").order_by("created_at"))
    follow_ups = {f.case_key: f for f in PoliceFollowUp.objects.filter(
        handoff__case_id__in=case_ids).annotate(case_key=F("handoff__case_id"))}

    result_cases, police = [], []
    for case in cases:
        redact = redactors[case.pk]
        result_cases.append({
            "reference": case.reference,
            "opened_at": case.created_at.isoformat(),
            "closed_at": _iso(case.closed_at),
            "status": case.status,
            "account": redact(case.account),
            "student": [{"name": row.name, "part": row.part, "age": row.age,
                         "grade": row.grade} for row in rows if row.case_id == case.pk],
            "entries": [{"kind": e.kind, "at": e.happened_at.isoformat(),
                         "notes": redact(e.notes)} for e in entries if e.case_id == case.pk],
            "support_actions": [
                {"kind": a.kind, "resource": a.resource, "description": redact(a.description),
                 "due_on": _iso(a.due_on), "done_at": _iso(a.done_at)}
                for a in support if a.case_id == case.pk],
            "devices": [
                {"description": redact(d.description), "envelope_number": d.envelope_number,
                 "seized_at": d.seized_at.isoformat(), "returned_at": _iso(d.returned_at)}
                for d in devices if d.case_id == case.pk],
        })
        follow_up = follow_ups.get(case.pk)
        case_shared = [s for s in shared if s.case_key == case.pk]
        if follow_up is None and not case_shared:
            continue
        police.append({
            "case": case.reference,
            "shared": [{"purpose": s.purpose, "at": s.created_at.isoformat(),
                        "content": redact(s.content)} for s in case_shared],
            "follow_up": None if follow_up is None else {
                "qualification": follow_up.qualification,
                "qualified_at": _iso(follow_up.qualified_at),
                "outcome": follow_up.outcome,
                "awareness_meeting_on": _iso(follow_up.awareness_meeting_on),
                "images_destroyed_on": _iso(follow_up.images_destroyed_on),
                "device_returned_on": _iso(follow_up.device_returned_on),
                "police_file_closed": follow_up.police_file_closed,
                "notes": redact(follow_up.notes),
            },
        })
    return {"cases": result_cases, "police": police}


# --- The person's home (cases.home): what waits for them, in a few queries -----------------

# Fields the home's lists show: never a narrative field, which would be decrypted for nothing.
HOME_CASE_FIELDS = ("id", "reference", "status", "created_at", "told_at", "school__id",
                    "school__name", "lead__id", "lead__full_name")


def _home_cases(cases):
    return cases.select_related("school", "lead").only(*HOME_CASE_FIELDS)


def cases_to_take(roles: CaseRoles) -> QuerySet[Case]:
    """Open cases of the schools whose cases the person reads in full that nobody leads yet,
    oldest report first."""
    return _home_cases(
        cases_readable(roles).filter(lead__isnull=True).exclude(status=Case.Status.CLOSED)
    ).order_by("created_at", "id")


def cases_open_for(roles: CaseRoles, *, user: User) -> QuerySet[Case]:
    """The open cases that are the person's to move forward, oldest report first: every led
    case of the schools where they are principal, and the cases they lead as intervener.
    A case nobody leads is in cases_to_take instead."""
    return _home_cases(
        Case.objects.filter(Q(school_id__in=roles.principal_schools)
                            | Q(school_id__in=roles.intervener_schools, lead=user))
        .filter(lead__isnull=False).exclude(status=Case.Status.CLOSED)
    ).order_by("created_at", "id")


def handoffs_to_acknowledge(roles: CaseRoles) -> QuerySet[Case]:
    """Cases handed off to the person's police forces whose receipt nobody confirmed yet,
    the longest waiting first."""
    return (cases_for_police(roles).filter(handoff__acknowledged_at__isnull=True)
            .select_related("school", "handoff")
            .only("id", "reference", "school__name", "handoff__id", "handoff__sent_at",
                  "handoff__acknowledged_at")
            .order_by("handoff__sent_at", "id"))


def decisions_to_record(roles: CaseRoles) -> QuerySet[Case]:
    """Hand-offs the person's forces acknowledged whose DPCP qualification is not recorded
    yet, the longest waiting first."""
    return (cases_for_police(roles).filter(handoff__acknowledged_at__isnull=False)
            .filter(Q(handoff__follow_up__isnull=True) | Q(handoff__follow_up__qualification=""))
            .select_related("school", "handoff")
            .only("id", "reference", "school__name", "handoff__id", "handoff__sent_at",
                  "handoff__acknowledged_at")
            .order_by("handoff__acknowledged_at", "id"))


def cases_reported_by(roles: CaseRoles, *, user: User) -> QuerySet[Case]:
    """What the person reported (cases.access.cases_reported), newest first."""
    return (cases_reported(roles, user=user).select_related("school")
            .only("id", "reference", "status", "created_at", "school__name")
            .order_by("-created_at", "id"))
