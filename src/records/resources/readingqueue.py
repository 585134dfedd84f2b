"""Files waiting to be read, recorded in the same transaction that stores them.

A reading task is sent after commit; if that send is lost (broker down, broker restarted
without persistence, a crash between commit and send) the file would stay "queued" for
ever. The queue remembers when each file was queued, so a sweep (:mod:`records.requeue`)
finds those left queued past a timeout without reading every file of the store.
"""
from BTrees.OOBTree import OOBTree
from persistent import Persistent


class ReadingQueue(Persistent):
    """``(queued at, file id)`` keys, oldest first; ``since`` maps a file id to its key.

    NB: entries are not removed when a file is read (workers would all write this one
    object); the sweep drops the ones it finds read, so the queue holds only recent files.
    """

    def __init__(self):
        self.entries = OOBTree()
        self.since = OOBTree()

    def note(self, file_id, at):
        """Remember ``file_id`` as queued at ``at`` (epoch seconds); re-noting moves it."""
        self.forget(file_id)
        key = (float(at), file_id)
        self.entries[key] = None
        self.since[file_id] = key

    def forget(self, file_id):
        key = self.since.pop(file_id, None)
        if key is not None:
            self.entries.pop(key, None)

    def older_than(self, cutoff):
        """File ids noted before ``cutoff`` (epoch seconds), oldest first."""
        return [file_id for _, file_id in self.entries.keys(max=(float(cutoff), "\uffff"))]

    def __contains__(self, file_id):
        return file_id in self.since

    def __len__(self):
        return len(self.since)
