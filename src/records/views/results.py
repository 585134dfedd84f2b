"""Results on the dossier page and as JSON: attach, publish, revoke, supersede.

Traversal views on a dossier (no routes needed)::

    GET  /dossiers/{code}/results                          list (JSON)
    POST /dossiers/{code}/results                          attach a result PDF (draft)
    POST /dossiers/{code}/results/{result_id}/publish      stamp and publish (leader)
    POST /dossiers/{code}/results/{result_id}/revoke       revoke, field ``reason`` (leader)
    POST /dossiers/{code}/results/{result_id}/supersede    a corrected PDF + ``reason`` (leader)

A browser form gets a redirect back to the dossier page (or the page again with the error
and a 4xx); a client sending ``Accept: application/json`` gets JSON (201 on creation). The
same views answer under ``/api/v1/dossiers/{code}/results...`` once :func:`includeme` is
included. Approval is the workflow's ``approve`` action (records.workflow); publishing is a
separate, explicit leader action here, offered on the page as soon as the result is ready.
"""
import colander
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.renderers import render_to_response
from pyramid.response import Response
from pyramid.view import view_config

from records import clock
from records.results import publish
from records.i18n import _, english, joined, message_of
from records.jobs import enqueue
from records.resources.dossiers import Dossier
from records.schemas import clean_text, messages_of
from records.views.common import check_content_length, upload_limits
from records.views.dossiers import confirm, dossier_page
from records.jobs import READ_FILE

ACTIONS = ("publish", "revoke", "supersede")


class ResultMeta(colander.MappingSchema):
    """What the officer types about a result document (NĐ 30/2020 number and symbol)."""
    doc_type = colander.SchemaNode(colander.String(), preparer=clean_text,
                                   validator=colander.Length(min=2, max=200))
    number_symbol = colander.SchemaNode(
        colander.String(), preparer=clean_text,
        validator=colander.Regex(r"^\d+(/\d{4})?/[^\s/]+$",
                                 _("a number and symbol looks like 15/QĐ-UBND or "
                                   "01/2023/TT-VPCP")))
    issuer = colander.SchemaNode(colander.String(), preparer=clean_text,
                                 validator=colander.Length(min=2, max=300))
    issue_date = colander.SchemaNode(colander.Date())
    valid_until = colander.SchemaNode(colander.Date(), missing=None)
    kind = colander.SchemaNode(colander.String(), preparer=clean_text, missing="",
                               validator=colander.Length(max=100))

    def validator(self, node, value):
        if value["issue_date"] > clock.today():
            raise colander.Invalid(node["issue_date"], _("the issue date is in the future"))
        if value["valid_until"] and value["valid_until"] < value["issue_date"]:
            raise colander.Invalid(node["valid_until"],
                                   _("valid until is before the issue date"))


def wants_json(request):
    """JSON for the API paths and for clients that ask for it before HTML."""
    if request.path.startswith("/api/"):
        return True
    offers = request.accept.acceptable_offers(["text/html", "application/json"])
    return bool(offers) and offers[0][0] == "application/json"


def file_json(request, dossier, version):
    if version is None:
        return None
    return {"file_id": version.file_id, "filename": version.filename, "size": version.size,
            "sha256": version.sha256, "derivation": version.derivation,
            "derived_from": version.derived_from,
            "href": request.resource_url(dossier, "file", version.file_id)}


def result_json(request, dossier, result):
    token_known = result.verify_token in request.root.tokens
    return {
        "result_id": result.result_id, "status": result.status, "doc_type": result.doc_type,
        "number_symbol": result.number_symbol, "issuer": result.issuer,
        "issue_date": _iso(result.issue_date), "valid_until": _iso(result.valid_until),
        "kind": result.kind, "created_by": result.created_by,
        "created_at": _iso(result.created_at), "approved_by": result.approved_by,
        "approved_at": _iso(result.approved_at), "published_at": _iso(result.published_at),
        "status_reason": result.status_reason, "status_at": _iso(result.status_at),
        "supersedes": result.supersedes, "superseded_by": result.superseded_by,
        "original": file_json(request, dossier, result.original),
        "published": file_json(request, dossier, result.published),
        "verify_url": publish.verify_url(_public_url(request), result.verify_token)
        if token_known else None,
        "downloads": sum(1 for d in dossier.downloads if d["result_id"] == result.result_id),
    }


def _iso(value):
    return value.isoformat() if value is not None else None


def _public_url(request):
    return request.registry.settings["records.public_url"]


def _max_pages(request):
    return int(request.registry.settings.get("records.max_pages", 500))


def _meta(request, dossier):
    try:
        meta = ResultMeta().deserialize({k: v for k, v in request.POST.items()
                                         if isinstance(v, str) and v != ""})
    except colander.Invalid as e:
        fields = messages_of(e)
        raise _Refused(joined([_("${field}: ${message}", mapping={"field": k, "message": v})
                               for k, v in fields.items()]), 400, fields=fields) from None
    if not meta["kind"]:
        procedure = request.root.procedures.get(dossier.procedure_code)
        meta["kind"] = procedure.result_kind if procedure is not None else ""
    return meta


