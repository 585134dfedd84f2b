"""Principals, roles, permissions and password hashing: the one place for access rules.

A permission is granted by role (what kind of work) and, on a dossier, by unit (whose
work): an officer sees a dossier when their unit is its receiving or processing unit (or a
unit above either); supervisors and admins see all; archivists see closed dossiers.
"""
import argon2
from BTrees.OOBTree import OOTreeSet
from pyramid.security import Allowed, Denied
from pyramid.location import lineage
from pyramid.session import SignedCookieSessionFactory

from records import clock, sessions
from records.resources.dossiers import Dossier
from records.spread import intersection
from records.workflow import CLOSED_STATES, Actor

ROLE_PERMISSIONS = {
    "receiving": {"officer", "view", "search", "intake", "act"},
    "processing": {"officer", "view", "search", "act", "attach-result"},
    "leader": {"officer", "view", "search", "act", "attach-result", "dashboard",
               "approve-disposition"},
    "archivist": {"officer", "view", "search", "archive"},
    "supervisor": {"officer", "view", "search", "dashboard"},
    "admin": {"officer", "view", "search", "intake", "act", "attach-result", "dashboard",
              "archive", "approve-disposition", "admin"},
}

_hasher = argon2.PasswordHasher()
# NB: a hash of a random password, verified when the login is unknown so that a wrong login
# takes as long as a wrong password.
_DUMMY = _hasher.hash("records-dummy-password")


def hash_password(password):
    return _hasher.hash(password)


def check_password(user, password):
    """Constant-effort check; ``user`` may be None (unknown login)."""
    try:
        _hasher.verify(user.password_hash if user is not None else _DUMMY, password)
    except (argon2.exceptions.VerifyMismatchError, argon2.exceptions.InvalidHashError):
        return False
    return user is not None and user.active


def units_below(units, unit_id):
    """``unit_id`` and every unit whose chain of parents reaches it."""
    if unit_id is None:
        return frozenset()
    parents = {u.identifier: u.parent for u in units.values()}
    found = {unit_id}
    for ident in parents:
        cur, seen = ident, set()
        while cur is not None and cur not in seen:
            if cur == unit_id:
                found.add(ident)
                break
            seen.add(cur)
            cur = parents.get(cur)
    return frozenset(found)


def actor_for(user, units):
    return Actor(user.login, frozenset(user.roles), units_below(units, user.unit_id),
                 user.unit_id)


HANDLING_ROLES = frozenset({"receiving", "processing", "leader"})


def can_see_dossier(actor, dossier):
    return can_see_summary(actor, dossier.state, dossier.receiving_unit,
                           dossier.processing_unit)


def can_see_summary(actor, state, receiving_unit, processing_unit):
    """:func:`can_see_dossier` from the values it looks at (a catalog entry holds them)."""
    if actor.roles & {"admin", "supervisor"}:
        return True
    units = {receiving_unit, processing_unit} & actor.units
    if "archivist" in actor.roles and state in CLOSED_STATES and units:
        return True
    return bool(actor.roles & HANDLING_ROLES and units)


def visible_codes(catalog, actor):
    """The codes of the dossiers ``actor`` may see (the rule of :func:`can_see_dossier`,
    asked of the catalog), or None for all."""
    if actor.roles & {"admin", "supervisor"}:
        return None
    # NB: an officer of the centre sees every unit's dossiers: no union of every unit's
    # codes (a million at scale) to find that out; a dossier always has a receiving unit.
    every_unit = all(unit in actor.units for unit in catalog.by_unit.keys())
    if actor.roles & HANDLING_ROLES:
        return None if every_unit else catalog.codes_in(catalog.by_unit, actor.units)
    if "archivist" in actor.roles:
        if every_unit:
            return catalog.records_filter()
        return intersection(catalog.codes_in(catalog.by_unit, actor.units),
                            catalog.closed_codes())
    return OOTreeSet()


def visible_units(actor):
    """Units whose dossiers the actor may see, or None for all (used to filter search)."""
    if actor.roles & {"admin", "supervisor"}:
        return None
    return actor.units


def permitted(actor, context, permission):
    """The rule itself, without Pyramid: used by the security policy and by the API."""
    if actor is None:
        return False
    granted = set().union(*(ROLE_PERMISSIONS[r] for r in actor.roles)) if actor.roles else set()
    if permission not in granted:
        return False
    for node in lineage(context):
        if isinstance(node, Dossier):
            return can_see_dossier(actor, node)
    return True


class SecurityPolicy:
    """Identity from the session's login while the server still holds that session
    (records.sessions); permissions from :func:`permitted`."""

    def identity(self, request):
        login = request.session.get(sessions.LOGIN)
        if not login:
            return None
        user = request.portal.users.get(login)
        if user is None or not sessions.is_live(user, request.session, clock.now()):
            return None
        return user

    def authenticated_userid(self, request):
        user = request.identity
        return user.login if user is not None else None

    def permits(self, request, context, permission):
        if request.actor is None:
            return Denied("not logged in")
        if permitted(request.actor, context, permission):
            return Allowed(f"granted {permission}")
        return Denied(f"{permission} denied")

    def remember(self, request, userid, **kw):
        request.session.invalidate()
        sessions.start(request.session, request.portal.users[userid], clock.now())
        return []

    def forget(self, request, **kw):
        login = request.session.get(sessions.LOGIN)
        sessions.end(request.portal.users.get(login) if login else None, request.session)
        request.session.invalidate()
        return []


def request_actor(request):
    user = request.identity
    if user is None:
        return None
    return actor_for(user, request.portal.units)


def includeme(config):
    settings = config.get_settings()
    config.set_session_factory(SignedCookieSessionFactory(
        settings["records.secret"], cookie_name="records_session", httponly=True,
        samesite="Lax", secure=settings.get("records.secure_cookies") == "true",
        timeout=int(sessions.MAX_AGE.total_seconds()), reissue_time=600))
    config.set_security_policy(SecurityPolicy())
    config.add_request_method(request_actor, "actor", reify=True)
    config.set_default_csrf_options(require_csrf=True)
