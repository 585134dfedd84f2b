"""The audit trail for archivists: search by user, dossier, action and period; CSV export.

    GET /archive/trail?user=&code=&action=&since=&until=     the entries, newest first
    GET /archive/trail.csv?…                                  the same as CSV

The log itself is read-only here: no page or API call edits or removes an entry (see
:mod:`records.audit`). Searching and exporting the trail are themselves recorded
(records.services.trail).
"""
from pyramid.response import Response
from pyramid.view import view_config

from records import clock
from records.resources.portal import Portal
from records.services.trail import FIELDS, LIMIT, export_trail, search_trail
from records.views.errors import error_page
from records.views.format import audit_details


def trail_values(request, entries=(), error=None):
    return {"entries": entries, "filters": request.GET, "error": error, "limit": LIMIT,
            "details_shown": lambda entry: audit_details(entry, FIELDS),
            "pending": len(request.root.audit.pending)}


@view_config(context=Portal, name="archive", permission="archive", request_method="GET",
             path_info=r"^/archive/trail$", renderer="archive_trail.jinja2")
def trail_page(request):
    _, entries = search_trail(request.root, request.actor, clock.now(), request.GET)
    return trail_values(request, entries)


@error_page(Portal, "archive", path=r"^/archive/trail(\.csv)?$")
def trail_refused(request, error):
    """A filter that cannot be read: the search page again, empty, saying why."""
    return "archive_trail.jinja2", trail_values(request, error=error.message)


@view_config(context=Portal, name="archive", permission="archive", request_method="GET",
             path_info=r"^/archive/trail\.csv$")
def trail_csv(request):
    response = Response(export_trail(request.root, request.actor, clock.now(), request.GET),
                        content_type="text/csv", charset="utf-8")
    response.content_disposition = 'attachment; filename="audit-trail.csv"'
    return response