def _upload(request):
    check_content_length(request)
    upload = request.POST.get("file")
    if not hasattr(upload, "file"):
        raise _Refused(_("choose the result document (a PDF) to upload"), 400)
    return upload


class _Refused(Exception):
    def __init__(self, message, status, fields=None):
        super().__init__(english(message))
        self.message = message
        self.status = status
        self.fields = fields


def _refuse(request, dossier, message, status, fields=None):
    """Nothing is kept (the transaction is doomed); say why, as JSON (in English) or on the
    page (in the page's language)."""
    request.tm.doom()
    if wants_json(request):
        body = {"error": english(message)}
        if fields:
            body["fields"] = {k: english(v) for k, v in fields.items()}
        return Response(json=body, status=status)
    values = dossier_page(request)
    values["error"] = message
    response = render_to_response("dossier.jinja2", values, request=request)
    response.status = status
    return response


DONE = {"draft": _("The result is attached as a draft."),
        "approved": _("The result is approved."),
        "published": _("The e-result is published."),
        "revoked": _("The result is revoked."),
        "superseded": _("The result is replaced by the corrected one.")}


def _done(request, dossier, result, status=200):
    if wants_json(request):
        return Response(json=result_json(request, dossier, result), status=status)
    confirm(request, DONE.get(result.status, _("Done.")))
    return HTTPSeeOther(request.resource_url(dossier) + "#results")


@view_config(context=Dossier, name="results", permission="view", request_method="GET")
def list_results(request):
    dossier = request.context
    return Response(json={"code": dossier.code, "returned_electronically":
                          dossier.returned_electronically,
                          "results": [result_json(request, dossier, r) for r in dossier.results]})


@view_config(context=Dossier, name="results", permission="attach-result", request_method="POST")
def change_results(request):
    """Attach (no subpath) or act on one result (``{result_id}/{action}``)."""
    dossier = request.context
    try:
        result_id, action = _target(request)
        if result_id is None:
            return _attach(request, dossier)
        try:
            result = dossier.result(result_id)
        except KeyError:
            raise _Refused(_("no such result in this dossier"), 404) from None
        if action not in ACTIONS:
            raise _Refused(_("unknown action ${name} (one of ${actions})",
                             mapping={"name": repr(action), "actions": ", ".join(ACTIONS)}),
                           404)
        return _act(request, dossier, result, action)
    except _Refused as e:
        return _refuse(request, dossier, e.message, e.status, e.fields)
    except publish.ResultError as e:
        return _refuse(request, dossier, message_of(e), e.status)


def _target(request):
    """(result_id, action) from the /api/v1 route's matchdict or the traversal subpath."""
    if request.matchdict and "result_id" in request.matchdict:
        return request.matchdict["result_id"], request.matchdict["action"]
    path = request.subpath
    if not path:
        return None, None
    if len(path) != 2:
        raise _Refused(_("expected /results/{result_id}/{action}"), 404)
    return path[0], path[1]


def _attach(request, dossier):
    upload = _upload(request)
    meta = _meta(request, dossier)
    limit = upload_limits(request)[1]
    result = publish.attach(request.root, dossier, upload.file, upload.filename, meta,
                            request.actor, clock.now(), limit, _max_pages(request))
    enqueue(request, READ_FILE, result.original.file_id)
    return _done(request, dossier, result, status=201)


def _act(request, dossier, result, action):
    actor, now = request.actor, clock.now()
    if action == "publish":
        publish.publish(request.root, dossier, result, actor, now, _public_url(request))
        return _done(request, dossier, result)
    if action == "revoke":
        publish.revoke(dossier, result, request.POST.get("reason"), actor, now)
        return _done(request, dossier, result)
    if not publish.can_lead(actor, dossier):  # before reading the upload
        raise publish.ResultError(
            _("only a leader of the processing unit may supersede a result"), status=403)
    upload = _upload(request)
    meta = _meta(request, dossier)
    limit = upload_limits(request)[1]
    new = publish.supersede(request.root, dossier, result, upload.file, upload.filename, meta,
                            request.POST.get("reason"), actor, now, limit,
                            _max_pages(request), _public_url(request))
    enqueue(request, READ_FILE, new.original.file_id)
    return _done(request, dossier, new, status=201)


def includeme(config):
    """The same views under /api/v1 (JSON errors come from records.views.errors there)."""
    config.add_route("api.results", "/api/v1/dossiers/{code}/results",
                     traverse="/dossiers/{code}")
    config.add_route("api.result_action", "/api/v1/dossiers/{code}/results/{result_id}/{action}",
                     traverse="/dossiers/{code}")
    config.add_view(list_results, route_name="api.results", permission="view",
                    request_method="GET")
    config.add_view(change_results, route_name="api.results", permission="attach-result",
                    request_method="POST")
    config.add_view(change_results, route_name="api.result_action",
                    permission="attach-result", request_method="POST")
