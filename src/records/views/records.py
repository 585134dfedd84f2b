"""The archive's records list (permission ``archive``).

    GET /archive/records?field=&unit=&procedure=&year=&page=   closed dossiers as records
"""
from pyramid.view import view_config

from records.archive.browse import RecordsQuery, closed_records
from records.i18n import _
from records.resources.portal import Portal
from records.security import can_see_dossier
from records.services.dossiers import page_of


class BadFilter(ValueError):
    pass


def records_query(params):
    """A :class:`RecordsQuery` from query parameters; :class:`BadFilter` for a bad year."""
    year = (params.get("year") or "").strip()
    if year and not (year.isdigit() and 1900 <= int(year) <= 2200):
        raise BadFilter(_("year: not a year"))
    return RecordsQuery(field=(params.get("field") or "").strip() or None,
                        unit=(params.get("unit") or "").strip() or None,
                        procedure=(params.get("procedure") or "").strip() or None,
                        year=int(year) if year else None)


def find_records(request, params):
    actor = request.actor
    return closed_records(request.root, records_query(params),
                          may_see=lambda dossier: can_see_dossier(actor, dossier))


@view_config(context=Portal, name="archive", permission="archive", request_method="GET",
             path_info=r"^/archive/records$", renderer="archive_records.jinja2")
def records_page(request):
    error = None
    try:
        rows = find_records(request, request.GET)
    except BadFilter as e:
        request.response.status = 400
        rows, error = [], e.args[0]
    items, page, pages = page_of(rows, request.GET)
    portal = request.root
    return {"rows": items, "total": len(rows), "page": page, "pages": pages,
            "params": request.GET, "error": error,
            "fields": sorted({p.field for p in portal.procedures.values() if p.field}),
            "procedures": sorted(portal.procedures.values(), key=lambda p: p.name),
            "units": list(portal.units.values())}
