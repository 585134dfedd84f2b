"""Where dossiers are held up: per-step figures from the step index (never from a scan).

Figures per (procedure, step, unit) over a period of months: passages, mean and 90th
percentile of the working minutes held (nearest rank, exact: from the histogram), against
the step's budget; late passages; the codes behind each figure. Also the open steps that
are overdue (with the step and the officer holding each) or due within N working days.
"""
import math

from records.process.index import month_of, previous_month


def months_between(start, end):
    """'YYYY-MM' strings from ``start``'s month to ``end``'s, inclusive."""
    year, month = start.year, start.month
    out = []
    while (year, month) <= (end.year, end.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


class Filters:
    """Period (dates), unit (``unit_role`` processing: the step's unit; receiving: the
    dossier's receiving unit), field, procedure; ``units`` limits to what the viewer sees."""

    def __init__(self, start, end, unit=None, unit_role="processing", field=None,
                 procedure=None, fields_of=None, units=None):
        self.start, self.end = start, end
        self.unit, self.unit_role = unit or None, unit_role
        self.field, self.procedure = field or None, procedure or None
        self.fields_of = fields_of or {}
        self.units = units

    def keeps(self, procedure, step_unit, receiving_unit):
        if self.procedure and procedure != self.procedure:
            return False
        if self.field and self.fields_of.get(procedure) != self.field:
            return False
        if self.unit:
            wanted = receiving_unit if self.unit_role == "receiving" else step_unit
            if wanted != self.unit:
                return False
        if self.units is not None and not {step_unit, receiving_unit} & self.units:
            return False
        return True


def percentile(histogram, share):
    """Nearest-rank percentile of a {value: count} histogram (sorted keys)."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = max(1, math.ceil(share * total))
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return None


def step_rows(index, filters):
    """One row per (procedure, step, unit): count, mean, p90, budget, late, and the keys to
    drill down (``key``)."""
    grouped = {}
    for month in months_between(filters.start, filters.end):
        lo, hi = (month,), (month, "\uffff")
        for key, stat in index.stats.items(min=lo, max=hi):
            _month, procedure, step, unit, receiving = key
            if not filters.keeps(procedure, unit, receiving):
                continue
            row = grouped.setdefault((procedure, step, unit), {
                "procedure": procedure, "step": step, "unit": unit, "count": 0,
                "minutes": 0, "late": 0, "histogram": {}})
            row["count"] += stat.count
            row["minutes"] += stat.minutes
            row["late"] += stat.late
            for value, n in stat.histogram.items():
                row["histogram"][value] = row["histogram"].get(value, 0) + n
    rows = []
    for row in grouped.values():
        histogram = row.pop("histogram")
        row["mean"] = round(row["minutes"] / row["count"], 1) if row["count"] else None
        row["p90"] = percentile(histogram, 0.9)
        rows.append(row)
    rows.sort(key=lambda r: (-r["late"], r["procedure"], r["step"], r["unit"]))
    return rows


def drill_codes(index, filters, procedure, step, unit, late=False):
    """The dossiers behind one row (or its late figure)."""
    codes = set()
    for month in months_between(filters.start, filters.end):
        for key, stat in index.stats.items(min=(month,), max=(month, "\uffff")):
            if key[1:4] != (procedure, step, unit) or not filters.keeps(key[1], key[3], key[4]):
                continue
            codes.update(stat.late_codes if late else stat.codes)
    return sorted(codes)


def open_rows(index, codes, filters, now, worktime, limit=None):
    """Rows for the open steps of ``codes`` (in due order) that pass the filters; at most
    ``limit`` (the most urgent), so a page stays small however many are late."""
    rows = []
    for code in codes:
        if limit is not None and len(rows) >= limit:
            break
        entry = index.open.get(code)
        if entry is None or not filters.keeps(entry["procedure"], entry["unit"],
                                               entry["receiving_unit"]):
            continue
        due = entry["due_at"]
        late = due < now
        minutes = -worktime.minutes_between(due, now) if late else worktime.minutes_between(now, due)
        rows.append({"code": code, "procedure": entry["procedure"], "step": entry["step"],
                     "name": entry["name"], "unit": entry["unit"], "officer": entry["officer"],
                     "due_at": due, "minutes_left": minutes})
    rows.sort(key=lambda r: (r["minutes_left"], r["code"]))
    return rows


def overdue(index, filters, now, worktime, limit=None):
    """Open steps past their due moment, most late first (paused ones are not late)."""
    return open_rows(index, index.due_between(None, now), filters, now, worktime, limit)


def due_within(index, filters, now, days, worktime, limit=None):
    """Open steps due between now and ``days`` working days from now, soonest first."""
    return open_rows(index, index.due_between(now, worktime.add_days(now, days)), filters,
                     now, worktime, limit)


def trend(index, filters):
    """Per month: passages and late passages (for the chart)."""
    out = []
    for month in months_between(filters.start, filters.end):
        count = late = 0
        for key, stat in index.stats.items(min=(month,), max=(month, "\uffff")):
            if filters.keeps(key[1], key[3], key[4]):
                count += stat.count
                late += stat.late
        out.append({"month": month, "count": count, "late": late})
    return out


MEASURES = ("received_online", "received_in_person", "received_postal", "resolved_early",
            "resolved_on_time", "resolved_late", "rejected", "withdrawn")
RECEIVED = ("received_online", "received_in_person", "received_postal")
RESOLVED = ("resolved_early", "resolved_on_time", "resolved_late")
PENDING = ("pending_in_time", "pending_late")
# Every figure of the national layout, each with the dossiers behind it (national_codes).
FIGURES = ("received", *RECEIVED, "carried_over", "resolved", *RESOLVED, *PENDING)


def pending_codes(index, month, now, counted=False):
    """{field: {"pending_in_time": codes, "pending_late": codes}} for ``month``: as it closed
    when the month is over (None when not known), else as of ``now``; with ``counted``, how
    many instead of which (from the index's counts: no open dossier is read)."""
    if month < month_of(now):
        return index.pending_at_end(month, counted)
    return index.open_split(now.date(), counted)


def _carried(index, month, now):
    """{field: codes} open when the month before ``month`` closed (None: not known)."""
    before = pending_codes(index, previous_month(month), now)
    if before is None:
        return None
    return {field: splits["pending_in_time"] | splits["pending_late"]
            for field, splits in before.items()}


def national_month(index, month_start, fields, now):
    """The monthly report in the national layout, per field: received (online, in person,
    by post, carried over from before the month), resolved (early, on time, late), pending
    (in time, late: as the month closed for a month that is over, as of ``now`` for the
    current one; None when a past month closed before these figures were kept). Each figure
    is the size of its list in :func:`national_codes`, read from counts (no list is made)."""
    month = month_of(month_start)
    wanted = set(fields)
    rows = {field: dict.fromkeys(MEASURES, 0) for field in fields}
    before = {field: [0, 0] for field in fields}     # received, closed before the month
    for (m, f, measure), n in index.counts():
        if f not in wanted:
            continue
        if m == month and measure in MEASURES:
            rows[f][measure] += n
        elif m < month:
            if measure.startswith("received_"):
                before[f][0] += n
            elif measure in MEASURES:
                before[f][1] += n
    carried = pending_codes(index, previous_month(month), now, counted=True)
    pending = pending_codes(index, month, now, counted=True)
    for field, row in rows.items():
        # NB: the dossiers open when last month closed are counted when that is known
        # (so the figure is its list); the monthly counters give it for older months.
        row["carried_over"] = sum(carried.get(field, {}).values()) if carried is not None \
            else before[field][0] - before[field][1]
        for split in PENDING:
            row[split] = pending.get(field, {}).get(split, 0) if pending is not None \
                else None
        row["received"] = sum(row[m] for m in RECEIVED) + row["carried_over"]
        row["resolved"] = sum(row[m] for m in RESOLVED)
    return rows


def national_codes(index, month_start, field, figure, now):
    """Sorted codes of the dossiers behind ``figure`` (one of :data:`FIGURES`) of ``field``
    in the monthly report of ``month_start``'s month; None when not known."""
    month = month_of(month_start)
    if figure in PENDING:
        pending = pending_codes(index, month, now)
        return None if pending is None else sorted(pending.get(field, {}).get(figure, ()))
    if figure == "carried_over" or figure == "received":
        carried = _carried(index, month, now)
        if carried is None:
            return None
        codes = set(carried.get(field, ())) if figure == "carried_over" else \
            set(carried.get(field, ())).union(*(index.codes(month, field, m) for m in RECEIVED))
        return sorted(codes)
    if figure == "resolved":
        return sorted(set().union(*(index.codes(month, field, m) for m in RESOLVED)))
    if figure in MEASURES:
        return sorted(index.codes(month, field, figure))
    raise KeyError(figure)
