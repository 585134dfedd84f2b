"""Reading one file version, step by step, with the store around the pure reading code.

    begin(file_id)        count the pages, mark running, say which pages are left
    page(file_id, n)      OCR / text layer of one page (outside any transaction), then store it
    finish(file_id)       fields over all pages, the searchable PDF for scans, mark done

Each step re-fetches the version by id and does nothing when it is gone or already done,
so running a step twice changes nothing twice.
"""
import logging
import os
import shutil
import tempfile

from records import clock
from records.i18n import _
from records.archive.records import file_disposed
from records.resources.files import FileVersion
from records.settings import max_pages

from . import storage
from .reading import (ReadError, count_pages, extract_fields, make_searchable_pdf, opened,
                      read_opened_page, read_page)

log = logging.getLogger(__name__)

READABLE = ("application/pdf", "image/jpeg", "image/png", "image/tiff")


class Gone(Exception):
    """The file version no longer exists (or was never readable): skip quietly."""


def _version(portal, file_id):
    version = portal.files.get(file_id)
    if version is None or file_disposed(portal, file_id):
        raise Gone(file_id)
    return version


def fail(settings, file_id, reason):
    """Mark the reading failed with a reason a person understands (the bytes stay): a
    translation string (records.i18n), stored in English and translatable for pages."""
    def mark(portal, txn):
        reading = _version(portal, file_id).reading
        if reading.state != "done":
            reading.state = "failed"
            reading.set_reason(reason)
            reading.updated_at = clock.now()
    storage.write(settings, mark)


def begin(settings, file_id):
    """Count pages and mark running. Returns (path, pages still to read) or None when done."""
    def look(portal):
        version = _version(portal, file_id)
        return version.path(), version.media_type, version.reading.state
    path, media_type, state = storage.read(settings, look)
    if state == "done":
        return None
    if media_type not in READABLE:
        fail(settings, file_id, _("${type} files are kept but not read",
                                  mapping={"type": media_type}))
        return None
    try:
        total = count_pages(path, max_pages=max_pages(settings))
    except ReadError as e:
        fail(settings, file_id, e.message)
        return None

    def start(portal, txn):
        reading = _version(portal, file_id).reading
        if reading.state == "done":
            return None
        reading.state = "running"
        reading.set_reason(None)
        reading.pages_total = total
        reading.attempts += 1
        reading.updated_at = clock.now()
        return [n for n in range(1, total + 1) if n not in reading.pages]
    return path, storage.write(settings, start)


def page(settings, file_id, number, path=None):
    """Read page ``number`` and store it. Returns True when all pages are stored and the
    file awaits :func:`finish` (also on a re-run, so a crash between the two loses nothing).
    """
    if path is None:
        def look(portal):
            version = _version(portal, file_id)
            return version.path(), version.reading.state, number in version.reading.pages
        path, state, have = storage.read(settings, look)
        if state in ("done", "failed"):
            return False
        if have:
            return storage.read(settings, lambda portal: _complete(_version(portal, file_id)))
    # NB: the slow part, outside any transaction.
    return store(settings, file_id, [read_one(settings, path, number)])


def read_one(settings, path, number):
    """The page dict of one page (with its word boxes, for the searchable PDF)."""
    return read_page(path, number, max_pages=max_pages(settings), with_words=True)


def read_leading(settings, path, numbers):
    """Read pages in order while they have a good text layer (milliseconds each), the file
    opened once. Returns (page dicts read, numbers left): from the first page that needs
    OCR on, nothing is OCR'd here, so that all of them can be shared out at once; a
    born-digital file is read whole here, a scan is shared out page by page.

    NB: OCR'ing the first scanned page here before sending the others left every other
    worker idle for that page: a 20-page scan on 2 processes took 10.5 page-times, not 10.
    """
    done = []
    with opened(path, max_pages=max_pages(settings)) as source:
        for i, number in enumerate(numbers):
            page_dict = read_opened_page(source, number, with_words=True, ocr=False)
            if page_dict is None:
                return done, list(numbers[i:])
            done.append(page_dict)
    return done, []


def store(settings, file_id, pages):
    """Store page dicts in one short transaction; True when that completed the file."""
    def write(portal, txn):
        version = _version(portal, file_id)
        reading = version.reading
        if reading.state in ("done", "failed"):
            return False
        for result in pages:
            if result["number"] not in reading.pages:
                reading.pages[result["number"]] = result
                # NB: a plain counter on the Reading (no conflict resolution): two workers
                # storing at once conflict, the retry sees both, so exactly one of them
                # sees the file complete.
                reading.page_count += 1
        reading.updated_at = clock.now()
        return _complete(version)
    return storage.write(settings, write)


def _complete(version):
    reading = version.reading
    return reading.state == "running" and reading.page_count >= (reading.pages_total or 0)


def finish(settings, file_id):
    """Fields over all pages; a searchable PDF when any page was OCR'd; mark done."""
    def look(portal):
        version = _version(portal, file_id)
        reading = version.reading
        pages = [reading.pages[n] for n in sorted(reading.pages)]
        return (version.path(), version.filename, reading.state, pages, reading.pages_total,
                portal.known_issuers())
    path, filename, state, pages, total, known = storage.read(settings, look)
    if state in ("done", "failed") or len(pages) < (total or 0):
        return False
    # NB: the centre's own issuer names (officers' corrections) are matched too.
    fields = extract_fields(pages, known)
    scratch = tempfile.mkdtemp(prefix="records-read-")
    try:
        derived_path = None
        if any(p["source"] == "ocr" and p["text"] for p in pages):
            derived_path = os.path.join(scratch, "searchable.pdf")
            make_searchable_pdf(path, pages, derived_path)

        def done(portal, txn):
            version = _version(portal, file_id)
            reading = version.reading
            if reading.state in ("done", "failed"):
                return False
            reading.fields = fields
            if derived_path and reading.derived_pdf is None:
                derived = FileVersion(_derived_name(filename), "application/pdf", "ocr",
                                      clock.now(), unit_id=version.unit_id)
                with open(derived_path, "rb") as f:
                    derived.write_from(f)
                derived.derived_from = file_id
                derived.derivation = "searchable-pdf"
                derived.reading.state = "done"
                reading.derived_pdf = portal.register_file(derived)
            reading.state = "done"
            reading.set_reason(None)
            reading.updated_at = clock.now()
            owner = portal.dossiers.get(version.owner) if version.owner else None
            if owner is not None:
                owner.changed()  # its text is now searchable, and it may be digitized now
            return True
        return storage.write(settings, done)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _derived_name(filename):
    stem = filename.rsplit(".", 1)[0] if "." in filename else filename
    return f"{stem}.searchable.pdf"
