"""Closed dossiers as records: retention, disposition (hủy tài liệu hết giá trị) and the
download audit.

The portal keeps one :class:`Archive` (``portal.archive``, added by an evolve step): the
fixity runs, the disposition proposals and records, the set of disposed file ids and the
officers' downloads. Plain persistent classes and pure rules: no web, queue or search imports.

Disposition takes two people: an archivist proposes, a leader or admin (someone else)
approves. On approval each file version of the dossier loses its blob, so its bytes are no
longer reachable from the current state; history-preserving storage still holds them in old
revisions until the next ``records pack`` removes those.
"""
import datetime
import heapq
import json
import secrets
import time
from importlib import resources

from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent
from persistent.list import PersistentList

from records import notes
from records.errors import UserError
from records.i18n import _
from records.workflow import CLOSED_STATES, WITHOUT_RESULT

KEEP_RUNS = 50           # fixity runs kept in the store
PERMANENT = "permanent"


# -- retention -------------------------------------------------------------------------------

def load_rules(text=None):
    """The retention rules (``data/retention.json`` unless ``text`` is given)."""
    if text is None:
        text = resources.files("records").joinpath("data/retention.json").read_text("utf-8")
    rules = json.loads(text)
    for rule in _all_rules(rules):
        years = rule["years"]
        if years != PERMANENT and not (isinstance(years, int) and years > 0):
            raise ValueError(f"retention years must be a positive integer or 'permanent': {rule}")
    return rules


def _all_rules(rules):
    yield rules["default"]
    if "rejected_or_withdrawn" in rules:
        yield rules["rejected_or_withdrawn"]
    for table in ("by_procedure", "by_result_kind", "by_field"):
        yield from rules.get(table, {}).values()


_RULES = None


def rules():
    global _RULES
    if _RULES is None:
        _RULES = load_rules()
    return _RULES


def retention_of(portal, dossier, table=None):
    """``{"years": int | "permanent", "basis": str, "rule": str}`` for ``dossier``."""
    return retention_for(portal, dossier.procedure_code,
                         dossier.state in WITHOUT_RESULT, table)


def retention_for(portal, procedure_code, without_result, table=None):
    """The retention rule of a dossier of ``procedure_code`` that closed without a result
    (rejected, withdrawn) or not: what :func:`retention_of` looks up, without the dossier."""
    table = table or rules()
    procedure = portal.procedures.get(procedure_code)
    candidates = [("procedure", table.get("by_procedure", {}).get(procedure_code))]
    if without_result:
        candidates.append(("rejected_or_withdrawn", table.get("rejected_or_withdrawn")))
    if procedure is not None:
        by_kind = table.get("by_result_kind", {})
        candidates.append(("result_kind", by_kind.get(procedure.result_kind)))
        candidates.append(("field", table.get("by_field", {}).get(procedure.field)))
    candidates.append(("default", table["default"]))
    for name, rule in candidates:
        if rule is not None:
            return {"years": rule["years"], "basis": rule.get("basis", ""), "rule": name}


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def retention_end(portal, dossier, table=None):
    """The last day of retention of a closed dossier, or None (open, or kept permanently)."""
    if dossier.state not in CLOSED_STATES or dossier.closed_at is None:
        return None
    years = retention_of(portal, dossier, table)["years"]
    if years == PERMANENT:
        return None
    closed = dossier.closed_at
    return _add_years(closed.date() if isinstance(closed, datetime.datetime) else closed, years)


def retention_ended(portal, dossier, today, table=None):
    end = retention_end(portal, dossier, table)
    return end is not None and end < today


# -- the archive's own state -----------------------------------------------------------------

class Proposal(Persistent):
    """A proposal to dispose of some dossiers; decided once, by someone else."""

    def __init__(self, codes, reason, proposed_by, proposed_at):
        self.proposal_id = secrets.token_hex(6)
        self.codes = tuple(codes)
        self.reason = reason
        self.proposed_by = proposed_by
        self.proposed_at = proposed_at
        self.state = "pending"  # pending, approved, rejected
        self.decided_by = None
        self.decided_at = None
        self.decision_note = ""


