"""The README's run command: portal + workers with the embedded defaults (no server to
install): a file received through the API is read by the workers and becomes searchable."""
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.rig import free_port
from tests.rig.worker import wait_for
from tests.samples import pdf_bytes

pytestmark = [pytest.mark.foundation, pytest.mark.digitization, pytest.mark.integration]
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "embedded-run-password"


@pytest.fixture(scope="module")
def portal_url(tmp_path_factory):
    var = tmp_path_factory.mktemp("embedded") / "var"
    env = dict(os.environ, RECORDS_VAR_DIR=str(var), RECORDS_PASSWORD=PASSWORD,
               OMP_THREAD_LIMIT="1")
    for key in ("CELERY_BROKER_URL", "SEARCH_BACKEND", "SEARCH_URL"):
        env.pop(key, None)
    cli = [sys.executable, "-m", "records.cli", "-c", str(ROOT / "config/development.ini")]
    subprocess.run(cli + ["evolve"], env=env, check=True, capture_output=True, timeout=120)
    subprocess.run(cli + ["create-user", "tiepnhan", "--name", "Tiếp nhận", "--role",
                          "receiving", "--role", "leader", "--unit", "000.00.01.H26"],
                   env=env, check=True, capture_output=True, timeout=120)
    port = free_port()
    log = open(var.parent / "run.log", "wb")
    process = subprocess.Popen(cli + ["run", "--listen", f"127.0.0.1:{port}"], env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"

    def up():
        try:
            return requests.get(url + "/login", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False
    try:
        wait_for(up, timeout=60, message="the portal to answer")
        yield url
    finally:
        # NB: only the `records run` process: it stops its workers itself (that is what
        # this checks); then the group is swept so that nothing outlives the test.
        process.terminate()
        process.wait(60)
        log.close()
        try:
            os.killpg(process.pid, 9)
        except ProcessLookupError:
            pass


def test_received_file_is_read_and_found_with_no_server_installed(portal_url):
    s = requests.Session()
    csrf = s.post(portal_url + "/api/v1/session",
                  json={"login": "tiepnhan", "password": PASSWORD}).json()["csrf_token"]
    data = {"procedure": "1.001193",
            "applicant": {"kind": "person", "name": "Bùi Thị Xuân", "id_number": "001301009876"}}
    reply = s.post(portal_url + "/api/v1/dossiers", data={"data": json.dumps(data)},
                   files={"file.application": ("tk.pdf", pdf_bytes("QUYẾT ĐỊNH\nSố: 27/QĐ-UBND"))},
                   headers={"X-CSRF-Token": csrf})
    assert reply.status_code == 201, reply.text
    code = reply.json()["code"]

    def read():
        dossier = s.get(f"{portal_url}/api/v1/dossiers/{code}").json()
        return dossier["components"][0]["versions"][0]["reading"]["state"] == "done"
    wait_for(read, timeout=120, interval=0.5, message="the worker to read the file")

    def found():
        hits = s.post(portal_url + "/api/v1/search", json={"q": "27/QĐ-UBND"},
                      headers={"X-CSRF-Token": csrf})
        return hits.status_code == 200 and any(
            h["fields"]["dossier_code"] == code for h in hits.json()["hits"])
    wait_for(found, timeout=60, interval=0.5, message="the file's text to be searchable")


@pytest.mark.scale
def test_many_idle_connections_do_not_stop_new_requests(portal_url):
    """Browsers and proxies keep connections open: 300 idle ones (waitress stops accepting
    at 100 by default) and a new visitor is still answered at once."""
    host, port = portal_url.rsplit("/", 1)[-1].split(":")
    idle = [socket.create_connection((host, int(port)), timeout=5) for _ in range(300)]
    try:
        started = time.monotonic()
        reply = requests.get(portal_url + "/login", timeout=20)
        assert reply.status_code == 200
        assert time.monotonic() - started < 10
    finally:
        for s in idle:
            s.close()
