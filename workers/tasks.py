"""Thin Celery task wrappers: ids in, the pipeline does the work.

Pages of one file are read as separate tasks so that the worker processes share them.
"""
import logging

from celery import shared_task

from records import clock
from records.i18n import _
from records.archive import fixity
from records.audit import seal
from records.jobs import (CHECK_SIGNATURES, CLOSE_MONTH, DELIVER_INDEX, FINISH_FILE,
                          FIXITY_SLICE, READ_FILE, READ_PAGE, REQUEUE_READING, SEAL_AUDIT)
from records.requeue import requeue_after, sweep
from records.search.interfaces import SearchUnavailable

from . import indexing, pipeline, signatures, storage
from .reading import ReadError

log = logging.getLogger(__name__)



def _settings(task):
    return task.app.conf.records_settings


def _guard(task, file_id, step):
    """Run ``step()``; turn a failure into a visible reason on the file, never a crash."""
    settings = _settings(task)
    try:
        return step()
    except pipeline.Gone:
        log.info("file %s is gone; nothing to read", file_id)
    except ReadError as e:
        pipeline.fail(settings, file_id, e.message)
    except Exception:
        log.exception("reading file %s failed", file_id)
        pipeline.fail(settings, file_id, _("the file could not be read because of an "
                                           "internal error; it can be retried"))
    return None


@shared_task(name=READ_FILE, bind=True, acks_late=True)
def read_file(self, file_id):
    settings = _settings(self)

    def run():
        self.app.send_task(CHECK_SIGNATURES, args=[file_id])  # NB: beside the reading
        started = pipeline.begin(settings, file_id)
        if started is None:
            return
        path, left = started
        # NB: pages with a good text layer cost milliseconds: read them here, in one
        # transaction; from the first page that needs OCR on, share the pages out, all
        # but the first, which this task OCRs once the others are sent (a one-page scan
        # costs no second task).
        pages, rest = pipeline.read_leading(settings, path, left)
        for number in rest[1:]:
            self.app.send_task(READ_PAGE, args=[file_id, number])
        if rest:
            if pages:
                pipeline.store(settings, file_id, pages)
            pages = [pipeline.read_one(settings, path, rest[0])]
        if pipeline.store(settings, file_id, pages) and pipeline.finish(settings, file_id):
            self.app.send_task(DELIVER_INDEX)
    _guard(self, file_id, run)


@shared_task(name=READ_PAGE, bind=True, acks_late=True)
def read_page(self, file_id, number):
    settings = _settings(self)

    def run():
        if pipeline.page(settings, file_id, number):
            self.app.send_task(FINISH_FILE, args=[file_id])
    _guard(self, file_id, run)


@shared_task(name=FINISH_FILE, bind=True, acks_late=True)
def finish_file(self, file_id):
    if _guard(self, file_id, lambda: pipeline.finish(_settings(self), file_id)):
        self.app.send_task(DELIVER_INDEX)


@shared_task(name=DELIVER_INDEX, bind=True, acks_late=True, max_retries=None)
def deliver_index(self):
    """Drain the search outbox; while the index is down, try again later (nothing lost)."""
    try:
        indexing.deliver(_settings(self))
    except SearchUnavailable as e:
        delay = min(60, 2 ** min(self.request.retries, 6))
        log.warning("search index unavailable (%s); retrying in %ss", e, delay)
        raise self.retry(countdown=delay) from None


@shared_task(name=CHECK_SIGNATURES, bind=True, acks_late=True)
def check_signatures(self, file_id):
    """The digital signatures of a received PDF (records.signing): derived data beside it."""
    try:
        signatures.check(_settings(self), file_id)
    except pipeline.Gone:
        log.info("file %s is gone; no signatures to check", file_id)


@shared_task(name=FIXITY_SLICE, bind=True, acks_late=True)
def fixity_slice(self):
    """One slice of the fixity cycle; failures are kept for the archivists, never repaired."""
    settings = _settings(self)
    record = fixity.scheduled(storage.database(settings), settings)
    if record["failures"]:
        # NB: file ids and problems only: no file name (it may carry a citizen's name)
        log.warning("fixity: %d of %d files failed: %s", len(record["failures"]),
                    record["checked"], ", ".join(f"{f['file_id']} {f['problem']}"
                                                 for f in record["failures"]))


@shared_task(name=SEAL_AUDIT, bind=True, acks_late=True)
def seal_audit(self):
    """Chain the audit entries appended since the last seal."""
    storage.write(_settings(self), lambda portal, txn: seal(portal.audit))


@shared_task(name=CLOSE_MONTH, bind=True, acks_late=True)
def close_month(self):
    """The periodic close of the months over (records.process.index): the open dossiers
    written down as the last month closed them; nothing (a read) when that is done."""
    closed = storage.write(_settings(self), lambda portal, txn:
                           portal.process_index.close_months(clock.now()))
    if closed:
        log.info("closed months %s", ", ".join(closed))
    return closed


@shared_task(name=REQUEUE_READING, bind=True, acks_late=True)
def requeue_reading(self):
    """The periodic sweep (Celery beat): re-send reading of files left queued."""
    settings = _settings(self)
    lost = storage.write(settings, lambda portal, txn: sweep(
        portal, txn, self.app, requeue_after(settings)))
    if lost:
        log.warning("re-sent reading of %d files left queued", len(lost))
    return len(lost)