class Archive(Persistent):
    """The archivists' state (see the module docstring)."""

    def __init__(self):
        self.fixity_runs = PersistentList()  # newest last, at most KEEP_RUNS
        self.fixity_cursor = None            # last file id checked by a limited run
        self.proposals = OOBTree()           # proposal id -> Proposal
        self.disposed = OOBTree()            # dossier code -> disposition record (dict)
        self.disposed_files = OOTreeSet()    # file ids whose bytes were disposed of
        # NB: a BTree keyed by (code, ns, file id), not a list on the dossier: officers
        # downloading at once touch different keys, and a download never conflicts with
        # work on the dossier itself.
        self.downloads = OOBTree()
        self.holds = OOBTree()               # dossier code -> active legal hold (dict)
        self.lifted_holds = OOBTree()        # (code, time_ns) -> a lifted hold (dict)
        self.fixity_failures = OOBTree()     # (file id, found at) -> failure, until acknowledged

    # fixity
    def add_run(self, run, keep=KEEP_RUNS):
        self.fixity_runs.append(run)
        del self.fixity_runs[:-keep]
        if "cursor" in run:
            self.fixity_cursor = run["cursor"]

    def last_runs(self, n=10):
        return list(reversed(self.fixity_runs[-n:]))

    # audit
    def record_download(self, code, file_id, login, unit, at, kind="file"):
        key = (code or "", time.time_ns(), file_id or "")
        self.downloads[key] = {"at": at, "login": login, "unit": unit, "file_id": file_id,
                               "kind": kind}

    def downloads_of(self, code):
        """The officers' downloads of files of dossier ``code``, oldest first."""
        return [dict(v, code=k[0]) for k, v in
                self.downloads.items(min=(code,), max=(code, float("inf")))]

    # disposition
    def pending(self):
        return [p for p in self.proposals.values() if p.state == "pending"]

    def pending_codes(self):
        return {code for p in self.pending() for code in p.codes}


def is_disposed(portal, code):
    """True when dossier ``code`` was disposed of (search must skip it)."""
    archive = getattr(portal, "archive", None)
    return archive is not None and code in archive.disposed


def file_disposed(portal, file_id):
    archive = getattr(portal, "archive", None)
    return archive is not None and file_id in archive.disposed_files


# -- disposition -----------------------------------------------------------------------------

class DispositionError(UserError):
    """A proposal or decision that is not allowed; the message says why."""


def _check_not_held(archive, code):
    # NB: a hold placed after the proposal still stops its approval.
    if code in archive.holds:
        raise DispositionError(_("${code} is on legal hold", mapping={"code": code}),
                               status=409)


def due_for_disposition(portal, today, visible=None, table=None):
    """The closed dossiers whose retention ended by ``today``, not yet disposed of nor
    proposed, oldest end first: a lazy iterator of ``(code, retention end)``, from the
    catalog (no dossier is read). ``visible(code)``, if given, must hold for each."""
    catalog, pending = portal.catalog, portal.archive.pending_codes()
    streams = []
    for procedure, without_result in catalog.retained_groups():
        years = retention_for(portal, procedure, without_result, table)["years"]
        if years == PERMANENT:
            continue
        # NB: a day's slack for 29 February; the end is checked exactly below.
        last = _add_years(today, -years).toordinal() + 1
        streams.append(_ends(catalog.retained_until(procedure, without_result, last),
                             years))
    for end, code in heapq.merge(*streams):
        if end < today and code not in pending and code not in portal.archive.disposed \
                and (visible is None or visible(code)):
            yield code, end


def _ends(kept, years):
    """``(retention end, code)`` for ``(closed ordinal, code)`` pairs in closing order."""
    for closed, code in kept:
        yield _add_years(datetime.date.fromordinal(closed), years), code


def disposal_page(portal, today, page, size, visible=None, table=None):
    """``(total, [(dossier, retention end)] of the page)`` of :func:`due_for_disposition`;
    only the page's dossiers are read."""
    due = due_for_disposition(portal, today, visible, table)
    start = (max(page, 1) - 1) * size
    total, rows = 0, []
    for code, end in due:
        if start <= total < start + size:
            rows.append((portal.dossiers[code], end))
        total += 1
    return total, rows


def propose(portal, codes, reason, login, now, *, may_see):
    """Record a proposal to dispose of the dossiers ``codes`` (retention ended).

    ``may_see(dossier)`` says whether the proposer may see a dossier (no default: leaving
    it out must not allow everything)."""
    reason = (reason or "").strip()
    codes = sorted(set(c.strip() for c in codes if c and c.strip()))
    if not codes:
        raise DispositionError(_("choose at least one dossier"))
    if not reason:
        raise DispositionError(_("a reason is required"))
    archive = portal.archive
    pending = archive.pending_codes()
    for code in codes:
        dossier = portal.dossiers.get(code)
        if dossier is None or not may_see(dossier):
            raise DispositionError(_("no dossier ${code}", mapping={"code": code}),
                                   status=404)
        if code in archive.disposed:
            raise DispositionError(_("${code} was already disposed of",
                                     mapping={"code": code}),
                                   status=409)
        if code in pending:
            raise DispositionError(_("${code} is already proposed for disposition",
                                     mapping={"code": code}),
                                   status=409)
        _check_not_held(archive, code)
        if not retention_ended(portal, dossier, now.date()):
            raise DispositionError(_("the retention of ${code} has not ended",
                                     mapping={"code": code}),
                                   status=409)
    proposal = Proposal(codes, reason, login, now)
    archive.proposals[proposal.proposal_id] = proposal
    return proposal


