"""Files waiting to be read, recorded in the same transaction that stores them.

A reading task is sent after commit; if that send is lost (broker down, broker restarted
without persistence, a crash between commit and send) the file would stay "queued" for
ever. The queue remembers when each file was queued, so a sweep (:mod:`records.requeue`)
finds those left queued past a timeout without reading every file of the store.
"""
from persistent import Persistent

from records.spread import ShardedQueue


class ReadingQueue(Persistent):
    """``(queued at, file id)`` items in a :class:`ShardedQueue` (by file id).

    NB: entries are not removed when a file is read (workers would all write here); the
    sweep drops the ones it finds read, so the queue holds only recent files. The queue
    merges an intake's note with the sweep's removals (a BTree keyed by time did not: every
    note landed in its last bucket, which the sweep emptied).
    """

    def __init__(self):
        self.queue = ShardedQueue()

    def note(self, file_id, at):
        """Remember ``file_id`` as queued at ``at`` (epoch seconds); re-noting moves it."""
        self.forget(file_id)
        self.queue.put((float(at), file_id), file_id)

    def settle(self):
        """Move what was noted since the last sweep into the backlog (the sweep's step: a
        note then costs the same however many files wait)."""
        return self.queue.settle(key=_key)

    def _items_of(self, file_id):
        return [item for item in self.queue.of_key(file_id) if item[1] == file_id]

    def forget(self, file_id):
        items = self._items_of(file_id)
        if items:
            self.queue.take(items, key=_key)

    def older_than(self, cutoff):
        """File ids noted before ``cutoff`` (epoch seconds), oldest first."""
        return [file_id for at, file_id in sorted(self.queue) if at <= float(cutoff)]

    def __contains__(self, file_id):
        return bool(self._items_of(file_id))

    def __len__(self):
        return len(self.queue)


def _key(item):
    return item[1]
