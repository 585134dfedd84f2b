"""Driving the portal in a real browser the way an officer does."""
from tests.conftest import PASSWORD


def officer(browser, base, login):
    context = browser.new_context(base_url=base)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    return context, page
