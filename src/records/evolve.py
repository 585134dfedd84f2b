"""Schema changes as named, ordered evolve steps.

Each step takes the portal and brings it one generation forward. A new or renamed
persistent attribute gets a step here and a test on an in-memory database.
"""
import logging
import time

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent.list import PersistentList

from records import clock
from records.archive.records import Archive
from records.audit.log import AuditLog
from records.process.book import ProcessBook
from records.process.held import HeldCounts
from records.process.index import SET_SHARDS, OpenStep, StepIndex, month_of
from records.process.seed import seed_processes
from records.catalog import Catalog
from records.resources.dossiers import RATING_LEVELS
from records.resources.files import SignatureCheck
from records.resources.outbox import Outbox
from records.resources.submissions import Submissions
from records.resources.readingqueue import ReadingQueue
from records.spread import SHARDS, ShardedQueue, SpreadSet, SpreadTree
from records.seed import load_json

log = logging.getLogger(__name__)


def _noop(portal):
    """Generation 1: the initial schema."""


def _citizens(portal):
    """Generation 2: public download log per dossier, rating counters, result status stamps."""
    dossiers = portal.dossiers
    if not hasattr(dossiers, "ratings"):
        dossiers.ratings = OOBTree({level: Length() for level in RATING_LEVELS})
    for dossier in dossiers.values():
        if not hasattr(dossier, "downloads"):
            dossier.downloads = PersistentList()
        if dossier.rating is not None:
            dossiers.ratings[dossier.rating["level"]].change(1)
        for result in dossier.results:
            for name in ("status_at", "status_by"):
                if not hasattr(result, name):
                    setattr(result, name, None)


def _search_outbox_and_applicants(portal):
    """Generation 3: the search outbox, the applicant index, the dashboard counters;
    every existing dossier is queued for indexing."""
    if not hasattr(portal, "outbox"):
        portal.outbox = Outbox()
    if not hasattr(portal, "counters"):
        portal.counters = OOBTree()
    if not hasattr(portal, "applicants"):
        portal.applicants = OOBTree()
        for code, dossier in portal.dossiers.items():
            portal.note_applicant(dossier.applicant.get("id_number"), code)
    for dossier in portal.dossiers.values():
        portal.outbox.add(dossier.code)


def _archive(portal):
    """Generation 4: the archivists' state (fixity runs, dispositions, download audit)."""
    if not hasattr(portal, "archive"):
        portal.archive = Archive()


def _one_place(portal):
    """Generation 5: form tokens kept a day (Submissions) instead of for ever; write-only
    state dropped: the rating counters, the portal's counters, ``original_due_at``,
    ``reuse_count``."""
    old = portal.submissions
    if not isinstance(old, Submissions):
        portal.submissions = Submissions()
        now = clock.now()
        for token, code in old.items():
            portal.submissions.add(token, code, now)
    for name, owner in (("ratings", portal.dossiers), ("counters", portal)):
        if name in owner.__dict__:
            delattr(owner, name)
    for dossier in portal.dossiers.values():
        for name in ("original_due_at", "reuse_count"):  # reuses: read from the history
            if name in dossier.__dict__:
                delattr(dossier, name)


def _signature_checks(portal):
    """Generation 6: every file version gets its (unchecked) signature status; `records
    check-signatures` checks the PDFs among them."""
    for version in portal.files.values():
        if getattr(version, "signatures", None) is None:
            version.signatures = SignatureCheck()


def _holds_and_audit_trail(portal):
    """Legal holds, fixity failures kept until acknowledged, and the audit trail."""
    archive = portal.archive
    for name in ("holds", "lifted_holds", "fixity_failures"):
        if not hasattr(archive, name):
            setattr(archive, name, OOBTree())
    if not hasattr(portal, "audit"):
        portal.audit = AuditLog()


def _backlog_ingest(portal):
    """The paper archive references already ingested (``records ingest`` resumes)."""
    if not hasattr(portal, "ingested"):
        portal.ingested = OOBTree()


def _processes(portal):
    """Generation 9: the process book, the dossiers' runs and the per-step indexes; the seed
    processes for the procedures already there."""
    if not hasattr(portal, "processes"):
        portal.processes = ProcessBook()
    if not hasattr(portal, "process_runs"):
        portal.process_runs = OOBTree()
    if not hasattr(portal, "process_index"):
        portal.process_index = StepIndex()
    seed_processes(portal, clock.now())


def _reading_queue(portal):
    """Generation 10: the queue of files to be read; files still queued join it now, so a
    lost send from before the upgrade is re-sent too (records.requeue)."""
    if not hasattr(portal, "reading_queue"):
        portal.reading_queue = ReadingQueue()
        now = time.time()
        for file_id, version in portal.files.items():
            if version.reading.state == "queued":
                portal.reading_queue.note(file_id, now)


