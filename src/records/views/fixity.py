"""Fixity failures for archivists (permission ``archive``).

    GET  /archive/fixity                every failure found, those not acknowledged first
    POST /archive/fixity/acknowledge    acknowledge one (with a note); the failure stays
    GET  /archive/fixity/report.csv     the report: every failure, acknowledged or not

Until each failure is acknowledged the archivists' start page shows a warning. Nothing here
changes a file: a failure is evidence, never "repaired".
"""
import csv
import io

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config

from records import audit, clock
from records.archive import fixity

from records.resources.portal import Portal
from records.views.errors import error_page

REPORT_COLUMNS = ("file_id", "dossier", "filename", "problem", "expected_sha256",
                  "actual_sha256", "found_at", "last_seen", "acknowledged_by",
                  "acknowledged_at", "note")


def key_text(key):
    return f"{key[0]}@{key[1]}"


def failures(portal):
    """Every failure as a dict with its ``key`` text, unacknowledged first, newest first."""
    found = [dict(v, key=key_text(k)) for k, v in portal.archive.fixity_failures.items()]
    found.sort(key=lambda f: f["found_at"], reverse=True)
    found.sort(key=lambda f: bool(f.get("acknowledged_at")))
    return found


def acknowledge(request, key, note):
    """Acknowledge one failure for the request's user; :class:`fixity.FailureError`."""
    failure = fixity.acknowledge(request.root.archive, fixity.failure_key(key),
                                 request.actor.login, clock.now(), note)
    audit.record_request(request, "acknowledge_fixity_failure", failure.get("owner"),
                         file_id=failure["file_id"], problem=failure["problem"])
    return failure


def report_csv(portal):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REPORT_COLUMNS)
    for f in failures(portal):
        writer.writerow([f["file_id"], f.get("owner") or "", f.get("filename") or "",
                         f["problem"], f.get("expected") or "", f.get("actual") or "",
                         f["found_at"].isoformat(), f["last_seen"].isoformat(),
                         f.get("acknowledged_by") or "",
                         f["acknowledged_at"].isoformat() if f.get("acknowledged_at") else "",
                         f.get("note") or ""])
    return out.getvalue().encode("utf-8-sig")


@view_config(context=Portal, name="archive", permission="archive", request_method="GET",
             path_info=r"^/archive/fixity$", renderer="archive_fixity.jinja2")
def fixity_page(request):
    return {"failures": failures(request.root), "error": None,
            "runs": request.root.archive.last_runs(10)}


@error_page(Portal, "archive", path=r"^/archive/fixity/acknowledge$")
def acknowledge_refused(request, error):
    return "archive_fixity.jinja2", {"failures": failures(request.root), "error": error.message,
                                     "runs": request.root.archive.last_runs(10)}


@view_config(context=Portal, name="archive", permission="archive", request_method="POST",
             path_info=r"^/archive/fixity/acknowledge$", renderer="archive_fixity.jinja2")
def acknowledge_post(request):
    acknowledge(request, request.POST.get("failure", ""), request.POST.get("note", ""))
    return HTTPSeeOther(request.application_url + "/archive/fixity")


@view_config(context=Portal, name="archive", permission="archive", request_method="GET",
             path_info=r"^/archive/fixity/report\.csv$")
def report(request):
    audit.record_request(request, "export_fixity_report")
    response = Response(report_csv(request.root), content_type="text/csv", charset="utf-8")
    response.content_disposition = 'attachment; filename="fixity-report.csv"'
    return response
