"""The JSON API (/api/v1): the same operations as the pages, described by OpenAPI.

Clients log in through /api/v1/session and send the CSRF token it returns in the
``X-CSRF-Token`` header with every change.
"""
from pyramid.csrf import get_csrf_token
from pyramid.security import forget, remember
from pyramid.view import view_config, view_defaults

from records import audit, clock, workflow
from records.api.openapi import OPENAPI
from records.archive.holds import hold_json, hold_of
from records.errors import UserError
from records.i18n import _, english, translate
from records.process import service
from records.results.reuse import attach, offers_for, reference_status
from records.signing.status import summary as signature_summary
from records.services.dossiers import add_version, file_of, find_dossiers, fire_action
from records.views.common import (calendar, check_content_length, checked_login, download,
                                  intake_data, known_login, refused_message,
                                  json_object, queue_reading, receive_and_queue,
                                  upload_limits, uploaded_file, uploads_from)


def error(request, status, message, **extra):
    request.response.status = status
    return {"error": message, **extra}


def reading_json(request, reading):
    """The reading's progress; ``reason`` is English (stable for clients), ``reason_text``
    (only when there is a reason) the same in the request's language, for the page."""
    out = reading.progress()
    if out["reason"]:
        out["reason_text"] = translate(request, reading.reason_shown())
    return out


def version_json(request, version, code):
    return {
        "file_id": version.file_id, "filename": version.filename,
        "media_type": version.media_type, "size": version.size, "sha256": version.sha256,
        "number": version.number, "uploaded_by": version.uploaded_by,
        "uploaded_at": version.uploaded_at.isoformat(), "derivation": version.derivation,
        "reading": reading_json(request, version.reading),
        "signatures": signature_summary(version.signatures),
        "href": request.route_url("api.file", code=code, file_id=version.file_id),
    }


def dossier_summary(dossier, today):
    return {
        "code": dossier.code, "procedure": dossier.procedure_code, "state": dossier.state,
        "receiving_unit": dossier.receiving_unit, "processing_unit": dossier.processing_unit,
        "received_at": dossier.received_at.isoformat(), "due_at": dossier.due_at.isoformat(),
        "overdue": workflow.is_overdue(dossier, today), "channel": dossier.channel,
        "applicant_name": dossier.applicant.get("name"),
    }


def _reference_json(request, reference):
    if not reference:
        return None
    return {**reference, "at": reference["at"].isoformat(),
            "status": reference_status(request.root, reference)}


def dossier_json(request, dossier):
    out = dossier_summary(dossier, clock.today())
    out.update({
        "applicant": dossier.applicant,
        "components": [{
            "key": c.key, "name": c.name, "kind": c.kind,
            "reference": _reference_json(request, c.reference),
            "versions": [version_json(request, v, dossier.code) for v in c.versions],
        } for c in dossier.ordered_components()],
        "receipt": (version_json(request, dossier.receipt, dossier.code)
                    if dossier.receipt else None),
        "history": [{**h, "at": h["at"].isoformat()} for h in dossier.history],
        "actions": workflow.available(request.actor, dossier),
        "rescheduled": bool(dossier.rescheduled),
        "hold": hold_json(hold_of(request.root, dossier.code)),
        "process": _process_json(request, dossier),
    })
    return out


def _process_json(request, dossier):
    run = request.root.process_runs.get(dossier.code)
    return service.run_json(request.root, run, dossier) if run is not None else None


@view_config(route_name="api.openapi", renderer="json", require_csrf=False)
def openapi(request):
    return OPENAPI


