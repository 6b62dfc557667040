"""Every catalog is complete and compiled: English is offered on every page, not half of them.

Source strings are French; each app keeps its English catalog in <app>/locale/en (templates and
core strings in locale/en at the top). The compiled .mo files are committed so that a fresh
checkout runs without GNU gettext; these tests hold them in step with the .po files.
"""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = sorted(
    path for path in ROOT.glob("**/locale/*/LC_MESSAGES/django.po")
    if ".venv" not in path.parts
)


def test_every_app_with_strings_has_an_english_catalog():
    langs = {(path.parts[-5] if path.parts[-5] != ROOT.name else "", path.parts[-3])
             for path in CATALOGS}
    for app in ("", "accounts", "training", "badges", "credentials", "privacy", "cases",
                "notifications"):
        assert (app, "en") in langs, f"no English catalog for {app or 'the project'}"


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalog_is_fully_translated(po_path):
    catalog = polib.pofile(str(po_path))
    untranslated = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert not untranslated, f"{po_path}: untranslated: {untranslated[:10]}"
    assert not fuzzy, f"{po_path}: fuzzy: {fuzzy[:10]}"


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalog_matches_its_source(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: compile it (msgfmt -o django.mo django.po)"

    def entries(catalog):
        return {
            (entry.msgctxt, entry.msgid): entry.msgstr or tuple(sorted(entry.msgstr_plural.items()))
            for entry in catalog.translated_entries() if entry.msgid
        }

    assert entries(polib.mofile(str(mo_path))) == entries(polib.pofile(str(po_path))), (
        f"{mo_path} is out of date: recompile it from {po_path.name}"
    )


def _msgids(po_path: Path) -> set[tuple[str, str]]:
    catalog = polib.pofile(str(po_path))
    return {(entry.msgctxt or "", entry.msgid) for entry in catalog if entry.msgid}


@pytest.mark.parametrize("folder", ["", "accounts", "training", "badges", "credentials",
                                    "privacy", "cases", "notifications"])
def test_catalog_holds_every_string_of_the_code(folder, tmp_path):
    """Run makemessages on a copy: a string added to the code but not to the catalog fails."""
    import os
    import shutil
    import subprocess
    import sys

    if shutil.which("xgettext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("GNU gettext is missing (apt-get install -y gettext; .ci/run does it)")
        pytest.skip("GNU gettext is not installed: apt-get install -y gettext")
    source = ROOT / folder if folder else ROOT
    copy = tmp_path / "copy"
    if folder:
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns("tests", "__pycache__"))
    else:
        # The project catalog: templates/, core/, config/, demo/ (each app has its own).
        copy.mkdir()
        for part in ("templates", "core", "config", "demo", "locale"):
            shutil.copytree(ROOT / part, copy / part,
                            ignore=shutil.ignore_patterns("tests", "__pycache__"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1",
           "PYTHONPATH": str(ROOT)}
    subprocess.run(  # noqa: S603 - Django's own command on a copy of our files
        # The script, not `python -m django`: that would put the copy first on sys.path, where
        # an app's selectors.py shadows the standard library's.
        [Path(sys.executable).parent / "django-admin", "makemessages", "-l", "en",
         "--no-obsolete"],
        cwd=copy, env=env, check=True, capture_output=True,
    )
    po_name = Path("locale/en/LC_MESSAGES/django.po")
    missing = _msgids(copy / po_name) - _msgids(source / po_name)
    assert not missing, f"strings missing from {folder or 'the project'}'s catalog: {missing}"
