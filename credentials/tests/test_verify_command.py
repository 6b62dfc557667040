"""`sexto verify`: what it prints, in French or English, and its exit codes 0 to 3."""

import io
import json
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

import credentials.verify as verify_module
from credentials.baking import png_bake
from credentials.services import credential_for_award, credential_jwt
from credentials.tests.test_verify import Issuer, foreign_credential, no_fetch

BADGES = Path(settings.BASE_DIR) / "credentials" / "static" / "credentials" / "badges"


def run(*args) -> tuple[int, str]:
    """The command's exit code and standard output."""
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("verify", *args, stdout=out)
    return exit_.value.code, out.getvalue()


@pytest.fixture
def credential_file(award, tmp_path):
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(credential_for_award(award=award).document), encoding="utf-8")
    return path


def test_a_valid_credential_exits_0_and_says_why(credential_file):
    code, out = run(str(credential_file))
    assert code == 0
    assert "[Réussi] Signature : Signature valide" in out
    assert out.strip().splitlines()[-1] == "Verdict : Badge valide"


def test_json_output_is_the_report(credential_file):
    code, out = run(str(credential_file), "--json")
    report = json.loads(out)
    assert code == 0 and report["verdict"] == "valid" and report["format"] == "ob3"
    assert {check["name"] for check in report["checks"]} >= {"signature", "status"}
    assert report["summary"]["name"]


def test_english_messages(credential_file, tmp_path):
    code, out = run(str(credential_file), "--lang", "en", "--json")
    assert code == 0 and json.loads(out)["verdict"] == "valid"
    code, out = run(str(tmp_path / "missing.json"), "--lang", "en")
    assert code == 2 and "missing.json" in out


def test_jwt_and_baked_png_files(award, tmp_path):
    jwt_file = tmp_path / "badge.jwt"
    jwt_file.write_text(credential_jwt(award=award) + "\n", encoding="utf-8")
    png_file = tmp_path / "badge.png"
    png_file.write_bytes(png_bake((BADGES / "sexto-architecte.png").read_bytes(),
                                  keyword="openbadgecredential",
                                  text=json.dumps(credential_for_award(award=award).document)))
    assert run(str(jwt_file))[0] == 0
    assert run(str(png_file))[0] == 0


def test_invalid_credentials_exit_1(award, credential_file):
    document = json.loads(credential_file.read_text(encoding="utf-8"))
    document["name"] = "Badge inventé"
    credential_file.write_text(json.dumps(document), encoding="utf-8")
    code, out = run(str(credential_file))
    assert code == 1 and "[Échec] Signature" in out and "Verdict : Badge invalide" in out
    award.revoked, award.revoked_at, award.revocation_reason = True, timezone.now(), "x"
    award.save()
    revoked = credential_file.with_name("revoked.json")
    revoked.write_text(json.dumps(credential_for_award(award=award).document), encoding="utf-8")
    code, out = run(str(revoked))
    assert code == 1 and "révoqué" in out


@pytest.mark.parametrize("content", [b"", b"hello", b"{", b"[]", bytes(range(256))])
def test_what_is_not_a_credential_exits_2(tmp_path, content, db):
    path = tmp_path / "input"
    path.write_bytes(content)
    code, out = run(str(path))
    assert code == 2 and "Verdict : Ce n'est pas un badge vérifiable" in out


def test_missing_or_unreadable_files_exit_2(tmp_path, db):
    code, out = run(str(tmp_path / "nope.json"))
    assert code == 2 and "Impossible de lire" in out and "fichier introuvable" in out
    code, out = run(str(tmp_path))  # a folder
    assert code == 2 and "dossier" in out
    code, out = run(str(tmp_path / "nope.json"), "--json")
    assert code == 2 and json.loads(out)["verdict"] == "unusable"


def test_a_huge_file_is_refused_without_reading_it_whole(tmp_path, db):
    path = tmp_path / "huge.json"
    path.write_bytes(b"{" + b" " * (5 * 1024 * 1024) + b"}")
    code, out = run(str(path))
    assert code == 2 and "2 Mo" in out


def test_standard_input(credential_file, monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(credential_file.read_bytes()))
    monkeypatch.setattr(sys, "stdin", stdin)
    assert run("-")[0] == 0


def test_a_check_out_of_reach_exits_3(award, tmp_path, monkeypatch):
    monkeypatch.setattr(verify_module, "default_fetcher", no_fetch)
    stranger = Issuer()
    document = foreign_credential(credential_for_award(award=award).document, stranger,
                                  status_url="https://status.example/list")
    path = tmp_path / "foreign.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    code, out = run(str(path))
    assert code == 3 and "[Non vérifié] Révocation" in out
    assert "Verdict : Vérification incomplète" in out


def test_urls_are_fetched(monkeypatch, db):
    monkeypatch.setattr(verify_module, "default_fetcher", no_fetch)
    code, out = run("https://badges.example/badge.json")
    assert code == 2 and "unreachable" in out
