"""The leaders' dashboard: the monthly figures, and where open dossiers are held up."""
import datetime

from pyramid.httpexceptions import HTTPBadRequest
from pyramid.view import view_config

from records import clock, labels
from records.i18n import translate
from records.reports.export import codes_listing
from records.reports.figures import (PERIOD_FIGURES, catalog_figures, figure_codes,
                                     month_bounds)
from records.resources.portal import Portal
from records.security import visible_units


def _period(request):
    today = clock.today()
    if request.params.get("year", "").isdigit():  # a whole year: ?year=2025
        year = int(request.params["year"])
        if 2000 <= year <= 9999:
            return datetime.date(year, 1, 1), datetime.date(year, 12, 31), today
    try:
        year, month = (int(x) for x in request.params.get("month", "").split("-"))
        start, end = month_bounds(year, month)
    except ValueError:
        start, end = month_bounds(today.year, today.month)
    return start, end, today


def compute(request):
    start, end, today = _period(request)
    return catalog_figures(request.root.catalog, start, end, today,
                           units=visible_units(request.actor)).as_dict()


@view_config(context=Portal, name="dashboard", permission="dashboard",
             renderer="dashboard.jinja2")
def dashboard(request):
    data = compute(request)
    data["month"] = data["period"]["start"][:7]
    data["units"] = request.root.units
    return data


@view_config(route_name="api.dashboard", permission="dashboard", renderer="json")
def dashboard_api(request):
    return compute(request)


def drill_codes(request):
    """The codes behind the figure named by ``figure`` (with ``state``, ``unit`` and ``late``
    for a held-up cell), for the same period and units as :func:`compute`."""
    start, end, today = _period(request)
    params = request.params
    figure = params.get("figure", "")
    if figure != "held_up" and figure not in PERIOD_FIGURES:
        raise HTTPBadRequest(json_body={"error": "figure: held_up or one of "
                                                 + ", ".join(PERIOD_FIGURES)})
    catalog = request.root.catalog
    # NB: only the catalog's lists for the one figure asked are read.
    period, held = ((), catalog.open_items()) if figure == "held_up" else (
        catalog.period_items(start, end), ())
    codes = figure_codes(period, held, start, end, today, figure,
                         units=visible_units(request.actor), state=params.get("state"),
                         unit=params.get("unit"), late=params.get("late") == "1")
    return start, end, figure, codes


@view_config(route_name="dashboard.drill", permission="dashboard",
             renderer="held_up_list.jinja2")
def dashboard_drill(request):
    start, end, figure, codes = drill_codes(request)
    caption = " · ".join(filter(None, (f"{start:%d/%m/%Y} – {end:%d/%m/%Y}",
                                       translate(request, labels.DASHBOARD_FIGURES[figure]),
                                       request.params.get("state"),
                                       request.params.get("unit"))))
    return codes_listing(request, codes, "dashboard.drill", caption)


@view_config(route_name="api.dashboard_drill", permission="dashboard", renderer="json")
def dashboard_drill_api(request):
    start, end, figure, codes = drill_codes(request)
    return {"period": {"start": start.isoformat(), "end": end.isoformat()}, "figure": figure,
            "count": len(codes), "codes": codes}
