"""The real app served by waitress on a free loopback port, and headless Chromium.

Chromium is Debian's (/usr/bin/chromium, or $CHROMIUM); Playwright only drives it. A
missing or broken Chromium skips on a developer's machine and fails under CI=true.
"""
import os
import shutil
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Error, sync_playwright
from waitress.server import create_server

from records import main
from records.resources.users import User
from records.security import hash_password
from tests.conftest import OFFICERS, PASSWORD, app_settings, portal_of
from tests.rig import free_port, unavailable

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "browser"


@pytest.fixture
def live_app(tmp_path):
    """The app (officers created) and the port it will be served on; tests may add data
    through ``application.registry.zodb`` before the server starts."""
    port = free_port()
    application = main({}, **app_settings(tmp_path / "var", **{
        "records.public_url": f"http://127.0.0.1:{port}",
        "records.max_upload_bytes": str(20 * 1024 * 1024)}))
    hashed = hash_password(PASSWORD)
    with portal_of(application.registry.zodb) as portal:
        for login, (roles, unit) in OFFICERS.items():
            portal.users.add(login, User(login, login.title(), hashed, roles, unit))
    return application, port


@pytest.fixture
def live_server(live_app):
    """Base URL of the app (officers created) served in a thread; stopped afterwards."""
    application, port = live_app
    base = f"http://127.0.0.1:{port}"
    server = create_server(application, host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.close()
        thread.join(timeout=10)
        application.registry.zodb.close()


@pytest.fixture
def browser():
    if not shutil.which(CHROMIUM):
        unavailable("Chromium", f"{CHROMIUM} not found (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                  args=CHROMIUM_ARGS)
        except Error as e:
            unavailable("Chromium", e)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def screenshot():
    """``screenshot(page, name)`` saves a full-page PNG under test-output/browser/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    return take
