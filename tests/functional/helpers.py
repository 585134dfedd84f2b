"""Driving the intake form and the API the way an officer's browser does."""
import re

from webtest import Upload

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


def api_login(app, login, password):
    reply = app.post_json("/api/v1/session", {"login": login, "password": password})
    app.extra_environ = {}
    return reply.json["csrf_token"]


def act(app, code, action, csrf, status=200, **values):
    return app.post_json(f"/api/v1/dossiers/{code}/actions", dict(action=action, **values),
                         headers={"X-CSRF-Token": csrf}, status=status)
