"""Officer sessions that the server can end: logout, a password change or a deactivation end
them at once, in every web process.

The browser's cookie (signed, see records.security) carries the login and a random session
id; the store keeps, per user, the SHA-256 of each live session id with when it started
(``User.sessions``). A request is authenticated only while its id is still listed there, so
removing it (here) ends the session whichever process answers next, and a copied or kept
cookie is worth nothing after logout.
"""
import datetime
import hashlib
import secrets

MAX_AGE = datetime.timedelta(hours=8)
SESSION_ID = "sid"
LOGIN = "login"


def _key(session_id):
    return hashlib.sha256(session_id.encode()).hexdigest()


def _sessions(user):
    return user.sessions


def start(session, user, now):
    """Begin a new session for ``user`` in the (fresh) cookie ``session``."""
    live = _sessions(user)
    for key, started in list(live.items()):
        if started + MAX_AGE <= now:
            del live[key]  # expired ones would only accumulate
    session_id = secrets.token_urlsafe(32)
    live[_key(session_id)] = now
    session[LOGIN] = user.login
    session[SESSION_ID] = session_id


def is_live(user, session, now):
    """True when ``session`` holds a session of ``user`` that was not ended and is not too
    old."""
    session_id = session.get(SESSION_ID)
    if not session_id or not user.active:
        return False
    started = _sessions(user).get(_key(session_id))
    return started is not None and started + MAX_AGE > now


def end(user, session):
    """End the session held by ``session`` (logout)."""
    session_id = session.get(SESSION_ID)
    if user is not None and session_id:
        _sessions(user).pop(_key(session_id), None)


def end_all(user):
    """End every session of ``user`` (password change, reset, deactivation); returns how many
    were live."""
    live = _sessions(user)
    count = len(live)
    live.clear()
    return count


def count(user, now):
    """How many sessions of ``user`` are live (shown to the admin)."""
    return sum(1 for started in _sessions(user).values() if started + MAX_AGE > now)
