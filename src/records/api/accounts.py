"""Accounts through the JSON API: what the users page and the password page do.

    GET  /api/v1/users                              admin: the accounts
    POST /api/v1/users/{login}/deactivate           admin: ends the officer's sessions
    POST /api/v1/users/{login}/activate             admin
    POST /api/v1/users/{login}/reset-password       admin: {"password": the new one, once}
    POST /api/v1/users/{login}/unlock               admin: ends a login lockout
    POST /api/v1/session/password                   {"current", "new"}: one's own change
"""
from pyramid.csrf import get_csrf_token
from pyramid.security import remember
from pyramid.view import view_config

from records import accounts, clock, sessions
from records.views.common import json_object

USER_ACTIONS = {"deactivate": accounts.deactivate, "activate": accounts.reactivate,
                "reset-password": accounts.reset_password}


def user_json(request, user, now):
    lock = request.limiter.login_lock(user.login)
    return {"login": user.login, "name": user.name, "unit": user.unit_id,
            "roles": sorted(user.roles), "active": user.active,
            "sessions": sessions.count(user, now), "failures": lock.failures,
            "locked_for": lock.retry_after}


@view_config(route_name="api.users", renderer="json", permission="admin",
             request_method="GET")
def users(request):
    now = clock.now()
    return {"users": [user_json(request, u, now) for u in request.root.users.values()]}


@view_config(route_name="api.user_action", renderer="json", permission="admin",
             request_method="POST")
def user_action(request):
    operation = dict(USER_ACTIONS, unlock=lambda portal, actor, login, now: accounts.unlock(
        request.limiter, portal, login)).get(request.matchdict["action"])
    if operation is None or not request.matchdict["login"] in request.root.users:
        request.response.status = 404
        return {"error": "no such user or action"}
    user = request.root.users[request.matchdict["login"]]
    now = clock.now()
    outcome = operation(request.root, request.actor, user.login, now)
    out = user_json(request, user, now)
    if operation is accounts.reset_password:
        out["password"] = outcome  # NB: the only time it is shown; hand it over in person
    request.response.headers["Cache-Control"] = "no-store"
    return out


@view_config(route_name="api.session_password", renderer="json", permission="officer",
             request_method="POST")
def change_password(request):
    body = json_object(request)
    user = request.identity
    accounts.change_password(user, str(body.get("current", "")), str(body.get("new", "")))
    request.response.headerlist.extend(remember(request, user.login))
    return {"login": user.login, "csrf_token": get_csrf_token(request),
            "ended_other_sessions": True}
