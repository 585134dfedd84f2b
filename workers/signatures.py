"""Checking the digital signatures of one stored PDF version: the bytes are read in one
short transaction, verified outside any (1-2 s for a heavily signed file), and the report
written in another, beside the version (``version.signatures``); the bytes never change.
Running it twice records the same report twice."""
from records import clock
from records.archive.records import file_disposed
from records.signing.keys import load_config
from records.signing.status import PDF, check_bytes

from . import storage
from .pipeline import Gone


def _version(portal, file_id):
    version = portal.files.get(file_id)
    if version is None or file_disposed(portal, file_id):
        raise Gone(file_id)
    return version


def check(settings, file_id):
    """Verify and record; returns the report (None for a non-PDF or unreadable file)."""
    def fetch(portal):
        version = _version(portal, file_id)
        if version.media_type != PDF or version.signatures is None:
            return None
        with version.open() as f:
            return f.read()
    data = storage.read(settings, fetch)
    if data is None:
        return None
    outcome = check_bytes(data, load_config(settings))

    def store(portal, txn):
        outcome.record_on(_version(portal, file_id).signatures, clock.now())
    storage.write(settings, store)
    return outcome.report
