"""Errors become responses in one place: the same refusal gives the same status from the
page and from the API, and a refused request keeps nothing and sends no task."""
import json
import os

import pytest
import transaction

from records.jobs import DELIVER_INDEX, READ_FILE, enqueue_after_commit
from tests.conftest import JUSTICE, PASSWORD, login
from tests.functional.helpers import act, api_login, receive
from tests.samples import pdf_bytes

pytestmark = pytest.mark.house


def queued(wsgi):
    """The names of the tasks waiting in the embedded broker (Kombu's file-system
    transport keeps one JSON message per file)."""
    folder = wsgi.registry.settings["celery.broker_dir"]
    names = []
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as f:
                names.append(json.load(f)["headers"]["task"])
    return sorted(names)


@pytest.fixture
def received(web, officers):
    login(web, "recv1")
    _, code, _ = receive(web)
    web.reset()
    return code


def test_a_workflow_refusal_has_one_status_on_the_page_and_in_the_api(web, received):
    code = received
    csrf = login(web, "recv1")
    page = web.post(f"/dossiers/{code}/act", {"csrf_token": csrf, "action": "return"},
                    status=409)  # not in that state
    assert "«" in page.html.find(id="action-error").text
    web.post(f"/dossiers/{code}/act", {"csrf_token": csrf, "action": "withdraw"}, status=400)
    web.reset()
    csrf = api_login(web, "recv1", PASSWORD)
    assert act(web, code, "return", csrf, status=409).json["error"] == (
        "cannot return a dossier in state received")
    assert act(web, code, "withdraw", csrf, status=400).json["error"] == (
        "a reason is required for this action")
    reply = act(web, code, "transfer", csrf, status=400, note="x" * 3000)
    assert set(reply.json["fields"]) == {"note"}
    act(web, code, "transfer", csrf, processing_unit=JUSTICE)
    web.reset()
    csrf = login(web, "proc1")
    page = web.post(f"/dossiers/{code}/act", {"csrf_token": csrf, "action": "approve"},
                    status=403)  # a processing officer may not approve
    assert page.html.find(id="action-error") is not None  # the dossier page, saying why
    web.reset()
    csrf = api_login(web, "proc1", PASSWORD)
    assert act(web, code, "approve", csrf, status=403).json["error"] == (
        "your role may not approve")


def test_an_upload_to_a_missing_component_is_a_404_on_both(web, received, wsgi):
    code = received
    before = queued(wsgi)
    csrf = login(web, "recv1")
    page = web.post(f"/dossiers/{code}/upload", {"csrf_token": csrf, "component": "nope"},
                    upload_files=[("file", "a.pdf", pdf_bytes())], status=404)
    assert page.html.find(id="action-error") is not None
    web.reset()
    csrf = api_login(web, "recv1", PASSWORD)
    reply = web.post(f"/api/v1/dossiers/{code}/components/nope/versions",
                     upload_files=[("file", "a.pdf", pdf_bytes())],
                     headers={"X-CSRF-Token": csrf}, status=404)
    assert reply.json == {"error": "no component 'nope'"}
    assert queued(wsgi) == before


def test_a_refused_request_sends_no_task_an_accepted_one_does(web, officers, portal, wsgi):
    login(web, "recv1")
    assert queued(wsgi) == []
    # the first file is stored before the second is refused: the whole request is undone
    receive(web, files={"file.application": ("a.pdf", pdf_bytes()),
                        "file.identity": ("x.exe", b"MZ\x90\x00" * 100)}, status=415)
    with portal() as p:
        assert len(p.dossiers) == 0 and len(p.files) == 0
    assert queued(wsgi) == []
    receive(web)
    assert queued(wsgi) == [DELIVER_INDEX, READ_FILE]  # the application form's reading


def test_a_task_is_sent_only_when_its_transaction_commits(wsgi):
    celery = wsgi.registry.celery
    tm = transaction.TransactionManager()
    txn = tm.begin()
    enqueue_after_commit(txn, celery, READ_FILE, "f-aborted")
    tm.abort()
    txn = tm.begin()
    txn.doom()
    enqueue_after_commit(txn, celery, READ_FILE, "f-doomed")
    tm.abort()  # pyramid_tm aborts a doomed transaction
    assert queued(wsgi) == []
    txn = tm.begin()
    enqueue_after_commit(txn, celery, READ_FILE, "f-committed")
    tm.commit()
    assert queued(wsgi) == [READ_FILE]


def test_a_user_error_on_an_api_route_is_json_with_its_fields(web, officers):
    csrf = api_login(web, "recv1", PASSWORD)
    reply = web.post("/api/v1/dossiers", {"data": "[]"}, headers={"X-CSRF-Token": csrf},
                     status=400)
    assert reply.json == {"error": "invalid input", "fields": {"data": "expected a JSON object"}}
    reply = web.post_json("/api/v1/search", {"date_from": "hôm qua"},
                          headers={"X-CSRF-Token": csrf}, status=400)
    assert reply.json["error"] == "not a date: 'hôm qua'"
