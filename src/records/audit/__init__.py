"""The audit trail: :func:`record` is the one way to add an entry (see :mod:`.log`).

Called for every action of a logged-in user: login, logout and failed logins, views of a
dossier, downloads, searches, every change to a dossier (through ``Dossier.record``),
admin changes, exports, holds. Entries keep logins, unit ids, dossier codes and file ids;
never a citizen's identifier: a search query is kept through :func:`scrub`.
"""
import re

import transaction

from records import clock
from records.audit.log import AuditLog, search, seal, verify

__all__ = ("AuditLog", "keep_refused", "record", "record_request", "scrub", "search", "seal",
           "verify")

DOSSIER_CODE = re.compile(r"\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}")
# Digit runs of 5 or more (CCCD, CMND, tax codes, phone numbers), also written in groups.
ID_LIKE = re.compile(r"\+?\d(?:[\s.\-]?\d){4,}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
REDACTED = "[…]"


def scrub(text):
    """``text`` without personal identifiers: ID-like digit runs, phone numbers and e-mail
    addresses become ``[…]``; dossier codes (not personal) are kept."""
    codes = []

    def keep(match):
        codes.append(match.group(0))
        return f"\x00{len(codes) - 1}\x00"

    text = DOSSIER_CODE.sub(keep, text or "")
    text = EMAIL.sub(REDACTED, text)
    text = ID_LIKE.sub(REDACTED, text)
    return re.sub(r"\x00(\d+)\x00", lambda m: codes[int(m.group(1))], text)


def _text(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def record(portal, action, user, unit=None, code=None, at=None, **details):
    """Append one entry to ``portal.audit``: who (login), at which unit, what (``action``),
    on which dossier (``code``), when, and ``details`` (short strings: file id, query…).

    A no-op for a portal without an audit log (before its evolve step ran)."""
    log = getattr(portal, "audit", None)
    if log is None:
        return None
    entry = {"at": _text(at or clock.now()), "user": user or "", "unit": unit or "",
             "action": action, "code": code or ""}
    entry.update((k, _text(v)) for k, v in details.items() if v is not None)
    return log.append(entry)


def record_request(request, action, code=None, **details):
    """:func:`record` for the logged-in user of ``request`` (nothing when anonymous)."""
    actor = request.actor
    if actor is None:
        return None
    key = record(request.root, action, actor.login, actor.unit, code, **details)
    if key is not None:
        request.environ.setdefault(_TAKEN, []).append(
            (action, actor.login, actor.unit, code, details))
    return key


_TAKEN = "records.audit.taken"


def keep_refused(request, status):
    """Keep the request's entries (:func:`record_request`) although its transaction is
    doomed: an officer's refused view, search or download is still something they did.

    NB: written through a connection of its own in a short transaction (the request's is
    doomed); entries that record a change (Dossier.record) are not kept: the change did not
    happen."""
    taken = request.environ.pop(_TAKEN, None)
    if not taken:
        return
    tm = transaction.TransactionManager()
    conn = request.registry.zodb.open(tm)
    try:
        for attempt in tm.attempts():
            with attempt:
                portal = conn.root()["portal"]
                for action, user, unit, code, details in taken:
                    record(portal, action, user, unit, code, refused=status, **details)
    finally:
        conn.close()
