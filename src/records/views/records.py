"""The archive's records list (permission ``archive``).

    GET /archive/records?field=&unit=&procedure=&year=&held=&page=   closed dossiers as records

Served from the catalog by records.services.archive (only the page's dossiers are read).
"""
from pyramid.view import view_config

from records import clock
from records.resources.portal import Portal
from records.services.archive import find_records
from records.views.errors import error_page


def records_values(request, total=0, rows=(), page=1, pages=1, error=None):
    portal = request.root
    return {"rows": rows, "total": total, "page": page, "pages": pages,
            "params": request.GET, "error": error,
            "fields": sorted({p.field for p in portal.procedures.values() if p.field}),
            "procedures": sorted(portal.procedures.values(), key=lambda p: p.name),
            "units": list(portal.units.values())}


@view_config(context=Portal, name="archive", permission="archive", request_method="GET",
             path_info=r"^/archive/records$", renderer="archive_records.jinja2")
def records_page(request):
    total, rows, page, pages = find_records(request.root, request.actor, clock.now(),
                                            request.GET)
    return records_values(request, total, rows, page, pages)


@error_page(Portal, "archive", path=r"^/archive/records$")
def records_refused(request, error):
    """A filter that cannot be read: the page again, empty, saying why."""
    return "archive_records.jinja2", records_values(request, error=error.message)
