"""The public URL printed on receipts and e-results (QR codes, lookup and verify links).

It is printed for ever, so a portal listening beyond loopback (other machines will use it)
while its public URL still names loopback (the default ``http://localhost:6543``) would
print links no citizen can open. Then it warns loudly at start, shows the warning on the
intake page and beside a dossier's results, and refuses to issue receipts and to publish
(or supersede) e-results until ``RECORDS_PUBLIC_URL`` is set: :func:`printed_url` is the
one rule, for pages and the API alike. The listen
address comes from ``records.listen`` (``RECORDS_LISTEN``; the serve and run commands set
it from ``--listen``).
"""
import ipaddress
import logging
from urllib.parse import urlsplit

from records.errors import UserError
from records.i18n import _

log = logging.getLogger(__name__)


class PublicUrlError(UserError):
    """Receipts and e-results cannot be issued with this configuration (a 503 until it is
    fixed)."""
    status = 503


def is_loopback(host):
    host = (host or "").strip("[]").lower()
    if host in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listen_hosts(listen):
    """The hosts of a waitress ``listen`` value ("0.0.0.0:6543 [::]:6543", "*:80", …)."""
    hosts = []
    for part in (listen or "").split():
        host = part.rsplit(":", 1)[0] if ":" in part else part
        hosts.append("0.0.0.0" if host in ("", "*") else host)
    return hosts


def misconfigured(settings):
    """True when the portal listens beyond loopback while its public URL is loopback."""
    hosts = listen_hosts(settings.get("records.listen"))
    public_host = urlsplit(settings.get("records.public_url") or "").hostname
    return bool(hosts) and not all(is_loopback(h) for h in hosts) and is_loopback(public_host)


MESSAGE = _("The portal's public address is not set: it listens on ${listen} but would "
            "print ${url} on receipts and e-results, which citizens cannot open. Set "
            "RECORDS_PUBLIC_URL (e.g. https://dichvucong.example.gov.vn) and restart; "
            "receipts and e-results are refused until then.")


def warning(request):
    """The warning for pages (a translation string), or None when all is well."""
    settings = request.registry.settings
    if not request.registry.public_url_misconfigured:
        return None
    return _(MESSAGE, mapping={"listen": settings.get("records.listen"),
                               "url": settings.get("records.public_url")})


def printed_url(request):
    """The public URL to print on a receipt or an e-result; :class:`PublicUrlError` while
    it would be one citizens cannot open."""
    message = warning(request)
    if message is not None:
        raise PublicUrlError(message)
    return request.registry.settings["records.public_url"]


def includeme(config):
    settings = config.get_settings()
    config.registry.public_url_misconfigured = misconfigured(settings)
    if config.registry.public_url_misconfigured:
        log.warning("!!! records.public_url is %s but the portal listens on %s: receipts "
                    "and e-results are refused until RECORDS_PUBLIC_URL is set to the address citizens "
                    "use !!!", settings.get("records.public_url"), settings.get("records.listen"))
    config.add_request_method(warning, "public_url_warning", reify=True)
