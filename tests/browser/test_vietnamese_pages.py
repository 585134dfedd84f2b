"""The pages a centre uses all day, in Vietnamese, as officers of each role see them with
real data (a dossier whose files were read, with a missing component and a correction; a
search with its facets; the audit trail): no raw key and no English word on any of them.

What counts as a leak: an identifier-looking token (``number_symbol``, ``in_processing``:
an untranslated code) or one of the English words an untranslated label would show. Proper
content (document text, file names, logins in the users table) and the language switch are
left out of the check.
"""
import re

import pytest
from webtest import TestApp

from records.workers.indexing import deliver
from tests.browser.helpers import officer
from tests.conftest import JUSTICE, login, portal_of
from tests.functional.helpers import (act, as_, attach, closed_dossier, mark_read, receive,
                                      result_action)

pytestmark = [pytest.mark.hardening, pytest.mark.browser]

RAW_KEY = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")  # number_symbol, in_processing, file_id
ENGLISH = re.compile(r"\b(?:" + "|".join((
    "Dossiers?", "Search", "Submit", "Returned", "Received", "Unit", "State", "Status",
    "None", "True", "False", "Results?", "Files?", "Field", "Kind", "Actions?", "Roles?",
    "Leader", "Archivist", "Supervisor", "Administrator", "Confidence", "Procedure",
    "History", "Note", "Upload", "Download", "Login", "Password", "Reason", "Version",
    "Value", "missing", "intake", "reason", "given", "the", "and", "of", "with", "files",
    "queued", "reading", "draft", "approved", "published", "revoked", "receiving",
    "processing", "archivist", "supervisor", "leader", "logged", "opened", "searched",
    "downloaded", "needs", "checking", "corrected", "undefined", "null",
)) + r")\b")

