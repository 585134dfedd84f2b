"""Account pages: an admin deactivates, reactivates or resets an officer's account (on the
users page); an officer changes their own password.

    POST /users/{login}/deactivate      admin; ends the officer's sessions
    POST /users/{login}/activate        admin
    POST /users/{login}/reset-password  admin; shows the new password once
    POST /users/{login}/unlock          admin; ends a login lockout (records.limits)
    GET  /password, POST /password      the officer's own change (current + new twice)
"""
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.renderers import render_to_response
from pyramid.security import remember
from pyramid.view import view_config

from records import accounts, clock
from records.i18n import _, translate
from records.resources.portal import Portal
from records.resources.users import User
from records.views.admin import users_values
from records.views.errors import error_page


def _users_page(request, status=200, **values):
    response = render_to_response("users.jinja2", users_values(request, **values),
                                  request=request)
    response.status = status
    response.headers["Cache-Control"] = "no-store"  # a new password may be on it
    return response


@error_page(User)
def users_page_with_error(request, error):
    """A refused account action: the users page again, saying why."""
    return _users_page(request, status=error.status, errors={"": error.message})


def _account_action(request, operation, done):
    outcome = operation(request.root, request.actor, request.context.login, clock.now())
    request.session.flash(translate(request, done(outcome)))
    return HTTPSeeOther(request.resource_url(request.root.users))


@view_config(context=User, name="deactivate", permission="admin", request_method="POST")
def deactivate(request):
    return _account_action(request, accounts.deactivate, lambda ended: _(
        "${login} is deactivated; ${n} sessions ended",
        mapping={"login": request.context.login, "n": ended}))


@view_config(context=User, name="activate", permission="admin", request_method="POST")
def activate(request):
    return _account_action(request, accounts.reactivate, lambda user: _(
        "${login} can log in again", mapping={"login": user.login}))


@view_config(context=User, name="unlock", permission="admin", request_method="POST")
def unlock(request):
    return _account_action(
        request, lambda portal, actor, login, now: accounts.unlock(request.limiter, portal, login),
        lambda user: _("${login} may try to log in again", mapping={"login": user.login}))


@view_config(context=User, name="reset-password", permission="admin", request_method="POST")
def reset_password(request):
    password = accounts.reset_password(request.root, request.actor, request.context.login,
                                       clock.now())
    # NB: shown once, on this page (not in a redirect, a URL or the session cookie).
    return _users_page(request, notice={"login": request.context.login, "password": password})


@error_page(Portal, "password")
def password_page_with_error(request, error):
    return "password.jinja2", {"error": error.message}


@view_config(context=Portal, name="password", permission="officer", renderer="password.jinja2",
             request_method="GET")
def password_form(request):
    return {"error": None}


@view_config(context=Portal, name="password", permission="officer", renderer="password.jinja2",
             request_method="POST")
def change_password(request):
    user = request.identity
    accounts.change_password(user, request.POST.get("current", ""),
                             request.POST.get("new", ""), request.POST.get("confirm", ""))
    remember(request, user.login)  # every other session of this officer has ended
    request.session.flash(translate(request, _("Your password is changed; your other "
                                               "sessions have ended.")))
    return HTTPSeeOther(request.application_url + "/")
