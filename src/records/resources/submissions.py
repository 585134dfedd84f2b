"""One-time form tokens (a double click must not receive a dossier twice), kept a day."""
import datetime

from persistent import Persistent

from records.spread import SpreadTree

KEEP = datetime.timedelta(days=1)


def _utc(when):
    return when.astimezone(datetime.timezone.utc).isoformat()


class Submissions(Persistent):
    """Token → the code of the dossier it created, forgotten after :data:`KEEP`.

    NB: a form is resubmitted within minutes (a double click, a reload); keeping every
    token for ever would grow without bound. ``by_time`` orders tokens by when they were
    used, so forgetting the old ones reads only those. It is spread over shards
    (records.spread): in one BTree every intake wrote its last bucket; the
    tokens too (each intake reads and writes them)."""

    def __init__(self):
        self.codes = SpreadTree()    # token → code
        self.by_time = SpreadTree()  # (ISO time in UTC, token) → None

    def get(self, token):
        return self.codes.get(token)

    def add(self, token, code, now):
        self.forget_before(now - KEEP)
        self.codes[token] = code
        self.by_time[(_utc(now), token)] = None

    def forget_before(self, when):
        old = list(self.by_time.keys(max=(_utc(when), ""), excludemax=True))
        # NB: a read of every shard's first bucket; a write only when a token is a day old
        for key in old:
            del self.by_time[key]
            self.codes.pop(key[1], None)
        return len(old)

    def __len__(self):
        return len(self.codes)
