"""The search outbox: what changed, recorded in the same transaction as the change.

A worker delivers the entries to the search index and removes the ones it delivered; while
the index is down the entries simply wait, settled into the queue's backlog so that a change
costs no more for them (records.spread). Nothing is lost in a crash: an entry is committed
with the change, or neither is.
"""
import time

from persistent import Persistent

from records.spread import ShardedQueue


class Outbox(Persistent):
    """``(key, stamp)`` entries (a dossier code, ``time.time_ns()`` when it changed).

    NB: every change appends an entry and the worker removes the delivered ones, in a
    :class:`ShardedQueue`, whose queues merge concurrent appends and removals: a request
    never conflicts here with another request nor with the worker (the old BTree keyed by
    code did both: its one bucket split as codes grew, and the worker emptied it). A key
    changed twice before delivery has two entries; :meth:`batch` gives it once.
    """

    def __init__(self):
        self.queue = ShardedQueue()

    def add(self, key):
        self.queue.put((key, time.time_ns()), key)
        self._v_added = True  # per connection, not stored: "this transaction queued work"

    def take_added(self):
        """True once after :meth:`add` was called through this connection's copy."""
        added = getattr(self, "_v_added", False)
        self._v_added = False
        return added

    SETTLE_AT = 2000  # NB: entries put since the last settle before a delivery settles them

    def settle(self, always=False):
        """Move the entries put since the last time into the backlog (the worker's step:
        while the index is down, and when many wait); returns how many moved."""
        if not always and self.queue.inbox_len() < self.SETTLE_AT:
            return 0
        return self.queue.settle(key=_key)

    def batch(self, size):
        """Up to ``size`` ``(key, stamp)`` pairs, one per key with its newest stamp, the
        keys waiting longest first."""
        newest = {}
        for key, stamp in sorted(self.queue, key=lambda item: item[1]):
            if key in newest or len(newest) < size:
                newest[key] = stamp
        return list(newest.items())

    def done(self, delivered):
        """Remove the entries of the delivered ``(key, stamp)`` pairs up to that stamp (a
        change after it stays, for the next delivery); returns how many keys were done."""
        removed = 0
        for key, stamp in delivered:
            items = [item for item in self.queue.of_key(key)
                     if item[0] == key and item[1] <= stamp]
            if items:
                self.queue.take(items, key=_key)
                removed += 1
        return removed

    def keys(self):
        """The keys waiting (a set)."""
        return {key for key, _ in self.queue}

    def __contains__(self, key):
        return any(item[0] == key for item in self.queue.of_key(key))

    def __len__(self):
        """The keys waiting (each counted once)."""
        return len(self.keys())


def _key(item):
    return item[0]
