"""The archivists' part of the JSON API (permission ``archive``): the same operations as the
archive pages, from records.services.archive and records.services.trail.

    GET    /api/v1/audit                   search the trail (format=csv: the CSV export)
    GET    /api/v1/archive/holds           dossiers on legal hold
    POST   /api/v1/dossiers/{code}/hold    place a hold {"reason"}; DELETE lifts it
    POST   /api/v1/archive/bags            import a bag ZIP (multipart field ``bag``)
    GET    /api/v1/archive/fixity          fixity failures and the last runs
    POST   /api/v1/archive/fixity/acknowledge   {"failure", "note"}
    GET    /api/v1/archive/fixity/report   the failures report as CSV
    GET    /api/v1/archive/records         closed dossiers as records (paged)
    GET    /api/v1/archive/disposal        dossiers whose retention ended (paged)

Refusals are raised (records.errors.UserError) and rendered by records.views.errors.
"""
from pyramid.response import Response
from pyramid.view import view_config

from records import clock
from records.archive.bagimport import limits
from records.archive.holds import plain
from records.i18n import _
from records.jobs import READ_FILE, enqueue
from records.services import archive, trail
from records.services.dossiers import page_number
from records.views.common import file_field, json_object


def _iso(value):
    return value.isoformat() if value is not None else None


def _csv(body, filename):
    response = Response(body, content_type="text/csv", charset="utf-8")
    response.content_disposition = f'attachment; filename="{filename}"'
    return response


@view_config(route_name="api.audit", renderer="json", permission="archive",
             request_method="GET")
def audit_trail(request):
    """Entries newest first (at most ``limit``, 1000); ``format=csv`` for the CSV export."""
    portal, now = request.root, clock.now()
    if request.GET.get("format") == "csv":
        return _csv(trail.export_trail(portal, request.actor, now, request.GET),
                    "audit-trail.csv")
    _, entries = trail.search_trail(portal, request.actor, now, request.GET,
                                    limit=trail.limit_of(request.GET))
    return {"entries": entries, "pending": len(portal.audit.pending)}


@view_config(route_name="api.holds", renderer="json", permission="archive",
             request_method="GET")
def hold_list(request):
    return {"holds": [plain(h) for h in archive.visible_holds(request.root, request.actor)]}


@view_config(route_name="api.dossier_hold", renderer="json", permission="archive",
             request_method=("POST", "DELETE"))
def dossier_hold(request):
    """POST places a hold, DELETE lifts it; both take ``{"reason": …}``."""
    reason = str(json_object(request).get("reason", ""))
    lifting = request.method == "DELETE"
    change = archive.lift_hold if lifting else archive.place_hold
    hold = change(request.root, request.actor, clock.now(), request.context, reason)
    request.response.status = 200 if lifting else 201
    return {"hold": plain(hold)}


@view_config(route_name="api.bags", renderer="json", permission="archive",
             request_method="POST")
def import_bag(request):
    """Import a bag ZIP sent as the multipart field ``bag``."""
    stream = file_field(request, _("send the bag as multipart field 'bag'"), name="bag").file
    limit, total = limits(request.registry.settings)
    dossier, file_ids = archive.import_bag(request.root, request.actor, clock.now(), stream,
                                           limit, total)
    for file_id in file_ids:
        enqueue(request, READ_FILE, file_id)
    request.response.status = 201
    request.response.location = request.route_url("api.dossier", code=dossier.code)
    return {"code": dossier.code, "state": dossier.state,
            "files": sum(1 for _ in dossier.file_versions())}


@view_config(route_name="api.fixity", renderer="json", permission="archive",
             request_method="GET")
def fixity_failures(request):
    """Every fixity failure (unacknowledged first) and the last runs."""
    runs = [{"started_at": _iso(r["started_at"]), "finished_at": _iso(r["finished_at"]),
             "checked": r["checked"], "failures": len(r["failures"]), "limit": r.get("limit")}
            for r in request.root.archive.last_runs(10)]
    return {"failures": [plain(f) for f in archive.fixity_failures(request.root)],
            "runs": runs}


@view_config(route_name="api.fixity_ack", renderer="json", permission="archive",
             request_method="POST")
def fixity_acknowledge(request):
    body = json_object(request)
    failure = archive.acknowledge_failure(request.root, request.actor, clock.now(),
                                          str(body.get("failure", "")),
                                          str(body.get("note", "")))
    return {"failure": plain(failure)}


@view_config(route_name="api.fixity_report", permission="archive", request_method="GET")
def fixity_report(request):
    return _csv(archive.fixity_report(request.root, request.actor, clock.now()),
                "fixity-report.csv")


def record_json(row):
    return {"code": row.code, "procedure": row.procedure, "field": row.field,
            "units": list(row.units), "closed_at": _iso(row.closed_at),
            "retention_years": row.retention["years"], "retention_end": _iso(row.retention_end),
            "hold": plain(row.hold), "disposed": row.disposed}


@view_config(route_name="api.records", renderer="json", permission="archive",
             request_method="GET")
def records_list(request):
    """Closed dossiers as records (filters: field, unit, procedure, year, held; page)."""
    total, rows, page, pages = archive.find_records(request.root, request.actor, clock.now(),
                                                    request.GET)
    return {"total": total, "page": page, "pages": pages,
            "records": [record_json(r) for r in rows]}


@view_config(route_name="api.disposal", renderer="json", permission="archive",
             request_method="GET")
def disposal(request):
    """Closed dossiers whose retention ended, not yet disposed of nor proposed (page)."""
    page, size = page_number(request.GET), archive.PAGE_SIZE
    total, due = archive.disposal_candidates(request.root, request.actor, clock.now(), page,
                                             size)
    held = request.root.archive.holds
    return {"total": total, "page": page, "pages": (total + size - 1) // size or 1,
            "dossiers": [{"code": d.code, "procedure": d.procedure_code,
                          "closed_at": _iso(d.closed_at), "retention_end": end.isoformat(),
                          "held": d.code in held} for d, end in due]}
