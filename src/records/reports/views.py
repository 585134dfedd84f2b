"""The held-up report pages and API: per-step figures, overdue and due-soon dossiers, the
national monthly layout; every table as CSV/XLSX, charts as SVG, drill-down lists."""
import datetime

from markupsafe import Markup
from pyramid.httpexceptions import HTTPBadRequest, HTTPNotFound
from pyramid.view import view_config

from records import clock, labels
from records.i18n import _, translate
from records.process.worktime import default_worktime
from records.reports import steps as report
from records.reports.charts import bar_chart
from records.reports.export import codes_listing, table_response
from records.security import visible_units

COLUMNS = {
    "steps": [("procedure", "procedure"), ("step", "step"), ("unit", "unit"),
              ("count", "count"), ("mean", "mean_minutes"), ("p90", "p90_minutes"),
              ("budget", "budget_minutes"), ("late", "late")],
    "overdue": [("code", "code"), ("procedure", "procedure"), ("step", "step"),
                ("unit", "unit"), ("officer", "officer"), ("due_at", "due_at"),
                ("minutes_left", "minutes_left")],
    "national": [("field", "field"), ("received", "received"),
                 ("received_online", "online"), ("received_in_person", "in_person"),
                 ("received_postal", "postal"), ("carried_over", "carried_over"),
                 ("resolved", "resolved"), ("resolved_early", "early"),
                 ("resolved_on_time", "on_time"), ("resolved_late", "late"),
                 ("pending_in_time", "pending_in_time"), ("pending_late", "pending_late")],
}
COLUMNS["due"] = COLUMNS["overdue"]


def _date(params, key, default):
    value = params.get(key)
    if not value:
        return default
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise HTTPBadRequest(json_body={"error": f"{key}: expected YYYY-MM-DD"}) from None


def filters_of(request):
    today = clock.today()
    params = request.params
    start = _date(params, "from", today.replace(day=1))
    end = _date(params, "to", today)
    if end < start:
        raise HTTPBadRequest(json_body={"error": "to: before from"})
    unit_role = params.get("unit_role", "processing")
    if unit_role not in ("processing", "receiving"):
        raise HTTPBadRequest(json_body={"error": "unit_role: processing or receiving"})
    fields_of = {p.code: p.field for p in request.root.procedures.values()}
    return report.Filters(start, end, params.get("unit"), unit_role, params.get("field"),
                          params.get("procedure"), fields_of, visible_units(request.actor))


def _days(request):
    try:
        days = int(request.params.get("days", 2))
    except ValueError:
        raise HTTPBadRequest(json_body={"error": "days: a whole number"}) from None
    if not 0 < days <= 60:
        raise HTTPBadRequest(json_body={"error": "days: 1 to 60"})
    return days


def budgets(request, rows):
    """Each row's budget: the step's in the procedure's current process."""
    book = request.root.processes
    for row in rows:
        current = book.current(row["procedure"])
        row["budget"] = None
        for case in (current["definition"]["cases"] if current else ()):
            for step in case["steps"]:
                if step["key"] == row["step"]:
                    row["budget"] = step["minutes"]
    return rows


PAGE_ROWS = 200  # open steps shown per list; exports (format=csv/xlsx) give them all


def tables(request):
    filters = filters_of(request)
    limit = None if request.params.get("format") else PAGE_ROWS
    now, worktime, index = clock.now(), default_worktime(), request.root.process_index
    fields = sorted({p.field for p in request.root.procedures.values()})
    if filters.field:
        fields = [f for f in fields if f == filters.field]
    national = report.national_month(index, filters.start, fields, now)
    return filters, {
        "steps": budgets(request, report.step_rows(index, filters)),
        "overdue": report.overdue(index, filters, now, worktime, limit),
        "due": report.due_within(index, filters, now, _days(request), worktime, limit),
        "national": [{"field": f, **row} for f, row in national.items()],
        "trend": report.trend(index, filters),
    }


