"""The audit trail: one append-only, hash-chained log of what logged-in users did.

Entries are first *appended* to ``pending`` (a :class:`~records.spread.ShardedQueue`
of ``(time_ns, random token, entry JSON)``), then
*sealed* by :func:`seal` into ``entries`` (sequence number → entry), each sealed entry
carrying ``prev`` (the hash of the one before) and ``hash`` (SHA-256 over ``prev`` and the
entry's canonical JSON). :func:`verify` walks the chain and reports every entry that was
edited, inserted or removed.

NB: why two steps. A chain written at append time makes every append read and rewrite the
head: two web processes recording at once (and every page view records) would always
conflict, and the loser's whole request would be retried. Appending an item of its own to
the pending queue conflicts with nothing another process wrote, the sealer's removals
included (the queues merge concurrent puts and pulls; a BTree of pending entries did not:
each seal emptied its buckets under every request appending to them), so a page view never
waits for another; the one sealer (a periodic task, ``records audit --seal``) is the only
writer of the chain, so the chain never forks. An entry is unsealed for at most one sealing period; the archivist's search
shows those too, marked as such.

Plain persistent classes and pure functions: no web, queue or search imports.
"""
import hashlib
import json
import secrets
import time

from BTrees.IOBTree import IOBTree
from BTrees.IIBTree import IITreeSet, intersection, multiunion
from BTrees.OOBTree import OOBTree
from persistent import Persistent

from records.spread import ShardedQueue

GENESIS = "0" * 64
INDEXES = ("user", "code", "action", "day")


def canonical(entry):
    """The bytes an entry's hash covers: every field but ``hash``, as sorted, compact JSON."""
    body = {k: v for k, v in entry.items() if k != "hash"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def chain_hash(prev, entry):
    return hashlib.sha256(prev.encode("ascii") + b"\n" + canonical(entry)).hexdigest()


class AuditLog(Persistent):
    """``portal.audit`` (see the module docstring). Nothing here edits or removes an
    entry: the only operations are :meth:`append` and :func:`seal`."""

    def __init__(self):
        self.pending = ShardedQueue()  # (time_ns, token, entry JSON), not yet chained
        self.entries = IOBTree()   # seq (1, 2, ...) -> sealed entry dict
        self.head_seq = 0
        self.head_hash = GENESIS
        self.index = OOBTree({name: OOBTree() for name in INDEXES})  # name -> value -> seqs

    def append(self, entry):
        """Queue ``entry`` for sealing; returns its pending key ``(time_ns, token)``.

        NB: the entry is kept as its JSON text, not a dict: queue items are compared and
        hashed when concurrent transactions are merged."""
        key = (time.time_ns(), secrets.token_hex(8))
        self.pending.put(key + (json.dumps(entry, sort_keys=True, ensure_ascii=False),),
                         key[1])
        return key

    def pending_entries(self):
        """The entries not sealed yet, newest first."""
        return [json.loads(item[2]) for item in sorted(self.pending, reverse=True)]

    def __len__(self):
        return self.head_seq + len(self.pending)


def seal(log, limit=None):
    """Chain the pending entries, oldest first; returns how many were sealed."""
    items = sorted(log.pending)  # in order of time
    if limit is not None:
        items = items[:limit]
    seq, prev = log.head_seq, log.head_hash
    for item in items:
        entry = json.loads(item[2])
        seq += 1
        entry["seq"] = seq
        entry["prev"] = prev
        entry["hash"] = prev = chain_hash(prev, entry)
        log.entries[seq] = entry
        for name in INDEXES:
            value = entry.get("at", "")[:10] if name == "day" else entry.get(name)
            if value:
                bucket = log.index[name].get(value)
                if bucket is None:
                    bucket = log.index[name][value] = IITreeSet()
                bucket.insert(seq)
    log.pending.take(items, key=lambda item: item[1])
    log.head_seq, log.head_hash = seq, prev
    return len(items)


def verify(log):
    """Problems found in the chain (an empty list: intact), each a sentence naming the
    entry: edited (content no longer matches its hash), inserted or removed (the chain of
    ``prev`` hashes or the numbering is broken), or the head not matching the last entry."""
    problems = []
    prev, expected = GENESIS, 1
    for seq, entry in log.entries.items():
        if seq != expected:
            if seq > expected:
                problems.append(f"entries {expected}–{seq - 1} removed")
            expected = seq
        if entry.get("seq") != seq:
            problems.append(f"entry {seq}: inserted or moved (it says it is entry "
                            f"{entry.get('seq')})")
        if entry.get("prev") != prev:
            problems.append(f"entry {seq}: the chain is broken before it (an entry was "
                            "inserted or removed)")
        if chain_hash(entry.get("prev", ""), entry) != entry.get("hash"):
            problems.append(f"entry {seq}: edited (its content no longer matches its hash)")
        prev, expected = entry.get("hash", ""), seq + 1
    if expected - 1 != log.head_seq:
        problems.append(f"the log ends at entry {expected - 1} but its head says "
                        f"{log.head_seq}: entries removed from the end")
    elif prev != log.head_hash:
        problems.append("the head hash does not match the last entry: the end was changed")
    return problems


def search(log, user=None, code=None, action=None, since=None, until=None, limit=1000,
           where=None):
    """Entries matching every given filter, newest first (pending ones first, marked
    ``sealed: False``). ``since`` / ``until`` are dates (inclusive); ``where(entry)``, if
    given, must also hold (e.g. the reader may see the entry's dossier)."""
    def wanted(entry):
        day = entry.get("at", "")[:10]
        return ((user is None or entry.get("user") == user)
                and (code is None or entry.get("code") == code)
                and (action is None or entry.get("action") == action)
                and (since is None or day >= since.isoformat())
                and (until is None or day <= until.isoformat())
                and (where is None or where(entry)))

    found = [dict(e, sealed=False) for e in log.pending_entries() if wanted(e)]
    sets = []
    for name, value in (("user", user), ("code", code), ("action", action)):
        if value is not None:
            sets.append(log.index[name].get(value) or IITreeSet())
    if since is not None or until is not None:
        days = log.index["day"]
        sets.append(multiunion(list(days.values(
            min=since.isoformat() if since else None,
            max=until.isoformat() if until else None))))
    if sets:
        seqs = sets[0]
        for other in sets[1:]:
            seqs = intersection(seqs, other)
        ordered = reversed(list(seqs))
    else:
        # NB: sealed entries are numbered 1 … head_seq; counting down reads only the newest
        # (a removed one is skipped below), not every key of the log first.
        ordered = range(log.head_seq, 0, -1)
    for seq in ordered:
        if limit is not None and len(found) >= limit:
            break
        entry = log.entries.get(seq)
        if entry is not None and wanted(entry):
            found.append(dict(entry, sealed=True))
    return found[:limit] if limit is not None else found
