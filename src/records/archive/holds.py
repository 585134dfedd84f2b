"""Legal hold (giữ lại theo yêu cầu pháp lý) on a dossier or a closed record.

A hold names who placed it, at which unit, why and since when. While a dossier is held it
cannot be proposed for or approved for disposition, and ``records pack`` (which removes old
revisions) refuses to run. A hold is lifted only with a reason; the lifted hold is kept
(``archive.lifted_holds``) and both steps are in the dossier's history (and so in the audit
trail).
"""
import time

from records.archive.records import DispositionError
from records.i18n import _


class HoldError(DispositionError):
    """A hold that cannot be placed or lifted; the message says why."""


def hold_of(portal, code):
    """The active hold of dossier ``code`` (a dict: code, by, unit, reason, since) or None."""
    archive = getattr(portal, "archive", None)
    return archive.holds.get(code) if archive is not None else None


def held_codes(portal):
    return set(portal.archive.holds.keys())


def place(portal, dossier, reason, login, unit, now):
    reason = (reason or "").strip()
    if not reason:
        raise HoldError(_("a reason is required"))
    archive = portal.archive
    if dossier.code in archive.disposed:
        raise HoldError(_("${code} was already disposed of", mapping={"code": dossier.code}),
                        status=409)
    if dossier.code in archive.holds:
        raise HoldError(_("${code} is already on hold", mapping={"code": dossier.code}),
                        status=409)
    hold = {"code": dossier.code, "by": login, "unit": unit, "reason": reason, "since": now}
    archive.holds[dossier.code] = hold
    dossier.record("hold", login, now, unit, dossier.state, dossier.state, reason)
    return hold


def lift(portal, dossier, reason, login, unit, now):
    reason = (reason or "").strip()
    if not reason:
        raise HoldError(_("a reason is required"))
    archive = portal.archive
    hold = archive.holds.get(dossier.code)
    if hold is None:
        raise HoldError(_("${code} is not on hold", mapping={"code": dossier.code}),
                        status=409)
    lifted = dict(hold, lifted_by=login, lifted_at=now, lift_reason=reason)
    archive.lifted_holds[(dossier.code, time.time_ns())] = lifted
    del archive.holds[dossier.code]
    dossier.record("lift_hold", login, now, unit, dossier.state, dossier.state, reason)
    return lifted


def refuse_pack(portal):
    """The codes on hold, sorted: ``records pack`` must not run while there is any.

    NB: packing is store-wide (ZODB cannot keep one object's old revisions and drop the
    others'), so a single hold stops every pack until it is lifted.
    """
    return sorted(portal.archive.holds.keys())


def plain(record):
    """A stored record (hold, fixity failure) as JSON: dates and times in ISO 8601."""
    if record is None:
        return None
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in record.items()}


hold_json = plain
