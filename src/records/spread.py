"""Structures that many transactions write at once without conflicting on commit.

ZODB resolves concurrent changes to one BTree bucket only while they touch different keys,
the bucket neither splits nor empties, and its first key stays. Two shapes of write break
that in this portal, and each has its structure here:

- **Producers and a consumer** (the search outbox, the audit trail's pending entries, the
  reading queue): every request appends, a worker removes what it handled. A BTree bucket
  that the worker empties, or whose first key it deletes, conflicts with every request
  that appended to it meanwhile. :class:`ShardedQueue` keeps the items in a fixed set of
  ``zc.queue`` queues, whose own conflict resolution merges any mix of concurrent puts and
  pulls of different items (two pulls of one item conflict: that is two workers doing the
  same work, and one retries).
- **Keys that grow with time** (dossier codes, due dates): every new one lands at the end
  of the same last bucket, and each split of that bucket conflicts with every transaction
  in flight. :class:`SpreadTree` and :class:`SpreadSet` spread the keys over a fixed set of
  BTrees by a hash of the key, so concurrent writers meet in one bucket, and a split hurts
  them, only ``1/shards`` as often; reads merge the shards back in key order.

NB: the shards are made once, with the structure, and never replaced, so the structure's
own record is never rewritten and cannot conflict. Plain persistent classes: no web,
queue or search imports.
"""
import heapq
import operator
import zlib

from BTrees.OOBTree import OOBTree, OOTreeSet
from BTrees.OOBTree import intersection as _intersection, union as _union
from persistent import Persistent
from zc.queue import Queue

SHARDS = 16
_MISSING = object()


def shard_of(key, count):
    """The shard (0 … count - 1) of ``key``: a stable hash, the same in every process."""
    return zlib.crc32(repr(key).encode("utf-8")) % count


class ShardedQueue(Persistent):
    """Items (hashable, picklable, unique: a time stamp in each makes them so) put by many
    transactions and taken by a worker; see the module docstring.

    NB: not ``zc.queue.CompositeQueue``: its buckets refuse to merge when one transaction
    empties a bucket that another appended to, which is what a worker that keeps up with
    the requests does all the time. Its plain ``Queue`` merges that case; a fixed number of
    them keeps each one's record small (every put rewrites its queue's tuple).
    """

    def __init__(self, shards=SHARDS):
        self.shards = tuple(Queue() for _ in range(shards))

    def put(self, item, key):
        """Append ``item`` to the shard of ``key`` (items of one key stay in put order)."""
        self.shards[shard_of(key, len(self.shards))].put(item)

    def __iter__(self):
        for shard in self.shards:
            yield from shard

    def of_key(self, key):
        """The items put under ``key`` (only its shard is read)."""
        return list(self.shards[shard_of(key, len(self.shards))])

    def take(self, items, key=None):
        """Remove ``items`` (those still queued; ``key(item)`` names the shard of each, as
        given to :meth:`put`); returns how many were removed."""
        wanted = {}
        for item in items:
            at = shard_of(key(item), len(self.shards)) if key else None
            wanted.setdefault(at, set()).add(item)
        removed = 0
        for at, chosen in wanted.items():
            for shard in (self.shards if at is None else (self.shards[at],)):
                positions = [i for i, item in enumerate(shard) if item in chosen]
                for i in reversed(positions):
                    shard.pull(i)
                removed += len(positions)
        return removed

    def __len__(self):
        return sum(len(shard) for shard in self.shards)

    def __bool__(self):
        return any(len(shard) for shard in self.shards)


def _bounds(min, max, excludemin, excludemax):
    # NB: a BTree drops its last key for ``excludemax`` with no ``max`` (its first for
    # ``excludemin`` with no ``min``): each shard would drop one
    return min, max, bool(excludemin and min is not None), bool(excludemax and max is not None)


