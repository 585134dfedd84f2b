"""Search on the real Elasticsearch, fed by a real worker through Redis; nothing is lost
while Elasticsearch is down; reindex swaps with no empty moment; verify repairs drift."""
import json
import uuid

import pytest
from click.testing import CliRunner
from webtest import TestApp

from records import main
from records.cli import main as cli
from records.search.elastic import ElasticBackend
from tests.conftest import OFFICERS, PASSWORD, app_settings, hash_password, portal_of
from tests.conftest import User
from tests.functional.helpers import act, api_login
from tests.rig.worker import WorkerProcess, wait_for
from tests.samples import pdf_bytes

pytestmark = [pytest.mark.search, pytest.mark.integration]


@pytest.fixture(scope="module")
def live(tmp_path_factory, redis_server, elasticsearch_server):
    if not elasticsearch_server.running:
        elasticsearch_server.start()
    var = tmp_path_factory.mktemp("search-live") / "var"
    broker = redis_server.url.rsplit("/", 1)[0] + "/5"
    prefix = f"live{uuid.uuid4().hex[:8]}"
    env = {"RECORDS_VAR_DIR": str(var), "CELERY_BROKER_URL": broker,
           "SEARCH_BACKEND": "elasticsearch", "SEARCH_URL": elasticsearch_server.url,
           "SEARCH_PREFIX": prefix, "RECORDS_SECRET": "s" * 40}
    settings = app_settings(var, **{"celery.broker_url": broker,
                                    "search.backend": "elasticsearch",
                                    "search.url": elasticsearch_server.url,
                                    "search.prefix": prefix, "search.timeout": "5"})
    wsgi = main({}, **settings)
    with portal_of(wsgi.registry.zodb) as p:
        for login in ("recv1", "super"):
            roles, unit = OFFICERS[login]
            p.users.add(login, User(login, login, hash_password(PASSWORD), roles, unit))
    worker = WorkerProcess(env, var.parent / "worker.log").start()
    ini = var.parent / "cli.ini"
    ini.write_text("[app:main]\nuse = egg:records\n")
    yield {"wsgi": wsgi, "worker": worker, "env": env, "es": elasticsearch_server,
           "prefix": prefix, "ini": str(ini)}
    worker.stop()
    wsgi.registry.zodb.close()
    if not elasticsearch_server.running:
        elasticsearch_server.start()
    ElasticBackend(elasticsearch_server.url, prefix=prefix).client.options(
        ignore_status=404).indices.delete(index=f"{prefix}-*")


def receive(app, csrf, name, id_number):
    data = {"procedure": "1.001193",
            "applicant": {"kind": "person", "name": name, "id_number": id_number}}
    reply = app.post("/api/v1/dossiers", {"data": json.dumps(data)},
                     upload_files=[("file.application", "tk.pdf", pdf_bytes("Tờ khai"))],
                     headers={"X-CSRF-Token": csrf}, status=201)
    return reply.json["code"]


def found(app, csrf, **params):
    reply = app.post_json("/api/v1/search", params, headers={"X-CSRF-Token": csrf},
                          expect_errors=True)
    if reply.status_int != 200:
        return None
    return {h["fields"]["dossier_code"]: h["fields"] for h in reply.json["hits"]}


def test_changes_while_elasticsearch_is_down_are_delivered_when_it_returns(live):
    app = TestApp(live["wsgi"])
    csrf = api_login(app, "recv1", PASSWORD)
    first = receive(app, csrf, "Hoàng Văn Hải", "001199000111")
    wait_for(lambda: first in (found(app, csrf, q="hoang van hai", kind="dossier") or {}),
             timeout=60, message="the first dossier to be searchable")

    live["es"].stop()
    try:
        reply = app.post_json("/api/v1/search", {"q": "hai"}, headers={"X-CSRF-Token": csrf},
                              status=503)
        assert "unavailable" in reply.json["error"]
        login_page = app.get("/search")
        form = login_page.forms["search-form"]
        form["q"] = "hai"
        page = form.submit(status=503)
        assert page.html.find(id="search-unavailable")
        # changes while it is down
        second = receive(app, csrf, "Lý Thị Mai", "001299000222")
        act(app, first, "withdraw", csrf, note="rút hồ sơ")
        with portal_of(live["wsgi"].registry.zodb) as p:
            assert {first, second} <= p.outbox.keys()
    finally:
        live["es"].start()
    wait_for(lambda: second in (found(app, csrf, q="ly thi mai", kind="dossier") or {}),
             timeout=150, interval=1, message="the change made during the outage")
    hits = found(app, csrf, q="hoang van hai", kind="dossier")
    assert hits[first]["state"] == "withdrawn"
    with portal_of(live["wsgi"].registry.zodb) as p:
        assert len(p.outbox) == 0


def test_reindex_swaps_and_verify_repairs(live):
    app = TestApp(live["wsgi"])
    csrf = api_login(app, "recv1", PASSWORD)
    code = receive(app, csrf, "Đinh Công Tráng", "001188000333")
    wait_for(lambda: code in (found(app, csrf, q="dinh cong trang") or {}), timeout=60,
             message="indexing")

    def settled():
        with portal_of(live["wsgi"].registry.zodb) as p:
            files = p.dossiers[code].components["application"].versions
            return len(p.outbox) == 0 and all(v.reading.state == "done" for v in files)
    wait_for(settled, timeout=90, message="reading and delivery to finish")
    runner = CliRunner()
    env = dict(live["env"])
    result = runner.invoke(cli, ["-c", live["ini"], "reindex"], env=env)
    assert result.exit_code == 0, result.output
    assert "alias swapped" in result.output
    assert code in found(app, csrf, q="dinh cong trang")
    result = runner.invoke(cli, ["-c", live["ini"], "reindex", "--verify"], env=env)
    assert result.exit_code == 0, result.output
    assert "0 missing, 0 stale, 0 extra" in result.output
    # drift: a document deleted behind our back, and one the store never had
    backend = ElasticBackend(live["es"].url, prefix=live["prefix"])
    backend.delete_many([f"dossier:{code}"])
    backend.index_many([{"id": "dossier:ghost", "kind": "dossier", "version": 1,
                         "dossier_code": "ghost"}])
    backend.refresh()
    result = runner.invoke(cli, ["-c", live["ini"], "reindex", "--verify"], env=env)
    assert result.exit_code == 1 and "1 missing, 0 stale, 1 extra" in result.output
    result = runner.invoke(cli, ["-c", live["ini"], "reindex", "--verify", "--repair"], env=env)
    assert result.exit_code == 0, result.output
    assert "now 0 missing, 0 stale, 0 extra" in result.output
    assert code in found(app, csrf, q="dinh cong trang")
