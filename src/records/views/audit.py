"""The audit trail for archivists: search by user, dossier, action and period; CSV export.

    GET /archive/trail?user=&code=&action=&since=&until=     the entries, newest first
    GET /archive/trail.csv?…                                  the same as CSV

The log itself is read-only here: no page or API call edits or removes an entry (see
:mod:`records.audit`). Searching and exporting the trail are themselves recorded.
"""
import csv
import datetime
import io

from pyramid.response import Response
from pyramid.view import view_config

from records import audit
from records.errors import UserError
from records.i18n import _
from records.resources.portal import Portal
from records.security import can_see_dossier
from records.views.format import audit_details

LIMIT = 1000
CSV_COLUMNS = ("seq", "at", "user", "unit", "action", "code", "details", "sealed", "hash")
FIELDS = {"at", "user", "unit", "action", "code", "seq", "prev", "hash", "sealed"}


class TrailQueryError(UserError):
    """A filter that cannot be read; the message says which."""


def _date(params, name):
    value = (params.get(name) or "").strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise TrailQueryError(_("${name}: not a date (YYYY-MM-DD)",
                                mapping={"name": name})) from None


def trail_filters(params):
    """The search filters from query parameters; :class:`TrailQueryError` on a bad date."""
    filters = {name: (params.get(name) or "").strip() or None
               for name in ("user", "code", "action")}
    filters["since"], filters["until"] = _date(params, "since"), _date(params, "until")
    if filters["since"] and filters["until"] and filters["since"] > filters["until"]:
        raise TrailQueryError(_("the period ends before it starts"))
    return filters


def details_of(entry):
    return "; ".join(f"{k}={v}" for k, v in sorted(entry.items())
                     if k not in FIELDS and v not in (None, ""))


def find(request, params, limit=LIMIT):
    """(filters, entries) for the request; records the search in the trail."""
    filters = trail_filters(params)
    dossiers, actor = request.root.dossiers, request.actor

    def visible(entry):  # NB: entries about a dossier are shown to those who may see it
        dossier = dossiers.get(entry.get("code")) if entry.get("code") else None
        return dossier is None or can_see_dossier(actor, dossier)

    entries = audit.search(request.root.audit, limit=limit, where=visible, **filters)
    audit.record_request(request, "audit_search", filters.get("code"),
                         **{f"filter_{k}": v for k, v in filters.items()
                            if v is not None and k != "code"})
    return filters, entries


def csv_bytes(entries):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        writer.writerow([e.get("seq", ""), e.get("at", ""), e.get("user", ""),
                         e.get("unit", ""), e.get("action", ""), e.get("code", ""),
                         details_of(e), "yes" if e.get("sealed") else "no", e.get("hash", "")])
    return out.getvalue().encode("utf-8-sig")  # NB: the BOM lets spreadsheets read UTF-8


@view_config(context=Portal, name="archive", permission="archive", request_method="GET",
             path_info=r"^/archive/trail$", renderer="archive_trail.jinja2")
def trail_page(request):
    try:
        _, entries = find(request, request.GET)
        error = None
    except TrailQueryError as e:
        request.response.status = 400
        entries, error = [], e.message
    return {"entries": entries, "filters": request.GET, "error": error, "limit": LIMIT,
            "details_shown": lambda entry: audit_details(entry, FIELDS), "pending": len(request.root.audit.pending)}


@view_config(context=Portal, name="archive", permission="archive", request_method="GET",
             path_info=r"^/archive/trail\.csv$")
def trail_csv(request):
    filters, entries = find(request, request.GET, limit=None)
    audit.record_request(request, "audit_export", filters.get("code"), rows=len(entries))
    response = Response(csv_bytes(entries), content_type="text/csv", charset="utf-8")
    response.content_disposition = 'attachment; filename="audit-trail.csv"'
    return response
