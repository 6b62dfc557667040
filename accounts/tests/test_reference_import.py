"""`sexto reference import KIND FILE`: all or nothing, every error listed with its place."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import DpcpAgreement, Organisation, Territory
from audit.models import AuditEvent


def _csv(tmp_path, text, name="donnees.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _import(kind, path, *extra):
    out, err = StringIO(), StringIO()
    call_command("reference", "import", kind, str(path), *extra, stdout=out, stderr=err)
    return out.getvalue()


def _import_errors(kind, path, *extra) -> list[str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("reference", "import", kind, str(path), *extra, stdout=out, stderr=err)
    lines = err.getvalue().splitlines()
    # The summary counts every error listed above it.
    assert str(raised.value).startswith(str(len(lines)))
    return lines


# --- Valid files --------------------------------------------------------------------------


def test_import_forces_creates_then_updates(db, tmp_path):
    path = _csv(tmp_path, "code,name\nsp-lac,Police du Lac\nsp-mont,Police du Mont\n")
    assert "2 créé(s), 0 mis à jour, 0 inchangé(s)" in _import("forces", path)
    assert Organisation.objects.filter(kind=Organisation.Kind.POLICE_FORCE).count() == 2
    path = _csv(tmp_path, "code,name\nsp-lac,Police du Grand Lac\nsp-mont,Police du Mont\n")
    assert "0 créé(s), 1 mis à jour, 1 inchangé(s)" in _import("forces", path)
    assert Organisation.objects.get(code="sp-lac").name == "Police du Grand Lac"
    event = AuditEvent.objects.filter(action="reference.imported").last()
    assert event.data == {"kind": "forces", "file": "donnees.csv", "created": 0,
                          "updated": 1, "unchanged": 1}


def test_import_a_full_set_in_order(db, tmp_path):
    _import("forces", _csv(tmp_path, "\ufeffcode,name\r\nsp-lac,Police du Lac\r\n"))
    _import("territories", _csv(tmp_path, "code,name,police_force_code\n"
                                          "lac,Ville du Lac,sp-lac\nile,Île Perdue,\n"))
    _import("agreements", _csv(tmp_path, "police_force_code,signed_on,ended_on\n"
                                         "sp-lac,2021-04-01,2023-03-31\nsp-lac,2024-01-15,\n"))
    # A school may come before its service centre in the file.
    _import("organisations", _csv(tmp_path, (
        "code,kind,name,parent_code,territory_code\n"
        "ecole-lac,school,École du Lac,css-lac,lac\n"
        "css-lac,service_centre,Centre de services du Lac,,\n"
        "ecole-privee,school,École privée de l'Île,,ile\n"
        "sp-lac,police_force,Police du Lac,,\n"
    )))
    school = Organisation.objects.get(code="ecole-lac")
    assert school.parent.code == "css-lac"
    assert school.territory.police_force.code == "sp-lac"
    assert Organisation.objects.get(code="ecole-privee").parent is None
    assert Territory.objects.get(code="ile").police_force is None
    agreements = DpcpAgreement.objects.filter(police_force__code="sp-lac").order_by("signed_on")
    assert [(a.signed_on, a.ended_on) for a in agreements] == [
        (datetime.date(2021, 4, 1), datetime.date(2023, 3, 31)),
        (datetime.date(2024, 1, 15), None),
    ]
    # Agreements are matched by force and signing date: ending one updates it.
    out = _import("agreements", _csv(tmp_path, "police_force_code,signed_on,ended_on\n"
                                               "sp-lac,2024-01-15,2026-01-14\n"))
    assert "0 créé(s), 1 mis à jour" in out
    assert DpcpAgreement.objects.get(signed_on="2024-01-15").ended_on == datetime.date(2026, 1, 14)


def test_messages_in_english(db, tmp_path):
    out = _import("forces", _csv(tmp_path, "code,name\nsp-lac,Police du Lac\n"),
                  "--language", "en")
    assert "1 created, 0 updated, 0 unchanged" in out
    errors = _import_errors("forces", _csv(tmp_path, "code,name\nsp-lac,\n"), "--language", "en")
    assert errors == [f"{tmp_path / 'donnees.csv'}, line 2: column “name”: value required"]


# --- Errors: every one listed, nothing written -----------------------------------------


def test_nothing_is_half_imported(db, tmp_path):
    path = _csv(tmp_path, "code,name\nsp-lac,Police du Lac\nsp mont,Police du Mont\n"
                          "sp-ouest,\nsp-lac,Encore le Lac\n")
    errors = _import_errors("forces", path)
    assert errors == [
        f"{path}, ligne 3 : colonne « code » : « sp mont » n'est pas un code valide : lettres "
        "sans accents, chiffres, tirets et soulignés seulement, 60 caractères au plus",
        f"{path}, ligne 4 : colonne « name » : valeur obligatoire",
        f"{path}, ligne 5 : colonne « code » : « sp-lac » figure déjà à la ligne 2",
    ]
    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.filter(action="reference.imported").exists()


@pytest.mark.parametrize("text, expected", [
    ("name\nPolice\n", "ligne 1 : colonne « code » : colonne absente de l'en-tête"),
    ("code,name,ville\nsp,Police,Lac\n", "ligne 1 : colonne « ville » : colonne inconnue"),
    ("code,name,code\nsp,Police,sp\n", "ligne 1 : colonne « code » : colonne en double"),
    ("", ": le fichier est vide"),
    ("code,name\n", ": aucune ligne de données"),
    ("code,name\nsp,Police,de trop\n", "ligne 2 : la ligne compte 3 valeurs, l'en-tête en "
                                       "annonce 2"),
    ("code,name\n" + "sp," + "x" * 201 + "\n", "ligne 2 : colonne « name » : 200 caractères"),
])
def test_file_and_header_errors(db, tmp_path, text, expected):
    path = _csv(tmp_path, text)
    errors = _import_errors("forces", path)
    assert any(error.startswith(str(path)) and expected in error for error in errors), errors


def test_file_not_in_utf8(db, tmp_path):
    path = _csv(tmp_path, "code,name\nsp,Sûreté du Québec\n", encoding="latin-1")
    assert "n'est pas encodé en UTF-8" in _import_errors("forces", path)[0]
    assert not Organisation.objects.exists()


def test_missing_file(db, tmp_path):
    assert "fichier introuvable" in _import_errors("forces", tmp_path / "absent.csv")[0]


def test_a_code_used_by_another_kind(world, tmp_path):
    errors = _import_errors("forces", _csv(tmp_path, "code,name\necole-pionniers,Police\n"))
    assert "appartient déjà à une organisation d'un autre type (École)" in errors[0]


def test_territory_errors(world, tmp_path):
    path = _csv(tmp_path, "code,name,police_force_code\n"
                          "t1,Un,inconnu\nt2,Deux,ecole-pionniers\nt3,Trois,spvb\n")
    errors = _import_errors("territories", path)
    assert len(errors) == 2
    assert "ligne 2 : colonne « police_force_code » : aucun corps de police n'a le code " \
           "« inconnu »" in errors[0]
    assert "ligne 3 : colonne « police_force_code » : « ecole-pionniers » n'est pas un " \
           "corps de police" in errors[1]
    assert not Territory.objects.filter(code="t3").exists()


def test_agreement_errors(world, tmp_path):
    path = _csv(tmp_path, (
        "police_force_code,signed_on,ended_on\n"
        "spvb,2024-02-30,\n"
        "spvb,20240201,\n"
        "spvb,2024-05-01,2024-04-30\n"
        ",2024-05-01,\n"
        "rpmg,2025-01-01,\n"
        "rpmg,2025-01-01,2025-12-31\n"
    ))
    errors = _import_errors("agreements", path)
    joined = "\n".join(errors)
    assert "ligne 2 : colonne « signed_on » : « 2024-02-30 » n'est pas une date valide" in joined
    assert "ligne 3 : colonne « signed_on » : « 20240201 » n'est pas une date valide" in joined
    assert "ligne 4 : colonne « ended_on » : la fin (2024-04-30) précède la signature " \
           "(2024-05-01)" in joined
    assert "ligne 5 : colonne « police_force_code » : valeur obligatoire" in joined
    assert "ligne 7 : colonne « signed_on » : « rpmg 2025-01-01 » figure déjà à la ligne 6" \
        in joined
    assert len(errors) == 5
    assert DpcpAgreement.objects.count() == 1  # the world's, untouched


def test_organisation_errors(world, tmp_path):
    path = _csv(tmp_path, (
        "code,kind,name,parent_code,territory_code\n"
        "o1,ecole,Une école,,\n"                                # 2 unknown kind
        "o2,school,Sans territoire,css-trois-lacs,\n"           # 3 school without territory
        "o3,service_centre,Centre,css-trois-lacs,\n"             # 4 parent on a non-school
        "o4,service_centre,Centre,,val-bleu\n"                   # 5 territory on a non-school
        "o5,school,Parent inconnu,inconnu,val-bleu\n"            # 6 unknown parent
        "o6,school,Parent école,ecole-pionniers,val-bleu\n"      # 7 parent is a school
        "o7,school,Territoire inconnu,,nulle-part\n"             # 8 unknown territory
        "spvb,school,Changer de type,,val-bleu\n"                # 9 kind change
        "o9,school,Bonne école,css-trois-lacs,val-bleu\n"        # 10 fine on its own
    ))
    errors = _import_errors("organisations", path)
    expected = [
        "ligne 2 : colonne « kind » : « ecole » n'est pas un type connu (valeurs permises : "
        "service_centre, private_network, school, police_force)",
        "ligne 3 : colonne « territory_code » : obligatoire pour une école",
        "ligne 4 : colonne « parent_code » : seule une école a une organisation mère",
        "ligne 5 : colonne « territory_code » : seule une école est rattachée à un territoire",
        "ligne 6 : colonne « parent_code » : aucune organisation n'a le code « inconnu »",
        "ligne 7 : colonne « parent_code » : « ecole-pionniers » n'est ni un centre de "
        "services scolaire ni un réseau d'écoles privées",
        "ligne 8 : colonne « territory_code » : aucun territoire n'a le code « nulle-part »",
        "ligne 9 : colonne « kind » : l'organisation « spvb » existe déjà comme Corps de police",
    ]
    assert len(errors) == len(expected), errors
    for error, part in zip(errors, expected, strict=True):
        assert error.startswith(f"{path}, ")
        assert part in error, (part, error)
    assert not Organisation.objects.filter(code="o9").exists()


def test_unknown_kind_of_file(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("reference", "import", "schools", str(_csv(tmp_path, "code\n")))
