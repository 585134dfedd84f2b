"""The leaders' dashboard: the monthly figures, and where open dossiers are held up."""
import datetime

from pyramid.view import view_config

from records import clock
from records.reports.figures import figures, month_bounds
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
    catalog = request.root.catalog
    return figures(catalog.in_period(start, end), catalog.open_entries(), start, end, today,
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
