"""The search outbox: what changed, recorded in the same transaction as the change.

A worker delivers the entries to the search index and removes each one only if it did not
change meanwhile; while the index is down the entries simply wait. Nothing is lost in a
crash: an entry is committed with the change, or neither is.
"""
import time

from BTrees.OOBTree import OOBTree
from persistent import Persistent


class Outbox(Persistent):
    """Keys (dossier codes) mapped to a change stamp; re-adding a key renews its stamp.

    NB: the BTree resolves concurrent adds of different keys; two transactions touching
    the same dossier conflict anyway on the dossier itself.
    """

    def __init__(self):
        self.entries = OOBTree()

    def add(self, key):
        self.entries[key] = time.time_ns()
        self._v_added = True  # per connection, not stored: "this transaction queued work"

    def take_added(self):
        """True once after :meth:`add` was called through this connection's copy."""
        added = getattr(self, "_v_added", False)
        self._v_added = False
        return added

    def batch(self, size):
        """Up to ``size`` ``(key, stamp)`` pairs, oldest keys first by name (stable)."""
        out = []
        for item in self.entries.items():
            out.append(item)
            if len(out) >= size:
                break
        return out

    def done(self, delivered):
        """Remove delivered ``(key, stamp)`` pairs whose stamp did not change since."""
        removed = 0
        for key, stamp in delivered:
            if self.entries.get(key) == stamp:
                del self.entries[key]
                removed += 1
        return removed

    def __len__(self):
        return len(self.entries)
