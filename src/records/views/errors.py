"""Errors become responses here, and only here: JSON under /api (and for clients that ask
for JSON), a page elsewhere; input errors never become a 500. Every 4xx dooms the
transaction, so a refused request keeps nothing and enqueues no task.

Views raise :class:`records.errors.UserError` (or an HTTP exception) and do not catch it.
A page that should come back with the error on it (the dossier page after a refused
action, the intake form with its field errors) registers how with :func:`error_page`;
other errors get the plain error page. Pages show messages in the request's language; the
API answers in English (a stable text for clients), see records.i18n.
"""
from pyramid.exceptions import BadCSRFToken
import re

from pyramid.httpexceptions import HTTPError
from pyramid.renderers import render_to_response
from pyramid.response import Response
from pyramid.view import exception_view_config, notfound_view_config

from records import audit
from records.errors import UserError
from records.i18n import _, english, joined


TITLES = {400: _("Bad request"), 403: _("Forbidden"), 404: _("Not found"),
          405: _("Method not allowed"), 409: _("Conflict"), 413: _("Request too large"),
          415: _("Unsupported media type"), 429: _("Too many requests"),
          503: _("Service unavailable")}

_ERROR_PAGES = {}


def error_page(context, name=None, path=None):
    """Register ``page(request, error) -> (template, values)`` (or a response whose status
    is the error's): how to show a UserError raised by a view named ``name`` (None: any
    view) on a ``context`` of that class; with ``path`` (a regular expression), only for
    requests whose path matches it (views told apart by their ``path_info``)."""
    def register(page):
        _ERROR_PAGES.setdefault((context, name), []).insert(
            0, (re.compile(path) if path else None, page))
        return page
    return register


def _page_for(request):
    context = getattr(request, "context", None)
    for key in ((type(context), request.view_name), (type(context), None)):
        for path, page in _ERROR_PAGES.get(key, ()):
            if path is None or path.match(request.path_info):
                return page
    return None


def is_api(request):
    return request.path.startswith("/api/")


def wants_json(request):
    """JSON for the API paths and for clients that ask for it before HTML."""
    if is_api(request):
        return True
    offers = request.accept.acceptable_offers(["text/html", "application/json"])
    return bool(offers) and offers[0][0] == "application/json"


def shown(error):
    """The message a page shows for ``error``: each field's message, or the message."""
    if error.fields:
        return joined([_("${field}: ${message}", mapping={"field": k, "message": v})
                       for k, v in error.fields.items()])
    return error.message


@exception_view_config(UserError)
def user_error(exc, request):
    request.tm.doom()
    audit.keep_refused(request, exc.status)
    if wants_json(request):
        body = {**exc.details, "error": english(exc.message)}
        if exc.fields:
            body["fields"] = exc.english_fields()
        return Response(json=body, status=exc.status)
    page = _page_for(request)
    if page is None:
        return _page(request, exc.status, shown(exc))
    shown_page = page(request, exc)
    if isinstance(shown_page, Response):
        return shown_page
    template, values = shown_page
    response = render_to_response(template, values, request=request)
    response.status = exc.status
    return response


@exception_view_config(HTTPError)
def http_error(exc, request):
    if exc.code >= 400:
        request.tm.doom()
        audit.keep_refused(request, exc.code)
    if is_api(request):
        if exc.content_type == "application/json" and exc.body:
            response = Response(body=exc.body, content_type="application/json", status=exc.code)
        else:
            response = Response(json={"error": english(exc.detail) or exc.title},
                                status=exc.code)
    else:
        response = _page(request, exc.code, exc.detail or TITLES.get(exc.code, exc.title))
    for name in ("Location", "Allow", "Retry-After"):
        if name in exc.headers:
            response.headers[name] = exc.headers[name]
    return response


@exception_view_config(BadCSRFToken)
def bad_csrf(exc, request):
    """A form from an old page (or from another site): say so, not Pyramid's own words."""
    request.tm.doom()
    if is_api(request):
        return Response(json={"error": "missing or wrong CSRF token: send the csrf_token "
                                        "of GET /api/v1/session as X-CSRF-Token"}, status=400)
    return _page(request, 400, _("This form has expired or did not come from this portal. "
                                 "Go back, reload the page and try again."))


@notfound_view_config()
def not_found(request):
    if is_api(request):
        return Response(json={"error": "not found"}, status=404)
    return _page(request, 404, _("The page you asked for does not exist."))


def _page(request, status, message):
    response = render_to_response("error.jinja2", {"status": status, "message": message},
                                  request=request)
    response.status = status
    return response
