"""Driving the intake form and the API the way an officer's browser does."""
import contextlib
import datetime
import os
import re
import signal
import subprocess
import sys
import time

from webtest import Upload

from records import clock
from records.settings import apply_environment
from records.store import open_database
from tests.conftest import JUSTICE, PASSWORD, login
from tests.samples import pdf_bytes

CODE = re.compile(r"\d{3}\.\d{2}\.\d{2}\.H26-\d{6}-\d{4}")


def intake_form(app, procedure="1.001193", **overrides):
    form = app.get("/intake", params={"procedure": procedure}).forms["intake-form"]
    values = {
        "applicant.kind": "person", "applicant.name": "Nguyễn Văn An",
        "applicant.id_number": "001203004567", "applicant.address": "12 Hàng Bạc, Hoàn Kiếm",
        "applicant.phone": "0912345678", "channel": "in_person",
    }
    values.update(overrides)
    for key, value in values.items():
        form[key] = value
    return form


def receive(app, procedure="1.001193", files=None, status=201, **overrides):
    """Submit the intake form; returns (response, code, pin)."""
    form = intake_form(app, procedure, **overrides)
    upload_fields = files if files is not None else {
        "file.application": ("to-khai.pdf", pdf_bytes("Tờ khai đăng ký khai sinh"))}
    for name, (filename, data) in upload_fields.items():
        form[name] = [Upload(filename, data)]
    response = form.submit(status=status)
    if status != 201:
        return response, None, None
    code = response.html.find(id="dossier-code").text
    pin = response.html.find(id="dossier-pin").text
    return response, code, pin


def mark_read(portal, code, fields, component="application"):
    """Store ``fields`` as a worker does for the current file of ``component``, its reading
    done; returns the file id."""
    with portal() as p:
        version = p.dossiers[code].components[component].current
        version.reading.state = "done"
        version.reading.fields = fields
        return version.file_id


def api_login(app, login, password):
    reply = app.post_json("/api/v1/session", {"login": login, "password": password})
    app.extra_environ = {}
    return reply.json["csrf_token"]


def act(app, code, action, csrf, status=200, **values):
    return app.post_json(f"/api/v1/dossiers/{code}/actions", dict(action=action, **values),
                         headers={"X-CSRF-Token": csrf}, status=status)


# -- results and reuse (shared by the results, reuse, citizens and bad-input tests) --------

JSON = {"Accept": "application/json"}
META = {"doc_type": "TRÍCH LỤC KHAI SINH", "number_symbol": "12/TLKS-UBND",
        "issuer": "UBND phường Hàng Bạc", "issue_date": "2026-01-05"}


def as_(web, name):
    web.reset()
    return api_login(web, name, PASSWORD)


def in_processing(web):
    """A dossier received at BRANCH1 and transferred to JUSTICE; returns its code and PIN."""
    login(web, "recv1")
    _, code, pin = receive(web)
    csrf = as_(web, "recv1")
    act(web, code, "transfer", csrf, processing_unit=JUSTICE)
    return code, pin


def attach(web, code, csrf, pdf=None, status=201, filename="ket-qua.pdf", **meta):
    fields = dict(META, **meta)
    fields["csrf_token"] = csrf
    files = [("file", filename, pdf if pdf is not None else pdf_bytes("TRÍCH LỤC KHAI SINH"))]
    return web.post(f"/dossiers/{code}/results", fields, upload_files=files, headers=JSON,
                    status=status)


def result_action(web, code, result_id, action, csrf, status=200, **fields):
    return web.post(f"/dossiers/{code}/results/{result_id}/{action}",
                    dict(fields, csrf_token=csrf), headers=JSON, status=status)


def published_dossier(web, pdf=None):
    """Received → transferred → result attached → approved → published.

    Returns (code, pin, result json). The app is left logged out."""
    code, pin = in_processing(web)
    csrf = as_(web, "proc1")
    result = attach(web, code, csrf, pdf=pdf).json
    csrf = as_(web, "lead1")
    act(web, code, "approve", csrf)
    published = result_action(web, code, result["result_id"], "publish", csrf).json
    web.reset()
    return code, pin, published


ID = "001203004567"  # the applicant of tests.functional.helpers.receive


def new_dossier(web, procedure="1.001022", id_number=ID):
    web.reset()
    login(web, "recv1")
    _, code, _ = receive(web, procedure=procedure, **{"applicant.id_number": id_number})
    return code


def offers(web, code, csrf_user="recv1"):
    as_(web, csrf_user)
    return web.get(f"/api/v1/dossiers/{code}/reuse").json["offers"]


def login_as(web, name):
    web.reset()
    login(web, name)


def closed_dossier(web, years_ago=30):
    """Received at BRANCH1, transferred to JUSTICE, withdrawn; closed ``years_ago``."""
    login_as(web, "recv1")
    _, code, _ = receive(web)
    csrf = as_(web, "recv1")
    act(web, code, "transfer", csrf, processing_unit=JUSTICE)
    act(web, code, "withdraw", csrf, note="công dân rút hồ sơ")
    web.reset()
    return code


def set_closed(portal, code, years_ago):
    with portal() as p:
        p.dossiers[code].closed_at = clock.now() - datetime.timedelta(days=365 * years_ago + 10)
        p.dossiers[code].changed()  # NB: behind record()'s back: index it ourselves


# -- a real worker with its embedded beat (the periodic tasks) ------------------------------

@contextlib.contextmanager
def beat_worker(settings, tmp_path, **values):
    """``records worker -n 1 --beat`` on the test's store, its ini holding ``values``
    (setting → text) beside the var dir; yields its log's path and stops it after."""
    ini = tmp_path / "beat.ini"
    lines = [f"records.var_dir = {settings['records.var_dir']}"]
    lines += [f"{name} = {value}" for name, value in values.items()]
    ini.write_text("[app:main]\nuse = egg:records\n" + "\n".join(lines) + "\n")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    for name in ("CELERY_BROKER_URL", "RECORDS_VAR_DIR", "RECORDS_ZODB_URI"):
        env.pop(name, None)
    path = tmp_path / "worker.log"
    log = open(path, "wb")
    worker = subprocess.Popen([sys.executable, "-m", "records.cli", "-c", str(ini), "worker",
                               "-n", "1", "--beat", "--loglevel=INFO"], env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield path
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        log.close()


def in_store(settings, read):
    """``read(portal)`` in a database opened anew (what another process sees now)."""
    db = open_database(apply_environment(settings))
    try:
        with db.transaction() as conn:
            return read(conn.root()["portal"])
    finally:
        db.close()


def wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False
