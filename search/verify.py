"""Compare an index with the source of truth, and repair the drift.

The source of truth is an iterable of ``(id, version)`` for every object that should be
indexed (the object store knows them). A ``reindex --verify`` command runs :func:`verify`,
prints the :class:`Drift`, and with ``--repair`` calls :func:`repair`.
"""
import dataclasses


@dataclasses.dataclass(frozen=True)
class Drift:
    """Ids missing from the index, indexed with another version (stale), or not in the
    source at all (extra); each sorted."""
    missing: tuple = ()
    stale: tuple = ()
    extra: tuple = ()

    @property
    def clean(self):
        return not (self.missing or self.stale or self.extra)

    def summary(self):
        return (f"{len(self.missing)} missing, {len(self.stale)} stale, "
                f"{len(self.extra)} extra")


def verify(backend, truth):
    """The :class:`Drift` between ``backend`` and ``truth`` (iterable of (id, version))."""
    indexed = dict(backend.iter_versions())
    missing, stale = [], []
    for doc_id, version in truth:
        have = indexed.pop(doc_id, None)
        if have is None:
            missing.append(doc_id)
        elif have != version:
            stale.append(doc_id)
    return Drift(tuple(sorted(missing)), tuple(sorted(stale)), tuple(sorted(indexed)))


def repair(backend, drift, load):
    """Make the index match the source: index what is missing or stale, delete extras.

    ``load(ids)`` yields the current documents for those ids (ids whose object is gone
    may simply be skipped). Documents indexed with a *higher* version than the source are
    deleted first, as a version-guarded write would not replace them.
    """
    indexed = dict(backend.iter_versions()) if drift.stale else {}
    docs = list(load(list(drift.missing + drift.stale)))
    ahead = [doc["id"] for doc in docs if indexed.get(doc["id"], -1) > doc["version"]]
    backend.delete_many(list(drift.extra) + ahead)
    backend.index_many(docs)
    backend.refresh()