def _catalog(portal):
    """Generation 11: the dossier catalog (records.catalog), built from every dossier once."""
    if not hasattr(portal, "catalog"):
        portal.catalog = Catalog()
    for dossier in portal.dossiers.values():
        portal.catalog.index(dossier)


def _unit_reuse_policy(portal):
    """Generation 12: each unit's reuse policy (records.results.reuse), from units.json where
    the data file names one, else the default."""
    named = {u["identifier"]: u.get("reuse") for u in load_json("units.json")["units"]}
    for identifier, unit in portal.units.items():
        if not hasattr(unit, "reuse"):
            unit.reuse = named.get(identifier) or "identity"


def _user_sessions(portal):
    """Generation 13: server-side sessions per user (records.sessions). Sessions from before
    (signed cookies only) are not listed, so they end: everyone logs in again once."""
    for user in portal.users.values():
        if not hasattr(user, "sessions"):
            user.sessions = OOBTree()


def _monthly_closes(portal):
    """Generation 14: the codes behind the monthly counters and the months' closing pending
    split. Months before this step keep their counters but neither their lists nor their
    pending split (not recorded then); from this month on both are kept."""
    index = portal.process_index
    for name in ("monthly_codes", "closes"):
        if not hasattr(index, name):
            setattr(index, name, OOBTree())
    if not hasattr(index, "closed_months"):
        index.closed_months = OOTreeSet()
    if not hasattr(index, "last_month"):
        index.last_month = month_of(clock.now())


def _archive_indexes(portal):
    """Generation 15: the catalog's archive indexes (records by closing year and date, kept
    records by procedure for retention, reuse by reference), filled from the catalog's
    entries; the dossiers whose entries gained a value (disposed of, or reusing a file by
    reference: a reuse is in the entry already) are reindexed, no other is read."""
    catalog = portal.catalog
    if not hasattr(catalog, "recorded"):
        catalog.add_archive_indexes()
        catalog.fill_archive_indexes()
    codes = set(portal.archive.disposed.keys())
    codes.update(code for code, entry in catalog.entries.items() if entry.reuses)
    for code in sorted(codes):
        dossier = portal.dossiers.get(code)
        if dossier is not None:
            catalog.index(dossier)


def _issuer_names(portal):
    """Generation 16: the centre's own issuer vocabulary (officers' corrections of the issuer
    field; see Portal.learn_issuer), starting with the issuers already corrected."""
    if not hasattr(portal, "issuer_names"):
        portal.issuer_names = OOBTree()
    for version in portal.files.values():
        reading = getattr(version, "reading", None)
        for correction in getattr(reading, "corrections", ()) or ():
            if correction["field"] == "issuer":
                portal.learn_issuer(correction["value"])


def _conflict_free_queues(portal):
    """Generation 17: the structures every intake writes no longer conflict on commit
    (records.spread): the search outbox, the audit trail's pending entries and
    the reading queue become sharded queues; the process index's open steps, due moments,
    pending dossiers, unit and officer queues and monthly code sets, the form tokens by time,
    the file ids and the dossiers folder are spread over shards.
    The day's dossier numbers are taken outside the store from now on (records.numbering);
    the store's old counters stay, unused (a code already in the store is never reissued)."""
    outbox = portal.outbox
    if hasattr(outbox, "entries"):
        old = outbox.entries
        outbox.queue = ShardedQueue()
        for key, stamp in old.items():
            outbox.queue.put((key, stamp), key)
        del outbox.entries
    log = getattr(portal, "audit", None)
    if log is not None and not isinstance(log.pending, ShardedQueue):
        old, log.pending = log.pending, ShardedQueue()
        for (token, stamp), text in old.items():
            log.pending.put((stamp, token, text), token)
    queue = portal.reading_queue
    if hasattr(queue, "since"):
        old = queue.since
        queue.queue = ShardedQueue()
        for file_id, (at, _) in old.items():
            queue.queue.put((at, file_id), file_id)
        del queue.since, queue.entries
    # NB: every file id and dossier code of the store is moved once (references only)
    if not isinstance(portal.files, SpreadTree):
        portal.files = SpreadTree(items=portal.files)
    dossiers = portal.dossiers
    if not isinstance(dossiers.data, SpreadTree):
        dossiers.data = SpreadTree(items=dossiers.data)
    submissions = portal.submissions
    for name in ("codes", "by_time"):
        if not isinstance(getattr(submissions, name), SpreadTree):
            setattr(submissions, name, SpreadTree(items=getattr(submissions, name)))
    index = portal.process_index
    for name in ("open", "by_due", "pending"):
        tree = getattr(index, name)
        if not isinstance(tree, SpreadTree):
            items = tree.items()
            if name == "open":
                items = ((code, OpenStep(entry)) for code, entry in items)
            setattr(index, name, SpreadTree(items=items))
    for name, shards in (("queues", None), ("mine", None), ("monthly_codes", SET_SHARDS)):
        tree = getattr(index, name)
        for key, codes in list(tree.items()):
            if not isinstance(codes, SpreadSet):
                tree[key] = SpreadSet(shards or SHARDS, keys=codes)


