"""The main pages in Chromium: the Content-Security-Policy breaks none of them (no violation,
the page scripts run), nothing overflows a phone's width, the result number field's
pattern is applied, and the pages fixed in the walk-through show no raw key."""
import re

import pytest

from tests.conftest import JUSTICE, PASSWORD
from tests.samples import pdf_bytes

pytestmark = [pytest.mark.hardening, pytest.mark.browser]

PHONE = {"width": 360, "height": 740}
LONG_NAME = "giay-chung-nhan-quyen-su-dung-dat-" + "x" * 80 + ".pdf"
RAW_KEY = re.compile(r"\b[a-z]+_[a-z_]+\b")  # e.g. in_processing, number_symbol


def officer(browser, base, login, **options):
    context = browser.new_context(base_url=base, **options)
    page = context.new_page()
    violations = []
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    page.goto("/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form.narrow button[type=submit]")
    return context, page, violations


def visible_text(page):
    return page.evaluate("document.querySelector('main').innerText")


def test_pages_under_the_policy_on_a_phone(browser, live_server, screenshot, tmp_path):
    scan = tmp_path / LONG_NAME
    scan.write_bytes(pdf_bytes("TỜ KHAI"))
    context, page, violations = officer(browser, live_server, "recv1", viewport=PHONE)
    # the searchable picker (its script opens the form on a choice)
    page.goto("/intake")
    page.fill("#procedure-search", "1.001193")
    with page.expect_navigation():
        page.dispatch_event("#procedure-search", "change")
    assert page.locator("#intake-form").count() == 1
    page.fill("input[name='applicant.name']", "Lê Văn Cường")
    page.fill("input[name='applicant.id_number']", "001203001111")
    page.set_input_files("input[name='file.application']", str(scan))
    # a required component is missing: the page asks why before sending
    page.click("#intake-submit")
    assert page.locator("#missing-warning").is_visible()
    assert page.locator("#intake-form").count() == 1  # not sent yet
    page.fill("#missing-reason", "bổ sung sau")
    with page.expect_navigation():
        page.click("#intake-submit")
    code = page.locator("#dossier-code").inner_text()
    screenshot(page, "hardening-receipt-phone")
    for path in ("/", "/intake", "/dossiers/", f"/dossiers/{code}", "/password", "/search"):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (path, overflow)  # long names and hashes wrap
        text = visible_text(page)
        if path != f"/dossiers/{code}":  # field names there: the labels module (issue 8)
            assert not RAW_KEY.findall(text), (path, RAW_KEY.findall(text))
    screenshot(page, "hardening-search-phone")
    assert violations == []
    context.close()


def test_the_result_number_pattern_is_applied_by_the_browser(browser, live_server):
    context, page, violations = officer(browser, live_server, "recv1")
    page.goto("/intake?procedure=1.001193")
    page.fill("input[name='applicant.name']", "Lê Văn Cường")
    page.fill("input[name='applicant.id_number']", "001203001111")
    page.fill("#missing-reason", "bổ sung sau")
    with page.expect_navigation():
        page.click("#intake-submit")
    code = page.locator("#dossier-code").inner_text()
    page.goto(f"/dossiers/{code}")
    page.select_option("#action-transfer select[name=processing_unit]", JUSTICE)
    with page.expect_navigation():
        page.click("#action-transfer button")
    assert "Đã thực hiện" in page.locator("p.notice").inner_text()
    context.close()
    context, page, _ = officer(browser, live_server, "proc1")
    page.goto(f"/dossiers/{code}")
    field = page.locator("input[name=number_symbol]")
    field.fill("QĐ-UBND")  # no number
    assert field.evaluate("e => e.validity.patternMismatch") is True
    field.fill("15/QĐ-UBND")
    assert field.evaluate("e => e.validity.valid") is True
    assert violations == []
    context.close()


def test_the_login_page_links_the_lookup(browser, live_server):
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    page.goto("/login")
    with page.expect_navigation():
        page.click("#lookup-link a")
    assert page.url.endswith("/lookup")
    context.close()
