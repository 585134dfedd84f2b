"""Commands never evolve the store: on a store with no portal, or one of another
generation, every command that opens the portal stops with what to run, not a traceback."""
import pytest
from click.testing import CliRunner

from records import evolve
from records.cli import main as cli
from records.settings import apply_environment
from records.store import open_database
from tests.conftest import app_settings

pytestmark = pytest.mark.house

COMMANDS = [["requeue"], ["check-signatures"], ["audit"], ["pack"], ["seed"], ["fixity"],
            ["deliver-index"], ["export", "X", "--out", "{tmp}/out"],
            ["import-bag", "{tmp}/some.zip"], ["create-admin", "--password", "a-long-password"]]


def _ini(tmp_path):
    path = tmp_path / "t.ini"
    path.write_text(f"[app:main]\nuse = egg:records\nrecords.var_dir = {tmp_path}/var\n")
    (tmp_path / "some.zip").write_bytes(b"PK")
    return str(path)


def _run(tmp_path, ini, args):
    return CliRunner().invoke(cli, ["-c", ini] + [a.format(tmp=tmp_path) for a in args])


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: args[0])
def test_a_command_on_a_store_with_no_portal_says_to_run_evolve(tmp_path, args):
    result = _run(tmp_path, _ini(tmp_path), args)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    assert "the store holds no portal yet: run `records evolve` first" in result.output
    assert "Traceback" not in result.output


def test_a_command_on_an_older_store_says_to_run_evolve_and_runs_after_it(tmp_path):
    ini = _ini(tmp_path)
    assert _run(tmp_path, ini, ["evolve"]).exit_code == 0
    db = open_database(apply_environment(app_settings(tmp_path / "var")))
    try:
        with db.transaction() as conn:
            conn.root()["portal"].generation = len(evolve.STEPS) - 1
    finally:
        db.close()
    result = _run(tmp_path, ini, ["audit"])
    assert result.exit_code == 1, result.output
    assert (f"the store is at generation {len(evolve.STEPS) - 1}, this code expects "
            f"{len(evolve.STEPS)}: run `records evolve` first") in result.output
    assert _run(tmp_path, ini, ["evolve"]).exit_code == 0
    result = _run(tmp_path, ini, ["audit"])
    assert result.exit_code == 0 and "entries sealed" in result.output, result.output
