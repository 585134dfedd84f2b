"""Searching the audit trail and exporting it as CSV, for the archive page and the JSON API.

The log itself is read-only: nothing here edits or removes an entry (records.audit).
Searching and exporting the trail are themselves recorded in it. Who may see an entry
about a dossier is answered from the catalog's entries, so a search reads no dossier.
"""
import csv
import datetime
import io

from records import audit
from records.errors import UserError
from records.i18n import _
from records.services.archive import visible_to

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


def limit_of(params, default=LIMIT):
    """The ``limit`` parameter, at most :data:`LIMIT`."""
    value = (params.get("limit") or "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise TrailQueryError(_("limit: not a positive whole number"))
    return min(int(value), LIMIT)


def details_of(entry):
    return "; ".join(f"{k}={v}" for k, v in sorted(entry.items())
                     if k not in FIELDS and v not in (None, ""))


def search_trail(portal, actor, now, params, limit=LIMIT):
    """``(filters, entries)``: the entries ``actor`` may see matching ``params`` (user, code,
    action, since, until), newest first, at most ``limit`` (None: every one); the search is
    recorded in the trail."""
    filters = trail_filters(params)
    visible = visible_to(portal, actor)
    # NB: entries about a dossier are shown to those who may see it
    entries = audit.search(portal.audit, limit=limit,
                           where=lambda e: not e.get("code") or visible(e["code"]), **filters)
    audit.record(portal, "audit_search", actor.login, actor.unit, filters.get("code"), at=now,
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


def export_trail(portal, actor, now, params):
    """Every matching entry ``actor`` may see as CSV bytes; the export is recorded."""
    filters, entries = search_trail(portal, actor, now, params, limit=None)
    audit.record(portal, "audit_export", actor.login, actor.unit, filters.get("code"), at=now,
                 rows=len(entries))
    return csv_bytes(entries)