def _export(request, data):
    table, fmt = request.params.get("table", "steps"), request.params.get("format")
    if table not in COLUMNS or fmt not in ("csv", "xlsx"):
        raise HTTPBadRequest(json_body={"error": "table: steps, overdue, due or national; "
                                                 "format: csv or xlsx"})
    return table_response(data[table], COLUMNS[table], fmt, f"{table}")


def charts(request, data):
    trend = data["trend"]
    late_steps = [r for r in data["steps"] if r["late"]][:12]
    return {
        "trend": Markup(bar_chart(translate(request, _("Steps finished per month")),
                                  [t["month"] for t in trend],
                                  [(translate(request, _("finished")), [t["count"] for t in trend], "#4a7"),
                                   (translate(request, _("late")), [t["late"] for t in trend], "#c44")])),
        "late": Markup(bar_chart(translate(request, _("Late steps")),
                                 [f"{r['procedure']} {r['step']}" for r in late_steps],
                                 [(translate(request, _("late")), [r["late"] for r in late_steps], "#c44")])),
    }


@view_config(route_name="reports.steps", permission="dashboard", renderer="held_up.jinja2")
def held_up(request):
    filters, data = tables(request)
    if request.params.get("format"):
        return _export(request, data)
    return {"filters": filters, "data": data, "charts": charts(request, data),
            "units": request.root.units, "days": _days(request),
            "procedures": sorted(request.root.procedures.values(), key=lambda p: p.code),
            "fields": sorted({p.field for p in request.root.procedures.values()})}


@view_config(route_name="reports.drill", permission="dashboard", renderer="held_up_list.jinja2")
def drill(request):
    filters = filters_of(request)
    params = request.params
    codes = report.drill_codes(request.root.process_index, filters, params.get("procedure", ""),
                               params.get("step", ""), params.get("unit", ""),
                               late=params.get("late") == "1")
    caption = " · ".join(filter(None, (params.get("procedure"), params.get("step"),
                                       params.get("unit"))))
    if params.get("late") == "1":
        caption += " · " + translate(request, _("late"))
    return codes_listing(request, codes, "reports.drill", caption)


def _json_rows(rows):
    return [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()}
            for r in rows]


@view_config(route_name="api.reports_steps", permission="dashboard", renderer="json")
def held_up_api(request):
    filters, data = tables(request)
    if request.params.get("format"):
        return _export(request, data)
    return {"period": {"from": filters.start.isoformat(), "to": filters.end.isoformat()},
            **{name: _json_rows(rows) for name, rows in data.items()}}


@view_config(route_name="api.reports_drill", permission="dashboard", renderer="json")
def drill_api(request):
    filters = filters_of(request)
    params = request.params
    return {"codes": report.drill_codes(request.root.process_index, filters,
                                        params.get("procedure", ""), params.get("step", ""),
                                        params.get("unit", ""), late=params.get("late") == "1")}


def _monthly_codes(request):
    """The month (``from``'s), the field, the figure and the codes behind it."""
    params = request.params
    start = _date(params, "from", clock.today().replace(day=1))
    figure, field = params.get("figure", ""), params.get("field", "")
    if figure not in report.FIGURES:
        raise HTTPBadRequest(json_body={"error": "figure: one of " + ", ".join(report.FIGURES)})
    codes = report.national_codes(request.root.process_index, start, field, figure,
                                  clock.now())
    if codes is None:
        raise HTTPNotFound(json_body={"error": "the dossiers behind this figure were not "
                                               "kept for that month"})
    return start, field, figure, codes


@view_config(route_name="reports.monthly_drill", permission="dashboard",
             renderer="held_up_list.jinja2")
def monthly_drill(request):
    start, field, figure, codes = _monthly_codes(request)
    return codes_listing(request, codes, "reports.monthly_drill",
                         f"{start:%m/%Y} · {field} · {translate(request, labels.MONTHLY_FIGURES[figure])}")


@view_config(route_name="api.reports_monthly_drill", permission="dashboard", renderer="json")
def monthly_drill_api(request):
    start, field, figure, codes = _monthly_codes(request)
    return {"month": f"{start:%Y-%m}", "field": field, "figure": figure, "count": len(codes),
            "codes": codes}
