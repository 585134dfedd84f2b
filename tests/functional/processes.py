"""Real web processes on the test store, and a browser-like HTTP client for them (cookies,
the CSRF token of a page, no redirects followed)."""
import json
import re
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from tests.rig import free_port

ROOT = Path(__file__).resolve().parents[2]


class Browser:
    """A browser (cookies, the CSRF token of the last page read) talking over HTTP to real
    servers; cookies go to every server on 127.0.0.1, as to one site behind a balancer."""

    def __init__(self, base, page="/lookup"):
        self.base = base
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect)
        self.csrf = None
        self.token_from(page)

    def token_from(self, path):
        """Read the CSRF token of the page at ``path`` (it changes when a session starts)."""
        page = self.opener.open(self.base + path, timeout=60).read().decode()
        self.csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]

    def get(self, path, base=None):
        """The status of GET ``path`` (on another server at ``base`` with these cookies)."""
        try:
            with self.opener.open((base or self.base) + path, timeout=120) as reply:
                return reply.status
        except urllib.error.HTTPError as e:
            return e.code

    def post(self, path, base=None, **fields):
        body = urllib.parse.urlencode(dict(fields, csrf_token=self.csrf)).encode()
        try:
            with self.opener.open((base or self.base) + path, body, timeout=120) as reply:
                return reply.status
        except urllib.error.HTTPError as e:
            return e.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


SERVE = textwrap.dedent("""
    import json, sys, waitress
    from records import main
    settings, port = json.loads(sys.argv[1]), int(sys.argv[2])
    waitress.serve(main({}, **settings), listen=f"127.0.0.1:{port}", threads=8)
""")


def web_process(settings):
    """A web process serving ``settings`` on a free loopback port: (process, base URL).
    The caller terminates it."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", SERVE, json.dumps(settings), str(port)],
                               cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/lookup", timeout=5).read()
            return process, base
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read().decode()[-2000:]) from None
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the web process did not start")
