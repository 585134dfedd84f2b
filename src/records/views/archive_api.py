"""The archivists' part of the JSON API: the audit trail, legal holds, bags, fixity, records
(the same operations as :mod:`records.views.audit`, :mod:`records.views.holds` and the other
archive pages, beside which it lives because it shares their request-level helpers)."""
from pyramid.response import Response
from pyramid.view import view_config

from records.archive import holds
from records.archive.holds import hold_json, plain
from records.errors import UserError
from records.archive.bagimport import BagRefused
from records.archive.fixity import FailureError
from records.i18n import english
from records.views.audit import TrailQueryError, csv_bytes, find
from records.views.common import json_object
from records.views import fixity as fixity_views
from records.views.bags import import_upload
from records.services.dossiers import page_of
from records.views.holds import change_hold
from records.views.records import BadFilter, find_records


def _error(request, status, message):
    """The refusal as the API's JSON error (records.views.errors renders it)."""
    raise UserError(message, status=status)


failure_json = plain


@view_config(route_name="api.audit", renderer="json", permission="archive",
             request_method="GET")
def audit_trail(request):
    """Entries newest first; ``format=csv`` for the CSV export."""
    as_csv = request.GET.get("format") == "csv"
    try:
        _, entries = find(request, request.GET, limit=None if as_csv else
                          min(int(request.GET.get("limit") or 1000), 1000))
    except (TrailQueryError, ValueError) as e:
        return _error(request, 400, english(e.args[0]))
    if as_csv:
        return Response(csv_bytes(entries), content_type="text/csv", charset="utf-8")
    return {"entries": entries, "pending": len(request.root.audit.pending)}


@view_config(route_name="api.holds", renderer="json", permission="archive",
             request_method="GET")
def hold_list(request):
    return {"holds": [hold_json(h) for h in request.root.archive.holds.values()]}


@view_config(route_name="api.dossier_hold", renderer="json", permission="archive",
             request_method=("POST", "DELETE"))
def dossier_hold(request):
    """POST places a hold, DELETE lifts it; both take ``{"reason": …}``."""
    body = json_object(request)
    try:
        hold = change_hold(request, request.context, request.method == "DELETE",
                           str(body.get("reason", "")))
    except holds.HoldError as e:
        return _error(request, e.status, str(e))
    request.response.status = 201 if request.method == "POST" else 200
    return {"hold": hold_json(hold)}


@view_config(route_name="api.bags", renderer="json", permission="archive",
             request_method="POST")
def import_bag(request):
    """Import a bag ZIP sent as the multipart field ``bag``."""
    upload = request.POST.get("bag")
    if not hasattr(upload, "file"):
        return _error(request, 400, "send the bag as multipart field 'bag'")
    try:
        dossier = import_upload(request, upload.file)
    except BagRefused as e:
        return _error(request, e.status, str(e))
    request.response.status = 201
    request.response.location = request.route_url("api.dossier", code=dossier.code)
    return {"code": dossier.code, "state": dossier.state,
            "files": sum(1 for _ in dossier.file_versions())}


@view_config(route_name="api.fixity", renderer="json", permission="archive",
             request_method="GET")
def fixity_failures(request):
    """Every fixity failure (unacknowledged first) and the last runs."""
    runs = [{"started_at": r["started_at"].isoformat(), "finished_at": r["finished_at"].isoformat(),
             "checked": r["checked"], "failures": len(r["failures"]), "limit": r.get("limit")}
            for r in request.root.archive.last_runs(10)]
    return {"failures": [failure_json(f) for f in fixity_views.failures(request.root)],
            "runs": runs}


@view_config(route_name="api.fixity_ack", renderer="json", permission="archive",
             request_method="POST")
def fixity_acknowledge(request):
    body = json_object(request)
    try:
        failure = fixity_views.acknowledge(request, str(body.get("failure", "")),
                                           str(body.get("note", "")))
    except FailureError as e:
        return _error(request, e.status, str(e))
    return {"failure": failure_json(failure)}


@view_config(route_name="api.records", renderer="json", permission="archive",
             request_method="GET")
def records_list(request):
    """Closed dossiers as records (filters: field, unit, procedure, year; page)."""
    try:
        rows = find_records(request, request.GET)
    except BadFilter as e:
        return _error(request, 400, english(e.args[0]))
    items, page, pages = page_of(rows, request.GET)
    return {"total": len(rows), "page": page, "pages": pages, "records": [{
        "code": r.code, "procedure": r.procedure, "field": r.field, "units": list(r.units),
        "closed_at": r.closed_at.isoformat() if r.closed_at else None,
        "retention_years": r.retention["years"],
        "retention_end": r.retention_end.isoformat() if r.retention_end else None,
        "hold": hold_json(r.hold), "disposed": r.disposed} for r in items]}
