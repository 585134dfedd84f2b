"""Security headers on every response: the one place for them.

- ``Content-Security-Policy``: scripts, styles and images from this site only (no inline
  script, no inline style), no plugins, forms post only here, no framing by other sites;
- ``X-Frame-Options: DENY`` for browsers without ``frame-ancestors``;
- ``X-Content-Type-Options: nosniff``;
- ``Referrer-Policy: no-referrer``: a lookup or verification URL never leaks to a link's site;
- ``Cache-Control: no-store`` unless the view said otherwise (static files do): pages and
  API replies carry personal data, and a shared computer at a centre must not keep them.
"""
from pyramid.events import NewResponse

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

ALWAYS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def add_headers(event):
    headers = event.response.headers
    for name, value in ALWAYS.items():
        headers.setdefault(name, value)
    if "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"


def includeme(config):
    config.add_subscriber(add_headers, NewResponse)