@view_defaults(renderer="json")
class SessionAPI:
    def __init__(self, request):
        self.request = request

    @view_config(route_name="api.session", request_method="POST", require_csrf=False)
    def login(self):
        # NB: no CSRF on login itself (there is no session yet); it returns the token. A
        # JSON content type is required instead: another site's form cannot send one, so it
        # cannot log a visitor's browser into some other account.
        if self.request.content_type != "application/json":
            raise UserError(_("send the login as application/json"), status=415)
        body = json_object(self.request)
        login_name = str(body.get("login", ""))[:100]
        user, attempt = checked_login(self.request, login_name, str(body.get("password", "")))
        if attempt.refused:
            audit.record(self.request.root, "login_refused",
                         known_login(self.request, login_name), via="api")
            self.request.response.headers["Retry-After"] = str(attempt.retry_after)
            return error(self.request, 429, english(refused_message(attempt)),
                         retry_after=attempt.retry_after)
        if user is None:
            audit.record(self.request.root, "login_failed",
                         known_login(self.request, login_name), via="api")
            return error(self.request, 401, "wrong login or password")
        audit.record(self.request.root, "login", user.login, user.unit_id, via="api")
        self.request.response.headerlist.extend(remember(self.request, user.login))
        return {"login": user.login, "roles": sorted(user.roles), "unit": user.unit_id,
                "csrf_token": get_csrf_token(self.request)}

    @view_config(route_name="api.session", request_method="GET", permission="officer")
    def whoami(self):
        user = self.request.identity
        return {"login": user.login, "roles": sorted(user.roles), "unit": user.unit_id,
                "csrf_token": get_csrf_token(self.request)}

    @view_config(route_name="api.session", request_method="DELETE")
    def logout(self):
        audit.record_request(self.request, "logout", via="api")
        self.request.response.headerlist.extend(forget(self.request))
        return {"ok": True}


@view_config(route_name="api.procedures", renderer="json", permission="officer")
def procedures(request):
    return {"procedures": [{
        "code": p.code, "name": p.name, "field": p.field, "days": p.days,
        "components": list(p.components), "result_kind": p.result_kind, "active": p.active,
    } for p in request.root.procedures.values()]}


@view_config(route_name="api.dossiers", renderer="json", permission="view",
             request_method="GET")
def dossiers(request):
    today = clock.today()
    total, items, page, pages = find_dossiers(request.root, request.actor, today,
                                              request.params)
    return {"total": total, "page": page, "pages": pages,
            "dossiers": [dossier_summary(d, today) for d in items]}


@view_config(route_name="api.dossiers", renderer="json", permission="intake",
             request_method="POST")
def create_dossier(request):
    check_content_length(request)
    dossier, pin = receive_and_queue(request, intake_data(request), uploads_from(request))
    request.response.status = 201
    request.response.location = request.route_url("api.dossier", code=dossier.code)
    out = dossier_json(request, dossier)
    out["pin"] = pin
    return out


@view_config(route_name="api.dossier", renderer="json", permission="view",
             request_method="GET")
def dossier(request):
    audit.record_request(request, "view_dossier", request.context.code, via="api")
    return dossier_json(request, request.context)


@view_config(route_name="api.dossier_action", renderer="json", permission="act",
             request_method="POST")
def dossier_action(request):
    fire_action(request.root, request.actor, clock.now(), request.context, json_object(request),
                calendar())
    return dossier_json(request, request.context)


@view_config(route_name="api.component_versions", renderer="json", permission="act",
             request_method="POST")
def component_versions(request):
    upload = uploaded_file(request)
    allowed, limit = upload_limits(request)
    version = add_version(request.root, request.actor, clock.now(), request.context,
                          request.matchdict["key"], upload.filename, upload.file, allowed,
                          limit)
    queue_reading(request, [version])
    request.response.status = 201
    return version_json(request, version, request.context.code)


@view_config(route_name="api.dossier_reuse", renderer="json", permission="act",
             request_method="GET")
def reuse_offers(request):
    dossier = request.context
    if dossier.state not in workflow.OPEN_STATES:
        return {"offers": {}}
    return {"offers": offers_for(request.root, dossier, clock.today(), request.actor)}


@view_config(route_name="api.dossier_reuse", renderer="json", permission="act",
             request_method="POST")
def reuse_attach(request):
    body = json_object(request)
    reference = attach(request.root, request.context, str(body.get("component", "")),
                       str(body.get("source", "")), request.actor, clock.now())
    request.response.status = 201
    return {**reference, "at": reference["at"].isoformat()}


@view_config(route_name="api.file", permission="view", request_method="GET")
def file(request):
    return download(request, file_of(request.root, request.context,
                                     request.matchdict["file_id"]))
