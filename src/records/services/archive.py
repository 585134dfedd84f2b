"""The archivists' operations, for the archive pages and the JSON API alike: the records
list, disposal candidates, legal holds, bag import, fixity failures.

Each takes ``(portal, actor, now, …)`` and raises a :class:`records.errors.UserError` (or a
subclass) when it cannot be done; the caller renders it and queues any reading after
commit (records.jobs).
"""
import csv
import io

from records import audit
from records.archive import fixity, holds
from records.archive.bagimport import BagRefused, import_bag as build_from_bag
from records.archive.browse import RecordsQuery, closed_records
from records.archive.records import disposal_page
from records.errors import UserError
from records.i18n import _
from records.security import can_see_summary
from records.services.dossiers import PAGE_SIZE, page_number

FIXITY_COLUMNS = ("file_id", "dossier", "filename", "problem", "expected_sha256",
                  "actual_sha256", "found_at", "last_seen", "acknowledged_by",
                  "acknowledged_at", "note")


class BadFilter(UserError):
    """A records filter that cannot be read; the message says which."""


# -- the records list ------------------------------------------------------------------

def records_query(params):
    """A :class:`RecordsQuery` from query parameters; :class:`BadFilter` for a bad year."""
    year = (params.get("year") or "").strip()
    if year and not (year.isdigit() and 1900 <= int(year) <= 2200):
        raise BadFilter(_("year: not a year"))
    return RecordsQuery(field=(params.get("field") or "").strip() or None,
                        unit=(params.get("unit") or "").strip() or None,
                        procedure=(params.get("procedure") or "").strip() or None,
                        year=int(year) if year else None,
                        held=params.get("held") in ("1", "true", "on"))


def find_records(portal, actor, now, params, size=PAGE_SIZE):
    """``(total, rows of the page, page, pages)`` of the closed dossiers ``actor`` may see
    matching ``params`` (field, unit, procedure, year, held; page), newest closed first,
    from the catalog."""
    query, page = records_query(params), page_number(params)
    total, rows = closed_records(portal, actor, query, page, size)
    return total, rows, page, (total + size - 1) // size or 1


def visible_to(portal, actor):
    """``visible(code)`` for ``actor``, answered from the catalog's entries (no dossier is
    read); a code the catalog does not know (no such dossier) is visible."""
    entries = portal.catalog.entries

    def visible(code):
        entry = entries.get(code)
        return entry is None or can_see_summary(actor, entry.state, entry.receiving,
                                                entry.processing)
    return visible


def disposal_candidates(portal, actor, now, page=1, size=PAGE_SIZE):
    """``(total, [(dossier, retention end)] of the page)``: closed dossiers ``actor`` may see
    whose retention ended by ``now``, not disposed of nor proposed, oldest end first."""
    return disposal_page(portal, now.date(), page, size, visible=visible_to(portal, actor))


def visible_holds(portal, actor):
    """The active holds on dossiers ``actor`` may see, newest first."""
    visible = visible_to(portal, actor)
    return sorted((h for h in portal.archive.holds.values() if visible(h["code"])),
                  key=lambda h: h["since"], reverse=True)


# -- legal holds -------------------------------------------------------------------------

def place_hold(portal, actor, now, dossier, reason):
    """Place a legal hold on ``dossier`` (reason required); :class:`holds.HoldError`."""
    return holds.place(portal, dossier, reason, actor.login, actor.unit, now)


def lift_hold(portal, actor, now, dossier, reason):
    """Lift the hold of ``dossier`` (reason required); returns the lifted hold."""
    return holds.lift(portal, dossier, reason, actor.login, actor.unit, now)


# -- bag import --------------------------------------------------------------------------

def import_bag(portal, actor, now, stream, limit, total_limit):
    """Import the bag ZIP in ``stream`` (:mod:`records.archive.bagimport`): ``(dossier, file
    ids to read)``. :class:`BagRefused` with the reason (nothing is imported: the caller's
    transaction is doomed)."""
    if stream is None:
        raise BagRefused(_("choose the bag (a ZIP) to import"))
    return build_from_bag(portal, stream, actor.login, actor.unit, now, limit=limit,
                          total_limit=total_limit)


# -- fixity ------------------------------------------------------------------------------

def key_text(key):
    return f"{key[0]}@{key[1]}"


def fixity_failures(portal):
    """Every failure as a dict with its ``key`` text, unacknowledged first, newest first."""
    found = [dict(v, key=key_text(k)) for k, v in portal.archive.fixity_failures.items()]
    found.sort(key=lambda f: f["found_at"], reverse=True)
    found.sort(key=lambda f: bool(f.get("acknowledged_at")))
    return found


def acknowledge_failure(portal, actor, now, key, note):
    """Acknowledge the failure ``key`` (its text form) with a note; the failure stays.
    :class:`fixity.FailureError` for an unknown or already acknowledged one."""
    failure = fixity.acknowledge(portal.archive, fixity.failure_key(key), actor.login, now,
                                 note)
    audit.record(portal, "acknowledge_fixity_failure", actor.login, actor.unit,
                 failure.get("owner"), at=now, file_id=failure["file_id"],
                 problem=failure["problem"])
    return failure


def fixity_report(portal, actor, now):
    """The report of every failure, acknowledged or not, as CSV bytes (UTF-8 with a BOM, so
    that spreadsheets read it); the export is recorded in the audit trail."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FIXITY_COLUMNS)
    for f in fixity_failures(portal):
        writer.writerow([f["file_id"], f.get("owner") or "", f.get("filename") or "",
                         f["problem"], f.get("expected") or "", f.get("actual") or "",
                         f["found_at"].isoformat(), f["last_seen"].isoformat(),
                         f.get("acknowledged_by") or "",
                         f["acknowledged_at"].isoformat() if f.get("acknowledged_at") else "",
                         f.get("note") or ""])
    audit.record(portal, "export_fixity_report", actor.login, actor.unit, at=now)
    return out.getvalue().encode("utf-8-sig")
