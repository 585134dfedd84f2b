"""Search for officers: a page and an API endpoint over the configured backend.

Searches are POSTed (page and API alike) so that an applicant identifier used as a filter
never appears in a URL. Hits are filtered by the units the officer may see.
"""
import datetime

from pyramid.view import view_config

from records import audit
from records.errors import UserError
from records.i18n import _
from records.resources.portal import Portal
from records.search.interfaces import SearchError
from records.search.query import Query
from records.security import visible_units
from records.views.common import json_object
from records.views.errors import error_page
from records.workflow import CLOSED_STATES, STATES

FACETS = ("kind", "procedure", "state", "doc_type", "status", "receiving_unit")
# the filter each facet's values set when clicked (the same name where not listed)
FACET_PARAMS = {"receiving_unit": "unit"}
TEXT_FILTERS = {"kind": "kinds", "procedure": "procedures", "unit": "units", "state": "states",
                "doc_type": "doc_types", "status": "statuses"}


class BadQuery(UserError):
    """A query that cannot be run; the message is shown (translated on the page)."""


class SearchDown(UserError):
    """The search backend does not answer (nothing is lost: the outbox keeps the changes)."""

    status = 503


def _date(value):
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise BadQuery(_("not a date: ${value}", mapping={"value": repr(value)})) from None


def build_query(actor, params):
    """A :class:`Query` from form or JSON ``params``, limited to what ``actor`` may see."""
    values = {}
    for param, field in TEXT_FILTERS.items():
        raw = params.get(param)
        if raw:
            values[field] = {raw} if isinstance(raw, str) else set(raw)
    states = values.get("states")
    if "archivist" in actor.roles and not actor.roles & {"admin", "supervisor", "receiving",
                                                         "processing", "leader"}:
        values["states"] = (states & set(CLOSED_STATES)) if states else set(CLOSED_STATES)
        if not values["states"]:
            values["states"] = {"none"}
    dates = []
    field = params.get("date_field") or "received_at"
    start, end = _date(params.get("date_from")), _date(params.get("date_to"))
    if start or end:
        dates.append((field, (start, end)))
    applicant = (params.get("applicant_id") or "").strip()
    overdue = params.get("overdue")
    try:
        page = int(params.get("page") or 1)
        return Query(text=params.get("q") or "", applicant_id=applicant or None,
                     overdue=True if overdue in ("1", "true", True) else None,
                     dates=tuple(dates), facets=FACETS, page=page,
                     size=int(params.get("size") or 20), sort=params.get("sort") or "relevance",
                     allowed_units=visible_units(actor), **values)
    except (ValueError, TypeError) as e:
        raise BadQuery(str(e)) from None


def _audit_search(request, params):
    """The search in the audit trail: the text without personal identifiers, which
    filters were used, never the applicant's identifier itself."""
    filters = sorted(k for k in ("state", "procedure", "unit", "kind", "date_from", "date_to",
                                 "overdue", "applicant_id") if params.get(k))
    audit.record_request(request, "search", query=audit.scrub(str(params.get("q") or "")),
                         filters=",".join(filters))


def run_search(request, params):
    """The results of the officer's query; :class:`BadQuery` (400) or :class:`SearchDown`
    (503) when it cannot be run."""
    _audit_search(request, params)
    query = build_query(request.actor, params)
    try:
        return request.registry.search.search(query)
    except SearchError:  # SearchUnavailable included
        raise SearchDown(_("search is unavailable; try again shortly")) from None


def _page_values(request, params, results=None, error=None):
    return {"results": results, "error": error, "params": params, "states": STATES,
            "procedures": request.root.procedures, "units": request.root.units,
            "facet_params": FACET_PARAMS}


@view_config(context=Portal, name="search", permission="search", renderer="search.jinja2")
def search_page(request):
    params = request.POST if request.method == "POST" else {}
    return _page_values(request, params, run_search(request, params) if params else None)


@error_page(Portal, "search")
def search_page_with_error(request, error):
    shown = "unavailable" if isinstance(error, SearchDown) else error.message
    return "search.jinja2", _page_values(request, request.POST, error=shown)


@view_config(route_name="api.search", renderer="json", permission="search",
             request_method="POST")
def search_api(request):
    results = run_search(request, json_object(request))
    return {
        "total": results.total, "total_exact": results.total_exact,
        "page": results.page, "pages": results.pages,
        "hits": [{"id": h.id, "kind": h.kind, "score": h.score, "fields": h.fields,
                  "highlights": [{"page": x.page, "fragment": x.fragment, "spans": x.spans}
                                 for x in h.highlights]} for h in results.hits],
        "facets": {name: [{"value": v.value, "count": v.count} for v in values]
                   for name, values in results.facets.items()},
    }
