"""A reading task lost after commit is sent again: `records requeue` and the periodic sweep."""
import base64
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from records.cli import main as cli
from tests.conftest import login, portal_of
from tests.functional.helpers import receive

pytestmark = pytest.mark.scale
BOTH_STORES = True


def queued_messages(settings):
    """(task name, args) of the messages waiting in the embedded broker's folder."""
    out = []
    for path in sorted(Path(settings["records.var_dir"], "queue").glob("*.msg")):
        message = json.loads(path.read_text())
        args = json.loads(base64.b64decode(message["body"]))[0]
        out.append((message["headers"]["task"], args))
    return out


def lose_every_message(settings):
    for path in Path(settings["records.var_dir"], "queue").glob("*.msg"):
        path.unlink()


def requeue(settings, tmp_path, *args):
    ini = tmp_path / "requeue.ini"
    store = "".join(f"{key} = {value}\n" for key, value in settings.items()
                    if key.startswith("zodbconn."))
    ini.write_text("[app:main]\nuse = egg:records\n"
                   f"records.var_dir = {settings['records.var_dir']}\n{store}")
    result = CliRunner().invoke(cli, ["-c", str(ini), "requeue", *args])
    assert result.exit_code == 0, result.output
    return int(result.output.split("reading re-sent for ")[1].split()[0])


def test_a_lost_send_is_sent_again_once_past_the_timeout(web, officers, db, settings, tmp_path):
    login(web, "recv1")
    _, code, _ = receive(web)
    with portal_of(db) as p:
        file_id = p.dossiers[code].components["application"].current.file_id
        assert file_id in p.reading_queue
        receipt = p.dossiers[code].receipt.file_id
        assert receipt not in p.reading_queue  # nothing to read in our own print-out
    assert ("records.read_file", [file_id]) in queued_messages(settings)

    lose_every_message(settings)  # the broker lost the message: nothing would read the file
    assert requeue(settings, tmp_path) == 0  # not yet past the default timeout (an hour)
    assert requeue(settings, tmp_path, "--older-than", "0") == 1
    assert queued_messages(settings) == [("records.read_file", [file_id])]
    # Re-noted when re-sent: not sent again before another period has passed.
    assert requeue(settings, tmp_path, "--older-than", "60") == 0

    with portal_of(db) as p:
        p.files[file_id].reading.state = "done"
    assert requeue(settings, tmp_path, "--older-than", "0") == 0
    with portal_of(db) as p:
        assert file_id not in p.reading_queue  # read files leave the queue at the sweep
