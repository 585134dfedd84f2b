"""Login, logout and the language switch."""
from urllib.parse import urlencode

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.response import Response
from pyramid.security import forget, remember
from pyramid.view import forbidden_view_config, view_config

from records import audit
from records.i18n import LANGUAGES, _
from records.resources.portal import Portal
from records.views.common import checked_login, known_login, refused_message
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
        audit.record(request.root, "login_refused", known_login(request, login_name))
        request.response.status = 429
        request.response.headers["Retry-After"] = str(attempt.retry_after)
        return dict(values, error=refused_message(attempt))
    if user is not None:
        audit.record(request.root, "login", user.login, user.unit_id)
        headers = remember(request, user.login)
        return HTTPSeeOther(_safe_next(request, request.POST.get("next")), headers=headers)
    audit.record(request.root, "login_failed", known_login(request, login_name))
    request.response.status = 400
    return dict(values, error=_("Wrong login or password."))


@view_config(context=Portal, name="logout", request_method="POST")
def logout(request):
    audit.record_request(request, "logout")
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
