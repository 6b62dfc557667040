"""Stored answers get the language they were typed in ("lang", badges.services._answers_snapshot).

Answers stored before it was recorded take their author's preferred language: the language of the
pages they used, so the best guess available. Reversing removes the key.
"""

from django.db import migrations


def _with_language(items, language):
    changed = False
    for item in items or []:
        if isinstance(item, dict) and not item.get("lang"):
            item["lang"] = language
            changed = True
    return changed


def forwards(apps, schema_editor):
    BadgeRequest = apps.get_model("badges", "BadgeRequest")
    Award = apps.get_model("badges", "Award")
    for request in BadgeRequest.objects.select_related("applicant").iterator():
        if _with_language(request.answers, request.applicant.preferred_language or "fr"):
            request.save(update_fields=["answers"])
    for award in Award.objects.select_related("recipient").iterator():
        if _with_language(award.evidence, award.recipient.preferred_language or "fr"):
            award.save(update_fields=["evidence"])


def backwards(apps, schema_editor):
    BadgeRequest = apps.get_model("badges", "BadgeRequest")
    Award = apps.get_model("badges", "Award")
    for model, field in ((BadgeRequest, "answers"), (Award, "evidence")):
        for row in model.objects.iterator():
            items = getattr(row, field) or []
            if any(isinstance(item, dict) and "lang" in item for item in items):
                for item in items:
                    if isinstance(item, dict):
                        item.pop("lang", None)
                row.save(update_fields=[field])


class Migration(migrations.Migration):
    dependencies = [
        ("badges", "0001_initial"),
        ("accounts", "0001_initial"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
