"""Login, logout and the language switch."""
from urllib.parse import urlencode

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.response import Response
from pyramid.security import forget, remember
from pyramid.view import forbidden_view_config, view_config

from records.i18n import LANGUAGES, _
from records.limits import client_address, minutes
from records.resources.portal import Portal
from records.security import check_password
from records.views.errors import is_api


def _safe_next(request, value):
    # NB: only same-site paths, so the login form is no open redirect.
    if value and value.startswith("/") and not value.startswith("//"):
        return value
    return request.application_url + "/"


@view_config(context=Portal, name="login", renderer="login.jinja2", require_csrf=False,
             request_method="GET")
def login_form(request):
    return {"next": request.params.get("next", ""), "error": None, "login": ""}


@view_config(context=Portal, name="login", renderer="login.jinja2", request_method="POST")
def login(request):
    login_name = request.POST.get("login", "").strip()[:100]
    values = {"next": request.POST.get("next", ""), "login": login_name}
    user, attempt = checked_login(request, login_name, request.POST.get("password", ""))
    if attempt.refused:
        request.response.status = 429
        request.response.headers["Retry-After"] = str(attempt.retry_after)
        return dict(values, error=refused_message(attempt))
    if user is not None:
        headers = remember(request, user.login)
        return HTTPSeeOther(_safe_next(request, request.POST.get("next")), headers=headers)
    request.response.status = 400
    return dict(values, error=_("Wrong login or password."))


def checked_login(request, login_name, password):
    """(the user, or None for a wrong login or password, and the limiter's attempt): the
    password is checked only when the account and the address are under their limits
    (records.limits); every failure counts against both."""
    attempt = request.limiter.login_attempt(client_address(request), login_name)
    if attempt.refused:
        return None, attempt
    user = request.root.users.get(login_name)
    ok = attempt.run(lambda: check_password(user, password))
    return (user if ok else None), attempt


def refused_message(attempt):
    return _("Too many failed logins for this account or from this address. Try again in "
             "${minutes} minutes.", mapping={"minutes": minutes(attempt.retry_after)})


@view_config(context=Portal, name="logout", request_method="POST")
def logout(request):
    return HTTPSeeOther(request.application_url + "/login", headers=forget(request))


@view_config(context=Portal, name="language", request_method="GET")
def language(request):
    lang = request.params.get("lang")
    back = _safe_next(request, request.params.get("next"))
    response = HTTPSeeOther(back)
    if lang in LANGUAGES:
        response.set_cookie("_LOCALE_", lang, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@forbidden_view_config(renderer="forbidden.jinja2")
def forbidden(request):
    if is_api(request):
        status = 403 if request.identity is not None else 401
        message = "permission denied" if status == 403 else "log in first"
        return Response(json={"error": message}, status=status)
    if request.identity is None:
        target = request.application_url + "/login"
        if request.method == "GET":
            target += "?" + urlencode({"next": request.path_qs})
        return HTTPSeeOther(target)
    request.response.status = 403
    return {}