class SpreadTree(Persistent):
    """A mapping with the reads of an ``OOBTree`` (``get``, ``items`` and ``keys`` with
    ``min``/``max``, in key order), its keys spread over fixed shards (module docstring).

    NB: ``len()`` reads every shard's buckets, as a BTree's does: keep a ``Length`` where
    a count is asked often."""

    def __init__(self, shards=SHARDS, items=()):
        self.shards = tuple(OOBTree() for _ in range(shards))
        for key, value in (items.items() if hasattr(items, "items") else items):
            self[key] = value

    def _shard(self, key):
        return self.shards[shard_of(key, len(self.shards))]

    def __getitem__(self, key):
        return self._shard(key)[key]

    def get(self, key, default=None):
        return self._shard(key).get(key, default)

    def __setitem__(self, key, value):
        self._shard(key)[key] = value

    def __delitem__(self, key):
        del self._shard(key)[key]

    def pop(self, key, default=_MISSING):
        if default is _MISSING:
            return self._shard(key).pop(key)
        return self._shard(key).pop(key, default)

    def __contains__(self, key):
        return key in self._shard(key)

    def items(self, min=None, max=None, excludemin=False, excludemax=False):
        bounds = _bounds(min, max, excludemin, excludemax)
        return heapq.merge(*(s.items(*bounds) for s in self.shards),
                           key=operator.itemgetter(0))

    def keys(self, min=None, max=None, excludemin=False, excludemax=False):
        bounds = _bounds(min, max, excludemin, excludemax)
        return heapq.merge(*(s.keys(*bounds) for s in self.shards))

    def values(self, min=None, max=None, excludemin=False, excludemax=False):
        return (value for _, value in self.items(min, max, excludemin, excludemax))

    __iter__ = keys

    def __len__(self):
        return sum(len(s) for s in self.shards)

    def __bool__(self):
        return any(s for s in self.shards)


class SpreadSet(Persistent):
    """A set with the reads of an ``OOTreeSet`` (iteration in key order), its keys spread
    over fixed shards (module docstring)."""

    def __init__(self, shards=SHARDS, keys=()):
        self.shards = tuple(OOTreeSet() for _ in range(shards))
        for key in keys:
            self.add(key)

    @classmethod
    def of_shards(cls, shards):
        """A set (never stored) over ``shards``, BTree sets whose keys are already in their
        shard: what :func:`intersection` and :func:`union` answer."""
        spread = cls.__new__(cls)
        spread.shards = tuple(shards)
        return spread

    def _shard(self, key):
        return self.shards[shard_of(key, len(self.shards))]

    def add(self, key):
        return self._shard(key).add(key)

    insert = add

    def remove(self, key):
        self._shard(key).remove(key)

    def discard(self, key):
        shard = self._shard(key)
        if key in shard:
            shard.remove(key)

    def __contains__(self, key):
        return key in self._shard(key)

    def __iter__(self):
        return heapq.merge(*self.shards)

    keys = __iter__

    def __len__(self):
        return sum(len(s) for s in self.shards)

    def __bool__(self):
        return any(s for s in self.shards)


def _same_shape(a, b):
    return isinstance(a, SpreadSet) and isinstance(b, SpreadSet) and \
        len(a.shards) == len(b.shards)


def intersection(a, b):
    """``a`` ∩ ``b`` for SpreadSets and BTree sets, None meaning "no limit" (as
    ``BTrees.OOBTree.intersection``). Shard by shard, in C, where one is a SpreadSet: a
    shard's part of the answer is in that shard, so the answer is a SpreadSet too."""
    if a is None or b is None:
        return b if a is None else a
    if isinstance(b, SpreadSet) and not isinstance(a, SpreadSet):
        a, b = b, a
    if not isinstance(a, SpreadSet):
        return _intersection(a, b)
    if _same_shape(a, b):
        return SpreadSet.of_shards(_intersection(x, y) for x, y in zip(a.shards, b.shards))
    if isinstance(b, SpreadSet):
        b = OOTreeSet(b)
    return SpreadSet.of_shards(_intersection(x, b) for x in a.shards)


def union(a, b):
    """``a`` ∪ ``b`` for SpreadSets and BTree sets (None: the other one), as
    ``BTrees.OOBTree.union``; two SpreadSets of one shape are joined shard by shard."""
    if a is None or b is None:
        return b if a is None else a
    if _same_shape(a, b):
        return SpreadSet.of_shards(_union(x, y) for x, y in zip(a.shards, b.shards))
    # NB: a set of another shape would put keys in shards not theirs: one plain set then
    return _union(*(OOTreeSet(s) if isinstance(s, SpreadSet) else s for s in (a, b)))
