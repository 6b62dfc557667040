"""Environment for the test run, read before Django loads its settings.

pyproject.toml loads this module as a pytest plugin (`-p tests.environment` in addopts), which
pytest imports before pytest-django sets Django up; a conftest.py would come too late.

Tests run with development settings: the production defaults (HTTPS redirect, secure cookies,
a manifest of collected static files, a mandatory SECRET_KEY) would turn every test request into
a redirect or an error. A DEBUG given in the environment still wins, and pytest-django sets
settings.DEBUG to False while tests run, as in production. Production settings themselves are
tested in subprocesses (config/tests/test_deploy_check.py).
"""

import os
import tempfile
import uuid

import pytest

os.environ.setdefault("DEBUG", "1")
# Nothing a test run writes (the demo's signing keyring, collected files) lands in the
# checkout's var/: each run gets its own folder.
os.environ.setdefault("SEXTO_VAR_DIR", tempfile.mkdtemp(prefix="sexto-tests-"))
# The credential signing keyring of the run (created on first use by the `signing_keyring`
# fixture): pytest-django switches DEBUG off, where only an explicit keyring is accepted.
os.environ.setdefault("SEXTO_SIGNING_KEYS_FILE",
                      os.path.join(os.environ["SEXTO_VAR_DIR"], "signing-keys.json"))
# Case content is encrypted with keys from the environment; the run has its own throwaway key.
os.environ.setdefault("SEXTO_CASE_KEYS", "YKB1Q2cN3yK0pq9qXzY8sJm6mF4w8Hq4sQm3cWm2e0o=")
# With REDIS_URL (as CI sets it), the cache is that Redis server, shared with other runs and
# sites: the run's keys carry a prefix of their own, and conftest.py empties only those.
os.environ.setdefault("SEXTO_CACHE_KEY_PREFIX", f"sexto-test-{uuid.uuid4().hex[:12]}")

# Under pytest-xdist (`-n 2`, as .ci/run runs), each worker (gw0, gw1…) inherits the values above
# from the controller process: it takes a folder, a keyring and cache keys of its own, so that
# two workers never write the same file or empty each other's rate-limit counters.
_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker and os.path.basename(os.environ["SEXTO_VAR_DIR"]) != _worker:
    _shared = os.environ["SEXTO_VAR_DIR"]
    os.environ["SEXTO_VAR_DIR"] = os.path.join(_shared, _worker)
    os.makedirs(os.environ["SEXTO_VAR_DIR"], exist_ok=True)
    if os.environ["SEXTO_SIGNING_KEYS_FILE"] == os.path.join(_shared, "signing-keys.json"):
        os.environ["SEXTO_SIGNING_KEYS_FILE"] = os.path.join(
            os.environ["SEXTO_VAR_DIR"], "signing-keys.json")
    os.environ["SEXTO_CACHE_KEY_PREFIX"] += f"-{_worker}"


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only", action="store_true",
        help="Run only the tests that use the database (CI's second pass, on PostgreSQL: "
             "the others, browser tests included, already ran on SQLite).")


@pytest.hookimpl(trylast=True)  # after the hooks that mark browser tests (tests/browser)
def pytest_collection_modifyitems(config, items):
    """With --database-tests-only, leave out what does not depend on the database: tests
    without the database fixtures, browser tests (they drive the same views, already run on
    SQLite, and take most of a pass's time) and subprocess tests (marker `subprocess`: they
    start `sexto` or gunicorn with their own configuration, whatever the pass's database)."""
    if not config.getoption("--database-tests-only"):
        return
    kept, left = [], []
    for item in items:
        uses_database = bool(item.get_closest_marker("django_db")) or bool(
            {"db", "transactional_db", "django_db_reset_sequences"} & set(
                getattr(item, "fixturenames", ())))
        once = bool(item.get_closest_marker("browser") or item.get_closest_marker("subprocess"))
        (kept if uses_database and not once else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept
