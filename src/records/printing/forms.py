"""The one-stop forms as PDFs, from the templates in data/forms.json: the supplement
request, the refusal, the apology with a new date, and the process-control sheet filled from
the recorded steps. A template's placeholder with no value is an error (never a blank).

The templates come in editions, one per legal basis (Thông tư 01/2018/TT-VPCP, then
Thông tư 03/2025/TT-VPCP under Nghị định 118/2025/NĐ-CP); a dossier's forms follow the
edition in force on the day it was received.
"""
import datetime
import json
import string
from functools import lru_cache
from importlib import resources

import pymupdf

from records.printing.pdf import heading, text_box
from records.process.run import timeliness

A4 = pymupdf.paper_rect("a4")
FORMS = ("supplement", "refusal", "apology", "control")


class FormError(ValueError):
    """A form that cannot be printed for this dossier now (the message says why)."""


@lru_cache(maxsize=1)
def editions():
    """The editions of data/forms.json, oldest first."""
    text = resources.files("records").joinpath("data/forms.json").read_text("utf-8")
    found = json.loads(text)["editions"]
    for edition in found:
        edition["from"] = datetime.date.fromisoformat(edition["from"])
    return sorted(found, key=lambda e: e["from"])


def edition_for(day):
    """The edition in force on ``day`` (the oldest one for a day before every edition)."""
    chosen = editions()[0]
    for edition in editions():
        if edition["from"] <= day:
            chosen = edition
    return chosen


def fill(template, values):
    try:
        return string.Template(template).substitute(values)
    except KeyError as e:
        raise FormError(f"the form needs a value for {e.args[0]}") from None


def _day(value):
    return f"{value:%d/%m/%Y}" if value is not None else ""


def _moment(value):
    return f"{value:%H:%M %d/%m/%Y}" if value is not None else ""


def _common(dossier, procedure, unit):
    applicant = dossier.applicant
    return {"applicant": applicant.get("name", ""), "code": dossier.code,
            # NB: the refusal asks where to reach the applicant; blank when not given
            **{key: applicant.get(key) or "" for key in ("address", "phone", "email")},
            "procedure": f"{procedure.code} - {procedure.name}", "unit": unit.name,
            "received": _day(dossier.received_at), "due": _day(dossier.due_at)}


def _last_note(dossier, action):
    notes = [h["note"] for h in dossier.history if h["action"] == action]
    return notes[-1] if notes else None


def values_for(form, dossier, procedure, unit, run=None):
    """The placeholders of ``form`` for this dossier; :class:`FormError` when the dossier's
    history does not call for it (no supplement asked, not refused, not rescheduled)."""
    values = _common(dossier, procedure, unit)
    if form == "supplement":
        reason = _last_note(dossier, "request_supplement")
        if reason is None:
            raise FormError("no supplement was requested for this dossier")
        values["reason"] = reason
    elif form == "refusal":
        reason = _last_note(dossier, "reject")
        if reason is None:
            raise FormError("this dossier was not refused")
        values["reason"] = reason
    elif form == "apology":
        if not dossier.rescheduled:
            raise FormError("this dossier was not rescheduled")
        values.update(reason=dossier.rescheduled["reason"], new_due=_day(dossier.due_at),
                      previous_due=_day(dossier.rescheduled["previous_due"]))
    elif form == "control":
        if run is None:
            raise FormError("this dossier follows no internal process")
        values.update(version=run.version, case=run.case)
    else:
        raise FormError(f"unknown form {form!r}")
    return values


def step_rows(template, run, units):
    outcomes = template["outcomes"]
    rows = []
    for step in run.steps:
        if step.outcome == "done":
            outcome = outcomes[timeliness(step)]
        else:
            outcome = outcomes.get(step.outcome or "open", step.outcome)
        unit = units.get(step.unit)
        values = {"step": step.name, "unit": unit.name if unit is not None else step.unit,
                  "arrived": _moment(step.arrived_at), "ended": _moment(step.ended_at),
                  "assigned_by": step.assigned_by or "", "officer": step.officer or
                  step.assigned or "", "outcome": outcome, "note": step.note or ""}
        rows.append([fill(cell, values) for cell in template["table"]["row"]])
    return rows


def render_form(form, dossier, procedure, unit, units, run=None):
    """PDF bytes of ``form`` for ``dossier``."""
    edition = edition_for(dossier.received_at.date())
    template = edition["forms"][form]
    values = values_for(form, dossier, procedure, unit, run)
    lines = [fill(line, values) for line in template["lines"]]
    doc = pymupdf.open()
    page = doc.new_page(width=A4.width, height=A4.height)
    heading(page, unit.name)
    text_box(page, (250, 84, 560, 108), f"{template['number']} - {edition['basis']}", size=7,
             align=2)
    text_box(page, (40, 110, 560, 150), template["title"], size=14, bold=True, align=1)
    y = 160
    for line in lines:
        height = 16 * (1 + len(line) // 90 + line.count("\n"))
        text_box(page, (50, y, 550, y + height + 4), line, size=10.5)
        y += height + 4
    if form == "control":
        y = _table(doc, page, y + 10, template["table"]["headers"],
                   step_rows(template, run, units))
        page = doc[-1]
    text_box(page, (330, y + 20, 560, y + 40), template["signer"], size=10, bold=True, align=1)
    doc.subset_fonts()
    data = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return data


def _table(doc, page, y, headers, rows):
    widths = (150, 120, 120, 110)
    def line(cells, top, bold):
        height = 16 * max(1 + c.count("\n") + len(c) // 28 for c in cells) + 6
        x = 45
        for width, cell in zip(widths, cells):
            page.draw_rect(pymupdf.Rect(x, top, x + width, top + height), width=0.5)
            text_box(page, (x + 3, top + 3, x + width - 3, top + height), cell, size=8,
                     bold=bold)
            x += width
        return top + height
    y = line(headers, y, True)
    for row in rows:
        if y > A4.height - 120:
            page = doc.new_page(width=A4.width, height=A4.height)
            y = line(headers, 40, True)
        y = line(row, y, False)
    return y
