"""The JSON API for the officer's work, step actions and process versions (see openapi)."""
from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from records import clock, workflow
from records.errors import UserError
from records.i18n import english
from records.process import service
from records.process.definitions import ProcessInvalid
from records.views.common import json_object


def _error(request, status, message, **extra):
    """The refusal as the API's JSON error (records.views.errors renders it)."""
    raise UserError(message, status=status, details=extra)


def _item_json(item):
    return {**item, "due_at": item["due_at"].isoformat() if item["due_at"] else None}


@view_config(route_name="api.work", renderer="json", permission="officer",
             request_method="GET")
def work(request):
    items = service.work_items(request.root, request.actor, clock.now())
    return {"items": [_item_json(i) for i in items]}


@view_config(route_name="api.work_step", renderer="json", permission="view",
             request_method="GET")
def step_get(request):
    try:
        run = service.run_of(request.root, request.context)
    except workflow.WorkflowError as e:
        return _error(request, 404, str(e))
    return service.run_json(request.root, run, request.context)


@view_config(route_name="api.work_step", renderer="json", permission="act",
             request_method="POST")
def step_post(request):
    body = json_object(request)
    try:
        service.act(request.root, request.context, request.actor, body, clock.now())
    except workflow.Forbidden as e:
        return _error(request, 403, str(e))
    except workflow.InvalidInput as e:
        return _error(request, 400, str(e))
    except workflow.WorkflowError as e:
        return _error(request, 409, str(e))
    run = service.run_of(request.root, request.context)
    return service.run_json(request.root, run, request.context)


def _procedure_code(request):
    code = request.matchdict["procedure"]
    if code not in request.root.procedures:
        raise HTTPNotFound(json_body={"error": "unknown procedure"})
    return code


def _version_json(entry):
    return {"version": entry["version"], "at": entry["at"].isoformat(), "by": entry["by"],
            "note": entry["note"], "definition": service.editable(entry["definition"])}


@view_config(route_name="api.processes", renderer="json", permission="officer",
             request_method="GET")
def versions(request):
    code = _procedure_code(request)
    return {"procedure": code,
            "versions": [_version_json(e) for e in request.root.processes.history(code)]}


@view_config(route_name="api.processes", renderer="json", permission="admin",
             request_method="POST")
def add_version(request):
    code = _procedure_code(request)
    body = json_object(request)
    try:
        entry = service.save_version(request.root, code, body.get("definition"), request.actor,
                                     clock.now(), str(body.get("note") or ""))
    except ProcessInvalid as e:
        return _error(request, 400, "invalid process",
                      problems=[english(p) for p in e.problems])
    request.response.status = 201
    return _version_json(entry)
