"""Security headers on pages and API replies; no caching of pages with personal data; a
clear error for a wrong role on the command line."""
import pytest
from click.testing import CliRunner

from records.cli import main as cli
from tests.conftest import login
from tests.functional.helpers import receive

pytestmark = pytest.mark.hardening


def assert_secure(reply):
    csp = reply.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert reply.headers["X-Frame-Options"] == "DENY"
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Referrer-Policy"] == "no-referrer"


def test_officer_pages_and_api_replies_carry_the_headers_and_are_not_stored(web, officers):
    login(web, "recv1")
    _, code, _ = receive(web)
    for path in ("/", "/dossiers/", f"/dossiers/{code}", "/intake", "/search",
                 f"/api/v1/dossiers/{code}"):
        reply = web.get(path)
        assert_secure(reply)
        assert reply.headers["Cache-Control"] == "no-store", path


def test_public_pages_carry_them_too_and_static_files_stay_cacheable(web):
    for path in ("/login", "/lookup"):
        assert_secure(web.get(path))
    css = web.get("/static/records.css")
    assert css.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=3600" in css.headers["Cache-Control"]


def test_the_pages_have_no_inline_script(web, officers):
    login(web, "recv1")
    _, code, _ = receive(web)
    for path in ("/", f"/dossiers/{code}", "/intake", "/lookup"):
        html = web.get(path).html
        for script in html.find_all("script"):
            assert script.get("src") and not script.text.strip(), path
        assert not [t for t in html.find_all(True) if t.get("style")
                    or any(a.startswith("on") for a in t.attrs)], path


def test_create_user_with_a_wrong_role_lists_the_roles(tmp_path):
    ini = tmp_path / "t.ini"
    ini.write_text(f"[app:main]\nuse = egg:records\nrecords.var_dir = {tmp_path}/var\n")
    result = CliRunner().invoke(cli, ["-c", str(ini), "create-user", "ann", "--name", "Ann",
                                      "--role", "boss", "--unit", "000.00.01.H26",
                                      "--password", "long enough password"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "'boss' is not one of" in result.output
    for role in ("receiving", "processing", "leader", "archivist", "supervisor", "admin"):
        assert role in result.output