# The visible text of the page but the language switch and the officer's own name.
VISIBLE = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll('header .right, script, style').forEach(e => e.remove());
  return document.title + '\\n' + body.innerText;
}"""

READ = {"number_symbol": {"value": "15/QĐ-UBND", "confidence": 0.95, "page": 1},
        "doc_type": {"value": "QUYẾT ĐỊNH", "confidence": 0.9, "page": 1},
        "issuer": {"value": "UBND phường Hàng Bạc", "confidence": 0.55, "page": 1},
        "issue_date": {"value": "2026-01-05", "confidence": 0.4, "page": 1},
        "summary": {"value": "Về việc cấp giấy phép", "confidence": 0.85, "page": 1}}


@pytest.fixture
def data(live_app):
    """Before the server starts: a dossier received with a component missing, its form read
    (two fields under the threshold), one field corrected, transferred, its result attached,
    approved and published; a withdrawn (closed) one; all delivered to the search index."""
    application, _port = live_app
    web = TestApp(application)
    login(web, "recv1")
    _, code, _ = receive(web)  # the birth certificate and the ID copy are missing
    file_id = mark_read(lambda: portal_of(application.registry.zodb), code, READ)
    csrf = as_(web, "recv1")
    web.post_json(f"/api/v1/dossiers/{code}/files/{file_id}/fields",
                  {"field": "summary", "value": "Về việc cấp giấy khai sinh"},
                  headers={"X-CSRF-Token": csrf})
    act(web, code, "transfer", csrf, processing_unit=JUSTICE)
    result = attach(web, code, as_(web, "proc1")).json
    csrf = as_(web, "lead1")
    act(web, code, "approve", csrf)
    result_action(web, code, result["result_id"], "publish", csrf)
    closed = closed_dossier(web)
    deliver(application.registry.settings)
    return code, file_id, closed


@pytest.fixture
def served(data, live_server):
    return live_server, data


def leaks(page):
    text = page.evaluate(VISIBLE)
    return sorted(set(RAW_KEY.findall(text))), sorted(set(ENGLISH.findall(text)))


def walk(browser, base, login_name, paths):
    """{path: (raw keys, English words)} for each page that shows any, as ``login_name``."""
    context, page = officer(browser, base, login_name)
    found = {}
    for path in paths:
        if callable(path):
            path = path(page)
        else:
            response = page.goto(path)
            assert response.ok, (login_name, path, response.status)
        raw, english = leaks(page)
        if raw or english:
            found[f"{login_name} {path}"] = (raw, english)
    context.close()
    return found


def search_with_facets(page):
    """A search as an officer does it, then a click on the first facet (a filter)."""
    page.goto("/search")
    page.fill("#search-form input[name=q]", "Nguyễn Văn An")
    with page.expect_navigation():
        page.click("#search-form button[type=submit]")
    assert page.locator("aside.facets h3").count() >= 2
    assert page.locator("ol.hits li").count() >= 1
    first = page.locator("aside.facets button.facet").first
    text = first.inner_text()
    with page.expect_navigation():
        first.click()
    assert page.locator("aside.facets button.facet.active").inner_text() == text
    return "/search (facets)"


def expired_form(page):
    """A form posted with a wrong CSRF token (an old page): the refusal page."""
    page.goto("/dossiers/")
    with page.expect_navigation():
        page.evaluate("""() => {
          const f = document.querySelector('header form');
          f.querySelector('input[name=csrf_token]').value = 'stale';
          f.submit();
        }""")
    assert "Biểu mẫu đã hết hạn" in page.evaluate(VISIBLE)
    return "CSRF refusal"


def test_the_main_pages_show_no_raw_key_and_no_english_word(browser, served, screenshot):
    base, (code, _file_id, closed) = served
    dossier = f"/dossiers/{code}"
    found = {}
    found.update(walk(browser, base, "recv1", [
        "/", "/intake", "/intake?procedure=1.001193", "/dossiers/", dossier,
        search_with_facets, "/work", "/password", expired_form]))
    found.update(walk(browser, base, "proc1", [dossier, "/work", search_with_facets]))
    found.update(walk(browser, base, "lead1", [dossier, "/dashboard", "/reports/steps"]))
    found.update(walk(browser, base, "super", ["/dashboard", search_with_facets]))
    found.update(walk(browser, base, "arch", [
        "/archive", f"/dossiers/{closed}/audit", "/archive/trail", f"/archive/trail?code={closed}",
        "/archive/records"]))
    found.update(walk(browser, base, "admin", ["/procedures/"]))
    # the users table lists logins (content); its roles and the form are checked
    context, page = officer(browser, base, "admin")
    page.goto("/users/")
    page.evaluate("() => document.querySelectorAll('tr[data-login] td:first-child')"
                  ".forEach(td => td.remove())")
    raw, english = leaks(page)
    if raw or english:
        found["admin /users/"] = (raw, english)
    context.close()
    context = browser.new_context(base_url=base)
    page = context.new_page()
    for path in ("/login", "/lookup"):
        page.goto(path)
        raw, english = leaks(page)
        if raw or english:
            found[f"anonymous {path}"] = (raw, english)
    context.close()
    assert not found, "\n".join(f"{page}: {leak}" for page, leak in found.items())


@pytest.mark.reading
def test_the_officer_sees_the_doubt_on_the_dossier_page(browser, served, screenshot):
    """Issue 12: fields read under the threshold are marked and come first, with their
    confidence; the corrected one is no longer in doubt."""
    base, (code, file_id, _closed) = served
    context, page = officer(browser, base, "proc1")
    page.goto(f"/dossiers/{code}")
    table = page.locator(f"#fields-{file_id}")
    assert table.evaluate("e => e.open") is True  # opened: there is something to check
    rows = table.locator("tr.read-field")
    names = [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())]
    assert names[:2] == ["Cơ quan ban hành cần kiểm tra", "Ngày ban hành cần kiểm tra"]
    assert table.locator("tr.needs-check").count() == 2
    assert rows.nth(1).locator("td.confidence").inner_text() == "40%"
    assert "05/01/2026" in rows.nth(1).inner_text()
    summary = table.locator("tr[data-field=summary]")
    assert summary.get_attribute("data-needs-check") == "no"
    assert "85%" in summary.inner_text()
    screenshot(page, "reading-doubt-dossier")
    context.close()
