"""Officer accounts: deactivate, reactivate, reset a password (admin), change one's own.

Service functions taking ``(portal, actor, now, ...)``: the pages (records.views.accounts)
and the JSON API (records.api.accounts) both call them. Each one that changes who may log
in ends the user's sessions at once (records.sessions).
"""
import secrets

from records import sessions
from records.errors import UserError
from records.i18n import _
from records.security import check_password, hash_password

MIN_PASSWORD = 10


class AccountError(UserError):
    """The account change is refused (a 400, or the status given)."""


def user_of(portal, login):
    user = portal.users.get(login)
    if user is None:
        raise AccountError(_("no such user"), status=404)
    return user


def _not_self(actor, user):
    if user.login == actor.login:
        # NB: an admin who deactivates themself may leave the centre without one.
        raise AccountError(_("you cannot deactivate or reset your own account here"))


def deactivate(portal, actor, login, now):
    """The user can no longer log in; every session of theirs ends now."""
    user = user_of(portal, login)
    _not_self(actor, user)
    user.active = False
    return sessions.end_all(user)


def reactivate(portal, actor, login, now):
    user = user_of(portal, login)
    user.active = True
    return user


def unlock(limiter, portal, login):
    """End the login lockout of ``login`` (records.limits) before it ends on its own."""
    user = user_of(portal, login)
    limiter.unlock_login(user.login)
    return user


def reset_password(portal, actor, login, now):
    """Give the user a new random password (returned once, to hand over) and end every
    session of theirs."""
    user = user_of(portal, login)
    _not_self(actor, user)
    password = secrets.token_urlsafe(12)
    user.password_hash = hash_password(password)
    sessions.end_all(user)
    return password


def check_new_password(current, new, confirm=None):
    """Refuse a short, unchanged or mistyped new password."""
    if len(new or "") < MIN_PASSWORD:
        raise AccountError(_("the new password needs at least ${n} characters",
                             mapping={"n": MIN_PASSWORD}))
    if new == current:
        raise AccountError(_("the new password must differ from the current one"))
    if confirm is not None and confirm != new:
        raise AccountError(_("the two new passwords differ"))


def change_password(user, current, new, confirm=None):
    """The officer's own change: the current password is required; every session of theirs
    ends (the caller starts a new one for the request that made the change)."""
    if not check_password(user, current or ""):
        raise AccountError(_("the current password is wrong"))
    check_new_password(current, new, confirm)
    user.password_hash = hash_password(new)
    sessions.end_all(user)
