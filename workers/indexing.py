"""Delivering the search outbox to the index.

Entries are read in a short transaction, their documents built from the same snapshot and
written to the index; then each entry is removed in a second short transaction unless it
changed meanwhile (that change is delivered by the next round). While the index is down,
:class:`SearchUnavailable` propagates and the entries stay, settled into the outbox's
backlog (as they are when many wait), so that the requests' changes cost no more for them.
"""
import logging

from records.archive.records import is_disposed
from records.search import documents
from records.search.interfaces import SearchUnavailable
from records.search.factory import backend_from_settings

from . import storage

log = logging.getLogger(__name__)
BATCH = 100
_backends = {}


def backend(settings):
    """The process's search backend (built once per process, from the settings)."""
    key = (settings.get("search.backend"), settings.get("search.url"),
           settings.get("search.path"))
    if key not in _backends:
        _backends[key] = backend_from_settings(settings)
        _backends[key].ensure_index()
    return _backends[key]


def deliver(settings, index=None, batch=BATCH, progress=None):
    """Deliver every outbox entry; returns the number of dossiers delivered."""
    storage.write(settings, lambda portal, txn: portal.outbox.settle())
    try:
        return _deliver(settings, index or backend(settings), batch, progress)
    except SearchUnavailable:
        storage.write(settings, lambda portal, txn: portal.outbox.settle(always=True))
        raise


def _deliver(settings, index, batch, progress):
    delivered = 0
    while True:
        def take(portal):
            entries = portal.outbox.batch(batch)
            docs, gone = [], []
            for code, _ in entries:
                dossier = portal.dossiers.get(code)
                if dossier is None:
                    gone.append(documents.dossier_id(code))
                elif is_disposed(portal, code):
                    gone.extend(documents.ids_of(dossier))
                else:
                    docs.extend(documents.documents_of(portal, dossier))
            return entries, docs, gone
        entries, docs, gone = storage.read(settings, take)
        if not entries:
            return delivered
        index.index_many(docs)
        if gone:
            index.delete_many(gone)
        storage.write(settings, lambda portal, txn: portal.outbox.done(entries))
        delivered += len(entries)
        if progress is not None:
            progress(len(entries))
        if len(entries) < batch:
            return delivered
