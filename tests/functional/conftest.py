"""Fixtures of the functional tests (the shared ones are in tests/conftest.py)."""
import pytest

from tests.conftest import login
from tests.functional.helpers import receive


@pytest.fixture
def received(web, officers):
    """The code of a dossier just received at BRANCH1 by recv1; the app is logged out."""
    login(web, "recv1")
    _, code, _ = receive(web)
    web.reset()
    return code


@pytest.fixture
def ini(tmp_path, settings):
    path = tmp_path / "cli.ini"
    var = settings["records.var_dir"]
    path.write_text(f"[app:main]\nuse = egg:records\nrecords.var_dir = {var}\n")
    return str(path)