def _dashboard_counters(portal):
    """Generation 18: the catalog's dashboard tallies (figures per month and unit pair, open
    dossiers per state, unit pair and due month), counted from the catalog's entries."""
    catalog = portal.catalog
    if catalog.period_tallies is None:
        catalog.add_counters()
        catalog.fill_counters()


def _state_unit_index(portal):
    """Generation 19: the catalog's codes and counts by (state, unit), from its entries."""
    catalog = portal.catalog
    if catalog.by_state_unit is None:
        catalog.add_state_units()
        catalog.fill_state_units()


def _spread_catalog(portal):
    """Generation 20: the catalog's trees every intake inserts into (entries, received
    order, due dates, code tails) are spread over shards, as the queues of generation 17
    (references only: the entries are moved, not rewritten)."""
    portal.catalog.spread_hot_trees()


def _year_unit_counts(portal):
    """Generation 21: the records' counts by (year closed, unit), from the catalog's
    entries: the archive's records of a year are counted without a walk (the codes by
    year closed, which they replace, are dropped)."""
    catalog = portal.catalog
    if catalog.year_unit_counts is None:
        catalog.add_year_units()
        catalog.fill_year_units()
    # NB: the year's codes (by_year) are no longer read: a year is a range of the closing
    # order now, so that index is dropped rather than kept up to date for nothing.
    if "by_year" in catalog.__dict__:
        del catalog.by_year


def _spread_code_sets(portal):
    """Generation 22: the catalog's code sets by state, unit, procedure, name word and
    (state, unit) are spread over shards, as its hot trees in generation 20 (same codes,
    same order); so are the applicants' code sets and the dossiers' process runs, which
    every intake adds to (the last trees an intake walked without changing them, each
    node walked locked "to read current" at commit: see records.store)."""
    portal.catalog.spread_code_sets()
    for name in ("applicants", "process_runs"):
        tree = getattr(portal, name)
        if not isinstance(tree, SpreadTree):
            setattr(portal, name, SpreadTree(items=tree))


def _held_counts(portal):
    """Generation 23: the open dossiers counted by (field, due date), and each closed month's
    counts by (field, split) (records.process.held), from the pending dossiers and the
    months' code sets: the national report no longer reads either."""
    index = portal.process_index
    index.held = held = HeldCounts()
    for _code, pending in index.pending.items():
        held.move(None, pending)
    for (month, field, split), codes in index.closes.items():
        held.write_close(month, {(field, split): len(codes)})


def _held_totals(portal):
    """Generation 24: each field's open dossiers counted in all (records.process.held), so
    that the split of the open dossiers sums only the due days from the bound on."""
    portal.process_index.held.count_totals()


STEPS = (
    ("initial", _noop),
    ("citizens", _citizens),
    ("search-outbox-and-applicants", _search_outbox_and_applicants),
    ("archive", _archive),
    ("one-place", _one_place),
    ("signature-checks", _signature_checks),
    ("holds-and-audit-trail", _holds_and_audit_trail),
    ("backlog-ingest", _backlog_ingest),
    ("processes", _processes),
    ("reading-queue", _reading_queue),
    ("catalog", _catalog),
    ("unit-reuse-policy", _unit_reuse_policy),
    ("user-sessions", _user_sessions),
    ("monthly-closes", _monthly_closes),
    ("archive-indexes", _archive_indexes),
    ("issuer-names", _issuer_names),
    ("conflict-free-queues", _conflict_free_queues),
    ("dashboard-counters", _dashboard_counters),
    ("state-unit-index", _state_unit_index),
    ("spread-catalog", _spread_catalog),
    ("year-unit-counts", _year_unit_counts),
    ("spread-code-sets", _spread_code_sets),
    ("held-counts", _held_counts),
    ("held-totals", _held_totals),
)


def evolve(portal):
    """Run the steps the portal has not run yet; return how many ran."""
    ran = 0
    current = getattr(portal, "generation", 0)
    for number, (name, step) in enumerate(STEPS, start=1):
        if number > current:
            log.info("evolve: step %d %s", number, name)
            step(portal)
            portal.generation = number
            ran += 1
    return ran
