"""Fixity failures for archivists (permission ``archive``).

    GET  /archive/fixity                every failure found, those not acknowledged first
    POST /archive/fixity/acknowledge    acknowledge one (with a note); the failure stays
    GET  /archive/fixity/report.csv     the report: every failure, acknowledged or not

Until each failure is acknowledged the archivists' start page shows a warning. Nothing here
changes a file: a failure is evidence, never "repaired". The operations are in
records.services.archive.
"""
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config

from records import clock
from records.resources.portal import Portal
from records.services.archive import acknowledge_failure, fixity_failures, fixity_report
from records.views.errors import error_page


def fixity_values(request, error=None):
    return {"failures": fixity_failures(request.root), "error": error,
            "runs": request.root.archive.last_runs(10)}


@view_config(context=Portal, name="archive", permission="archive", request_method="GET",
             path_info=r"^/archive/fixity$", renderer="archive_fixity.jinja2")
def fixity_page(request):
    return fixity_values(request)


@error_page(Portal, "archive", path=r"^/archive/fixity/acknowledge$")
def acknowledge_refused(request, error):
    return "archive_fixity.jinja2", fixity_values(request, error.message)


@view_config(context=Portal, name="archive", permission="archive", request_method="POST",
             path_info=r"^/archive/fixity/acknowledge$", renderer="archive_fixity.jinja2")
def acknowledge_post(request):
    acknowledge_failure(request.root, request.actor, clock.now(),
                        request.POST.get("failure", ""), request.POST.get("note", ""))
    return HTTPSeeOther(request.application_url + "/archive/fixity")


@view_config(context=Portal, name="archive", permission="archive", request_method="GET",
             path_info=r"^/archive/fixity/report\.csv$")
def report(request):
    response = Response(fixity_report(request.root, request.actor, clock.now()),
                        content_type="text/csv", charset="utf-8")
    response.content_disposition = 'attachment; filename="fixity-report.csv"'
    return response
