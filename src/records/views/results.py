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
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config

from records import clock
from records.errors import NotFound
from records.i18n import _
from records.resources.dossiers import Dossier
from records.publicurl import printed_url
from records.results import publish
from records.schemas import ResultMeta, validate
from records.settings import max_pages
from records.views.common import queue_reading, upload_limits, uploaded_file
from records.views.dossiers import confirm
from records.views.errors import wants_json

ACTIONS = ("publish", "revoke", "supersede")


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


def _meta(request, dossier):
    meta = validate(ResultMeta(), {k: v for k, v in request.POST.items()
                                   if isinstance(v, str) and v != ""})
    if not meta["kind"]:
        procedure = request.root.procedures.get(dossier.procedure_code)
        meta["kind"] = procedure.result_kind if procedure is not None else ""
    return meta


def _upload(request):
    return uploaded_file(request, _("choose the result document (a PDF) to upload"))


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
    result_id, action = _target(request)
    if result_id is None:
        return _attach(request, dossier)
    try:
        result = dossier.result(result_id)
    except KeyError:
        raise NotFound(_("no such result in this dossier")) from None
    if action not in ACTIONS:
        raise NotFound(_("unknown action ${name} (one of ${actions})",
                         mapping={"name": repr(action), "actions": ", ".join(ACTIONS)}))
    return _act(request, dossier, result, action)


def _target(request):
    """(result_id, action) from the /api/v1 route's matchdict or the traversal subpath."""
    if request.matchdict and "result_id" in request.matchdict:
        return request.matchdict["result_id"], request.matchdict["action"]
    path = request.subpath
    if not path:
        return None, None
    if len(path) != 2:
        raise NotFound(_("expected /results/{result_id}/{action}"))
    return path[0], path[1]


def _attach(request, dossier):
    upload = _upload(request)
    meta = _meta(request, dossier)
    limit = upload_limits(request)[1]
    result = publish.attach(request.root, dossier, upload.file, upload.filename, meta,
                            request.actor, clock.now(), limit, max_pages(request.registry.settings))
    queue_reading(request, [result.original])
    return _done(request, dossier, result, status=201)


def _act(request, dossier, result, action):
    actor, now = request.actor, clock.now()
    if action == "publish":
        # NB: the stamped e-result prints the public URL for ever
        publish.publish(request.root, dossier, result, actor, now, printed_url(request),
                        request.registry.signing)
        return _done(request, dossier, result)
    if action == "revoke":
        publish.revoke(dossier, result, request.POST.get("reason"), actor, now)
        return _done(request, dossier, result)
    if not publish.can_lead(actor, dossier):  # before reading the upload
        raise publish.ResultError(
            _("only a leader of the processing unit may supersede a result"), status=403)
    public_url = printed_url(request)
    upload = _upload(request)
    meta = _meta(request, dossier)
    limit = upload_limits(request)[1]
    new = publish.supersede(request.root, dossier, result, upload.file, upload.filename, meta,
                            request.POST.get("reason"), actor, now, limit,
                            max_pages(request.registry.settings), public_url,
                            request.registry.signing)
    queue_reading(request, [new.original])
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