def _pending(portal, proposal_id, login, may_see):
    proposal = portal.archive.proposals.get(proposal_id)
    if proposal is None:
        raise DispositionError(_("no such proposal"), status=404)
    if proposal.state != "pending":
        raise DispositionError(_("this proposal was already decided"), status=409)
    if login == proposal.proposed_by:
        raise DispositionError(
            _("the proposal must be decided by someone other than its author"), status=403)
    for code in proposal.codes:
        dossier = portal.dossiers.get(code)
        if dossier is None or not may_see(dossier):
            raise DispositionError(_("you may not decide on ${code}", mapping={"code": code}),
                                   status=403)
    return proposal


def reject(portal, proposal_id, login, now, note="", *, may_see):
    proposal = _pending(portal, proposal_id, login, may_see)
    proposal.state = "rejected"
    proposal.decided_by, proposal.decided_at, proposal.decision_note = login, now, note or ""
    return proposal


def approve(portal, proposal_id, login, now, unit=None, note="", *, may_see):
    """Approve a pending proposal (by a second person) and dispose of its dossiers."""
    proposal = _pending(portal, proposal_id, login, may_see)
    for code in proposal.codes:
        _check_not_held(portal.archive, code)
        if not retention_ended(portal, portal.dossiers[code], now.date()):
            raise DispositionError(_("the retention of ${code} has not ended",
                                     mapping={"code": code}),
                                   status=409)
    proposal.state = "approved"
    proposal.decided_by, proposal.decided_at, proposal.decision_note = login, now, note or ""
    for code in proposal.codes:
        dispose(portal, portal.dossiers[code], proposal, unit)
    return proposal


def versions_of(dossier):
    """Every file version of the dossier, derived ones (searchable PDFs) included."""
    seen = set()
    for version in dossier.file_versions():
        for v in (version, version.reading.derived_pdf):
            if v is not None and v.file_id not in seen:
                seen.add(v.file_id)
                yield v


def reused_elsewhere(portal, dossier):
    """{file id of ``dossier``: codes of the other, not disposed, dossiers reusing it}."""
    found = {}
    for version in versions_of(dossier):
        # NB: from the catalog's reuse index, not by reading every other dossier
        codes = {code for code in portal.catalog.reusing(version.file_id)
                 if code != dossier.code and not is_disposed(portal, code)}
        if codes:
            found[version.file_id] = codes
    return found


def dispose(portal, dossier, proposal, unit=None):
    """Mark ``dossier`` disposed of and drop the bytes of its files from the current state.

    What is kept is the disposition record: who proposed and approved, when, why, and each
    file's id, name, size and SHA-256. Files other dossiers reuse by reference belong to
    their own dossier and are untouched.
    """
    archive = portal.archive
    files = []
    reused = reused_elsewhere(portal, dossier)
    for version in versions_of(dossier):
        if version.file_id in reused:
            # NB: another dossier still relies on this version by reference (reuse): it is
            # part of that dossier's record now and stays with it.
            files.append({"file_id": version.file_id, "filename": version.filename,
                          "media_type": version.media_type, "size": version.size,
                          "sha256": version.sha256, "kept_for": sorted(reused[version.file_id])})
            continue
        files.append({"file_id": version.file_id, "filename": version.filename,
                      "media_type": version.media_type, "size": version.size,
                      "sha256": version.sha256})
        archive.disposed_files.add(version.file_id)
        # NB: the one change ever made to a committed FileVersion: with no blob in the
        # current state, the next pack removes the bytes from the blob dir for good.
        version.blob = None
        reading = version.reading
        reading.pages, reading.page_count = type(reading.pages)(), 0
        reading.fields, reading.corrections = {}, ()
    archive.disposed[dossier.code] = {
        "code": dossier.code, "procedure_code": dossier.procedure_code,
        "closed_at": dossier.closed_at, "retention": retention_of(portal, dossier),
        "reason": proposal.reason, "proposal_id": proposal.proposal_id,
        "proposed_by": proposal.proposed_by, "proposed_at": proposal.proposed_at,
        "approved_by": proposal.decided_by, "approved_at": proposal.decided_at,
        "files": files,
    }
    # NB: record() also queues the dossier in the search outbox: the indexer drops it.
    dossier.record("dispose", proposal.decided_by, proposal.decided_at, unit, dossier.state,
                   dossier.state, notes.disposed(proposal.reason, len(files)))
