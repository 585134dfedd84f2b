"""Error replies: JSON under /api, a page elsewhere; input errors never become a 500.

Pages show messages in the request's language; the API answers in English (a stable text
for clients), see records.i18n."""
from pyramid.exceptions import BadCSRFToken
from pyramid.httpexceptions import HTTPError
from pyramid.renderers import render_to_response
from pyramid.response import Response
from pyramid.view import exception_view_config, notfound_view_config

from records.i18n import _, english, joined
from records.views.common import InputError


TITLES = {400: _("Bad request"), 403: _("Forbidden"), 404: _("Not found"),
          405: _("Method not allowed"), 409: _("Conflict"), 413: _("Request too large"),
          415: _("Unsupported media type"), 429: _("Too many requests"),
          503: _("Service unavailable")}


def _is_api(request):
    return request.path.startswith("/api/")


@exception_view_config(InputError)
def input_error(exc, request):
    request.tm.doom()
    if _is_api(request):
        return Response(json={"error": "invalid input", "fields": exc.english()},
                        status=exc.status)
    return _page(request, exc.status, joined(
        [_("${field}: ${message}", mapping={"field": k, "message": v})
         for k, v in exc.errors.items()]))


@exception_view_config(HTTPError)
def http_error(exc, request):
    if exc.code >= 400:
        request.tm.doom()
    if _is_api(request):
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
    if _is_api(request):
        return Response(json={"error": "missing or wrong CSRF token: send the csrf_token "
                                        "of GET /api/v1/session as X-CSRF-Token"}, status=400)
    return _page(request, 400, _("This form has expired or did not come from this portal. "
                                 "Go back, reload the page and try again."))


@notfound_view_config()
def not_found(request):
    if _is_api(request):
        return Response(json={"error": "not found"}, status=404)
    return _page(request, 404, _("The page you asked for does not exist."))


def _page(request, status, message):
    response = render_to_response("error.jinja2", {"status": status, "message": message},
                                  request=request)
    response.status = status
    return response
