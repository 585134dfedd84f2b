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
  same work, and one retries). A put rewrites its queue's whole tuple, so what waits long
  (the index down for a day) is *settled* by the consumer into a backlog that only
  consumers write, and a put costs the same however much waits.
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

    Puts land in the *inbox*, a fixed set of ``zc.queue`` queues. :meth:`settle` (a
    consumer's step, never a request's) moves them into the *backlog*, a BTree of key → the
    key's items in put order: a put then rewrites only its inbox queue's few items, however
    many wait. Reads and :meth:`take` see both.

    NB: not ``zc.queue.CompositeQueue``: its buckets refuse to merge when one transaction
    empties a bucket that another appended to, which is what a worker that keeps up with
    the requests does all the time. Its plain ``Queue`` merges that case (on the states,
    whatever the operations); a fixed number of them keeps each one's record small. The
    backlog's buckets would not merge a request's append with a worker's removals, which
    is why requests never write it.
    """

    backlog = None  # NB: made by the first settle (by a consumer, so no request conflicts)

    def __init__(self, shards=SHARDS):
        self.shards = tuple(Queue() for _ in range(shards))

    def put(self, item, key):
        """Append ``item`` to the shard of ``key`` (items of one key stay in put order)."""
        self.shards[shard_of(key, len(self.shards))].put(item)

    def _settled(self):
        return self.backlog.values() if self.backlog is not None else ()

    def __iter__(self):
        for items in self._settled():
            yield from items
        for shard in self.shards:
            yield from shard

    def of_key(self, key):
        """The items put under ``key``, and others of its shard (only those are read)."""
        settled = self.backlog.get(key, ()) if self.backlog is not None else ()
        return list(settled) + list(self.shards[shard_of(key, len(self.shards))])

    def settle(self, key):
        """Move the inbox into the backlog (``key(item)``: the key each was put under);
        returns how many moved. A consumer's step: requests only put."""
        if self.backlog is None:
            self.backlog = OOBTree()
        moved = 0
        for shard in self.shards:
            items = tuple(shard)
            if not items:
                continue
            by_key = {}
            for item in items:
                by_key.setdefault(key(item), []).append(item)
            for k, group in by_key.items():
                self.backlog[k] = self.backlog.get(k, ()) + tuple(group)
            _keep(shard, ())
            moved += len(items)
        return moved

    def inbox_len(self):
        """The items put since the last :meth:`settle`."""
        return sum(len(shard) for shard in self.shards)

    def take(self, items, key=None):
        """Remove ``items`` (those still queued; ``key(item)`` names the key each was put
        under, which limits the search to its shard and backlog entry); returns how many
        were removed."""
        wanted = {}
        for item in items:
            wanted.setdefault(key(item) if key else None, set()).add(item)
        removed = 0
        for k, chosen in wanted.items():
            removed += self._take_settled(k, chosen)
            at = None if k is None else shard_of(k, len(self.shards))
            for shard in (self.shards if at is None else (self.shards[at],)):
                kept = tuple(item for item in shard if item not in chosen)
                if len(kept) < len(shard):
                    removed += len(shard) - len(kept)
                    _keep(shard, kept)
        return removed

    def _take_settled(self, k, chosen):
        if not self.backlog:
            return 0
        removed = 0
        for k in (list(self.backlog.keys()) if k is None else [k]):
            settled = self.backlog.get(k, ())
            kept = tuple(item for item in settled if item not in chosen)
            if len(kept) < len(settled):
                removed += len(settled) - len(kept)
                if kept:
                    self.backlog[k] = kept
                else:
                    del self.backlog[k]
        return removed

    def __len__(self):
        return sum(len(items) for items in self._settled()) + self.inbox_len()

    def __bool__(self):
        return bool(self.backlog) or any(len(shard) for shard in self.shards)


def _keep(shard, items):
    """Set a ``zc.queue.Queue``'s items at once (one tuple, where pulls one by one copy it
    once per item). NB: its conflict resolution merges states, not operations: this state
    merges with concurrent puts as the same pulls' would."""
    shard._data = tuple(items)


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
