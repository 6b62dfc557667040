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

os.environ.setdefault("DEBUG", "1")
