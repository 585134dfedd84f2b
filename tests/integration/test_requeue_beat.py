"""The periodic sweep (Celery beat in a real worker) re-sends reading lost in Redis."""
import json
import socket

import pytest
from webtest import TestApp

from records import main
from tests.conftest import OFFICERS, PASSWORD, User, app_settings, hash_password, portal_of
from tests.functional.helpers import api_login
from tests.rig.worker import WorkerProcess, wait_for
from tests.samples import pdf_bytes

pytestmark = [pytest.mark.scale, pytest.mark.integration]


def flush_redis_db(redis_server, db):
    """FLUSHDB on one Redis database: a broker that lost what it held (restart, no AOF)."""
    with socket.create_connection(("127.0.0.1", redis_server.port), timeout=5) as s:
        s.sendall(f"SELECT {db}\r\nFLUSHDB\r\n".encode())
        reply = b""
        while reply.count(b"\r\n") < 2:
            reply += s.recv(64)
    assert reply == b"+OK\r\n+OK\r\n", reply


def test_beat_resends_reading_that_the_broker_lost(tmp_path, redis_server):
    var = tmp_path / "var"
    broker = redis_server.url.rsplit("/", 1)[0] + "/5"
    settings = app_settings(var, **{"celery.broker_url": broker})
    wsgi = main({}, **settings)
    worker = None
    try:
        with portal_of(wsgi.registry.zodb) as p:
            roles, unit = OFFICERS["recv1"]
            p.users.add("recv1", User("recv1", "Recv", hash_password(PASSWORD), roles, unit))
        app = TestApp(wsgi)
        csrf = api_login(app, "recv1", PASSWORD)
        data = {"procedure": "2.000815",
                "applicant": {"kind": "person", "name": "Nguyễn Văn An",
                              "id_number": "001203004567"}}
        code = app.post("/api/v1/dossiers", {"data": json.dumps(data)},
                        upload_files=[("file.original", "qd.pdf", pdf_bytes("Quyết định"))],
                        headers={"X-CSRF-Token": csrf}, status=201).json["code"]
        flush_redis_db(redis_server, 5)  # the reading task is gone before any worker saw it

        def state():
            reply = app.get(f"/api/v1/dossiers/{code}").json
            return reply["components"][0]["versions"][0]["reading"]["state"]
        assert state() == "queued"
        env = {"RECORDS_VAR_DIR": str(var), "CELERY_BROKER_URL": broker,
               "RECORDS_SECRET": "s" * 40, "RECORDS_REQUEUE_AFTER": "1",
               "RECORDS_REQUEUE_EVERY": "1"}
        worker = WorkerProcess(env, tmp_path / "worker.log", concurrency=1, beat=True).start()
        try:
            wait_for(lambda: state() == "done", timeout=120, interval=0.5,
                     message="the lost reading to be re-sent and done")
        except AssertionError:
            raise AssertionError("not re-sent; worker log:\n" + worker.tail()) from None
        assert "re-sent reading of 1 files left queued" in (tmp_path / "worker.log").read_text()
    finally:
        if worker is not None:
            worker.stop()
        wsgi.registry.zodb.close()
