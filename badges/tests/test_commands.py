"""`sexto awards list` and `sexto content load`."""

import json
import textwrap
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from badges.models import Award, BadgeClass
from badges.services import badge_level_completed, badge_request_review
from badges.tests.conftest import complete
from training.models import Program


def _run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def two_awards(world, program, submitted):
    complete(world.learner, program.explorateur)
    first = badge_level_completed(user=world.learner, level=program.explorateur).award
    Award.objects.filter(pk=first.pk).update(granted_at=timezone.now() - timezone.timedelta(days=2))
    badge_request_review(badge_request=submitted, reviewer=world.reviewer, decision="grant")
    second = Award.objects.get(request=submitted)
    Award.objects.filter(pk=second.pk).update(revoked=True, revoked_at=timezone.now(),
                                              revocation_reason="Attribué par erreur.")
    return first, second


def test_awards_list_plain(world, two_awards):
    first, second = two_awards
    out, _ = _run("awards", "list")
    lines = out.splitlines()
    assert lines == [
        "\t".join([str(first.pk), "granted", world.learner.handle, "fictif-explorateur",
                   "explorateur", f"/fr/attestations/{first.pk}/"]),
        "\t".join([str(second.pk), "revoked", world.learner.handle, "fictif-architecte",
                   "architecte", f"/fr/attestations/{second.pk}/"]),
    ]


def test_awards_list_json_and_expired(world, two_awards):
    first, _second = two_awards
    Award.objects.filter(pk=first.pk).update(expires_at=timezone.now())
    out, _ = _run("awards", "list", "--json")
    data = json.loads(out)
    assert [row["status"] for row in data] == ["expired", "revoked"]
    assert data[0] == {
        "id": str(first.pk), "status": "expired", "member": world.learner.handle,
        "badge_class": "fictif-explorateur", "level": "explorateur",
        "path": f"/fr/attestations/{first.pk}/",
    }


def test_awards_list_empty(db):
    assert _run("awards", "list") == ("", "")
    assert json.loads(_run("awards", "list", "--json")[0]) == []


def test_awards_needs_a_subcommand(db):
    with pytest.raises(CommandError):
        _run("awards")


def _content_file(tmp_path, *, slug="programme-essai", version=1, badge_slug="essai-explorateur",
                  name="essai.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(f"""\
        format: 1
        slug: {slug}
        version: {version}
        title: {{fr: Programme d'essai, en: Trial program}}
        summary: {{fr: Un résumé., en: A summary.}}
        description: {{fr: Une description., en: A description.}}
        levels:
          - kind: explorateur
            title: {{fr: Explorateur, en: Explorer}}
            description: {{fr: Le niveau., en: The level.}}
            badge:
              slug: {badge_slug}
              name: {{fr: Essai – Explorateur, en: Trial – Explorer}}
              description: {{fr: Un badge., en: A badge.}}
              criteria: {{fr: Finir., en: Finish.}}
              auto_grant: true
              requires_agreement: true
            modules:
              - slug: lecture
                kind: reading
                title: {{fr: Lecture, en: Reading}}
                body: {{fr: Un texte., en: A text.}}
        """), encoding="utf-8")
    return path


def test_content_load_creates_the_program_and_its_badge_classes(db, tmp_path):
    path = _content_file(tmp_path)
    out, err = _run("content", "load", str(path), "--publish")
    assert err == ""
    assert "programme-essai v1 loaded (published)" in out
    assert "essai-explorateur" in out
    badge_class = BadgeClass.objects.get(slug="essai-explorateur")
    assert badge_class.auto_grant and badge_class.level_kind == "explorateur"
    assert Program.objects.get(slug="programme-essai").is_published
    out, _ = _run("content", "load", str(path))
    assert "unchanged" in out
    assert BadgeClass.objects.count() == 1


def test_content_load_all_reads_the_content_folder(db, tmp_path, settings):
    _content_file(tmp_path, name="a.yaml")
    _content_file(tmp_path, slug="autre-essai", badge_slug="autre-explorateur", name="b.yaml")
    settings.SEXTO_CONTENT_DIR = tmp_path
    out, _ = _run("content", "load", "--all")
    assert len(out.splitlines()) == 2
    assert set(BadgeClass.objects.values_list("slug", flat=True)) == {
        "essai-explorateur", "autre-explorateur"}
    assert not Program.objects.filter(published_at__isnull=False).exists()


def test_content_load_reports_every_error_and_fails(db, tmp_path):
    path = tmp_path / "casse.yaml"
    path.write_text("format: 1\nslug: Pas Un Slug\nversion: 0\n", encoding="utf-8")
    with pytest.raises(CommandError):
        out, err = StringIO(), StringIO()
        try:
            call_command("content", "load", str(path), stdout=out, stderr=err)
        finally:
            errors = err.getvalue().splitlines()
    assert len(errors) >= 2
    assert all("casse.yaml" in line for line in errors)
    assert not Program.objects.exists() and not BadgeClass.objects.exists()


def test_content_load_needs_files_or_all(db, tmp_path):
    with pytest.raises(CommandError):
        _run("content", "load")
    with pytest.raises(CommandError):
        _run("content", "load", "--all", str(_content_file(tmp_path)))
