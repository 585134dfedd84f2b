"""Schema changes as named, ordered evolve steps.

Each step takes the portal and brings it one generation forward. A new or renamed
persistent attribute gets a step here and a test on an in-memory database.
"""
import logging
import time

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent.list import PersistentList

from records.archive.records import Archive
from records.catalog import Catalog
from records.resources.dossiers import RATING_LEVELS
from records.resources.outbox import Outbox
from records.resources.readingqueue import ReadingQueue

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


def _reading_queue(portal):
    """Generation 5: the queue of files to be read; files still queued join it now, so a
    lost send from before the upgrade is re-sent too (records.requeue)."""
    if not hasattr(portal, "reading_queue"):
        portal.reading_queue = ReadingQueue()
        now = time.time()
        for file_id, version in portal.files.items():
            if version.reading.state == "queued":
                portal.reading_queue.note(file_id, now)


def _catalog(portal):
    """Generation 6: the dossier catalog (records.catalog), built from every dossier once."""
    if not hasattr(portal, "catalog"):
        portal.catalog = Catalog()
    for dossier in portal.dossiers.values():
        portal.catalog.index(dossier)


STEPS = (
    ("initial", _noop),
    ("citizens", _citizens),
    ("search-outbox-and-applicants", _search_outbox_and_applicants),
    ("archive", _archive),
    ("reading-queue", _reading_queue),
    ("catalog", _catalog),
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
