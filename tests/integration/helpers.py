"""Helpers of the integration tests: receive through the API, read the readings back."""
import json


def upload(api, files, procedure="2.000815"):
    """Receive a dossier with ``files`` [(name, bytes)] on component 'original'."""
    app, csrf = api
    data = {"procedure": procedure,
            "applicant": {"kind": "person", "name": "Nguyễn Văn An", "id_number": "001203004567"}}
    reply = app.post("/api/v1/dossiers", {"data": json.dumps(data)},
                     upload_files=[("file.original", name, body) for name, body in files],
                     headers={"X-CSRF-Token": csrf}, status=201)
    return reply.json["code"]


def readings(api, code):
    app, _ = api
    reply = app.get(f"/api/v1/dossiers/{code}").json
    return [v for c in reply["components"] for v in c["versions"]]
