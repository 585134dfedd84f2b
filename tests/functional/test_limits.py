"""Failed lookups and logins are limited across every web process, counting tries in flight,
and refused with a 429 and Retry-After (no web thread sleeps): the login flood on the form
and the API, the burst on the lookup, one kiosk address, two processes on SQLite and on
Redis, and what the admin sees of a lockout."""
import concurrent.futures
import threading
import time

import pytest
from waitress.server import create_server
from webtest import TestApp

from records import main
from records.limits import Limiter, Rule
from records.limits.sqlitestore import SQLiteBackend
from records.limits.window import wait_of
from records.resources.users import User
from records.security import hash_password
from tests.conftest import OFFICERS, PASSWORD, app_settings, login, portal_of
from tests.functional.processes import Browser, web_process
from tests.rig import free_port

pytestmark = pytest.mark.hardening

CODE = "000.00.01.H26-260101-0001"  # no such dossier: every try is a wrong one


def with_officers(settings):
    application = main({}, **settings)
    with portal_of(application.registry.zodb) as portal:
        for name, (roles, unit) in OFFICERS.items():
            portal.users.add(name, User(name, name.title(), hash_password(PASSWORD), roles,
                                        unit))
    return application


@pytest.fixture
def apps():
    made = []

    def make(settings):
        made.append(with_officers(settings))
        return made[-1]
    yield make
    for application in made:
        application.registry.zodb.close()


def from_address(app, address):
    app.reset()
    app.extra_environ = {"REMOTE_ADDR": address}
    return app


def form_login(app, name, password, status):
    form = app.get("/login").forms[0]
    form["login"], form["password"] = name, password
    return form.submit(status=status)


# -- the login flood ------------------------------------------------------------------------

def test_a_login_flood_on_the_form_locks_the_account_for_a_while_and_the_admin_sees_it(
        tmp_path, apps):
    application = apps(app_settings(tmp_path / "var", **{
        "records.login_max_failures": "4", "records.login_window_seconds": "8"}))
    web = from_address(TestApp(application), "198.51.100.1")
    for _ in range(4):
        form_login(web, "recv1", "not the password", status=400)
    started = time.perf_counter()
    refused = form_login(web, "recv1", PASSWORD, status=429)  # even the right password
    assert time.perf_counter() - started < 1.0  # refused, not slept on
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 8
    assert "Quá nhiều lần đăng nhập không thành công" in refused.html.find(class_="error").text
    # from another address too: the account is what is attacked
    form_login(from_address(TestApp(application), "203.0.113.5"), "recv1", PASSWORD,
               status=429)
    # another officer at the attacked address is not locked out
    form_login(from_address(TestApp(application), "198.51.100.1"), "recv2", PASSWORD,
               status=303)
    admin = TestApp(application)
    login(admin, "admin")
    row = admin.get("/users/").html.find("tr", attrs={"data-login": "recv1"})
    assert "bị khoá" in row.find(class_="lock").text
    time.sleep(wait + 0.2)  # the window passes: the lockout ends on its own
    form_login(from_address(TestApp(application), "198.51.100.1"), "recv1", PASSWORD,
               status=303)
    row = admin.get("/users/").html.find("tr", attrs={"data-login": "recv1"})
    assert "bị khoá" not in row.find(class_="lock").text


def test_a_login_flood_on_the_api_is_refused_with_retry_after(tmp_path, apps):
    application = apps(app_settings(tmp_path / "var"))  # the defaults: 10 per account
    api = from_address(TestApp(application), "198.51.100.2")
    statuses = [api.post_json("/api/v1/session", {"login": "proc1", "password": "guess"},
                              expect_errors=True).status_int for _ in range(20)]
    assert statuses == [401] * 10 + [429] * 10
    reply = api.post_json("/api/v1/session", {"login": "proc1", "password": PASSWORD},
                          status=429)
    assert int(reply.headers["Retry-After"]) == reply.json["retry_after"] > 0
    assert "Too many failed logins" in reply.json["error"]


def test_one_address_trying_many_accounts_meets_the_address_ceiling(tmp_path, apps):
    application = apps(app_settings(tmp_path / "var", **{
        "records.login_max_failures_per_address": "6"}))
    web = from_address(TestApp(application), "198.51.100.3")
    for name in ("recv1", "recv2", "proc1", "proc2", "lead1", "arch"):
        form_login(web, name, "guess", status=400)
    form_login(web, "super", PASSWORD, status=429)
    form_login(from_address(TestApp(application), "198.51.100.4"), "super", PASSWORD,
               status=303)


def test_the_admin_ends_a_lockout(tmp_path, apps):
    application = apps(app_settings(tmp_path / "var", **{"records.login_max_failures": "2"}))
    web = from_address(TestApp(application), "198.51.100.6")
    form_login(web, "lead1", "guess", status=400)
    form_login(web, "lead1", "guess", status=400)
    form_login(web, "lead1", PASSWORD, status=429)
    admin = TestApp(application)
    csrf = login(admin, "admin")
    listed = {u["login"]: u for u in admin.get("/api/v1/users").json["users"]}
    assert listed["lead1"]["locked_for"] > 0 and listed["lead1"]["failures"] == 2
    admin.post_json("/api/v1/users/lead1/unlock", {}, headers={"X-CSRF-Token": csrf})
    form_login(from_address(web, "198.51.100.6"), "lead1", PASSWORD, status=303)


# -- the lookup -----------------------------------------------------------------------------

def test_one_address_is_limited_per_code_with_an_address_wide_ceiling(tmp_path, apps):
    application = apps(app_settings(tmp_path / "var", **{
        "records.lookup_max_failures": "3", "records.lookup_max_failures_per_address": "6"}))
    kiosk = from_address(TestApp(application), "192.0.2.80")

    def look_up(code, status):
        form = kiosk.get("/lookup").forms["lookup-form"]
        form["code"], form["pin"] = code, "WRONGPIN"
        return form.submit(status=status)

    for _ in range(3):
        look_up(CODE, 400)
    look_up(CODE, 429)  # this code, from this address
    other = CODE[:-1] + "2"
    for _ in range(3):
        look_up(other, 400)  # the next person at the kiosk is not locked out
    refused = look_up(CODE[:-1] + "3", 429)  # but the address as a whole has a ceiling
    assert int(refused.headers["Retry-After"]) > 0
    from_address(kiosk, "192.0.2.81")
    look_up(CODE, 400)


def serve_in_thread(application):
    port = free_port()
    server = create_server(application, host="127.0.0.1", port=port, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{port}", server, thread


def burst(bases, count, code=CODE):
    """``count`` wrong lookups at once, spread over the servers at ``bases``; their
    statuses."""
    browsers = [Browser(bases[n % len(bases)]) for n in range(count)]
    start = threading.Barrier(count)

    def one(browser):
        start.wait()
        return browser.post("/lookup", code=code, pin="WRONGPIN")
    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, browsers))


def test_a_burst_of_parallel_tries_gets_only_the_checks_left(tmp_path, apps):
    application = apps(app_settings(tmp_path / "var", **{
        "records.lookup_max_failures": "10", "records.lookup_max_failures_per_address": "100"}))
    base, server, thread = serve_in_thread(application)
    try:
        assert Browser(base).post("/lookup", code=CODE, pin="WRONGPIN") == 400  # 9 left
        statuses = burst([base], 40)
    finally:
        server.close()
        thread.join(timeout=10)
    assert statuses.count(400) == 9 and statuses.count(429) == 31, statuses


@pytest.fixture(params=["sqlite", "redis"])
def shared_limits(request, tmp_path):
    """Settings of two web processes on one store, their limits in SQLite or Redis."""
    extra = {"records.lookup_max_failures": "12",
             "records.lookup_max_failures_per_address": "100"}
    if request.param == "redis":
        extra["records.limits_url"] = request.getfixturevalue("redis_server").url + "/3"
    settings = app_settings(tmp_path / "var", **extra)
    main({}, **settings).registry.zodb.close()  # create the store once, before both start
    return settings


def test_two_web_processes_share_the_count(shared_limits):
    processes = [web_process(shared_limits) for _ in range(2)]
    try:
        statuses = burst([base for _, base in processes], 30)
        # and one after the burst, on each: both know the limit is reached
        after = [Browser(base).post("/lookup", code=CODE, pin="WRONGPIN")
                 for _, base in processes]
    finally:
        for process, _ in processes:
            process.terminate()
            process.wait(timeout=30)
    assert statuses.count(400) == 12 and statuses.count(429) == 18, statuses
    assert after == [429, 429]


# -- the limiter itself ---------------------------------------------------------------------

def test_the_wait_is_until_enough_failures_leave_the_window():
    assert wait_of([], 0, 3, 60, 100) == 0
    assert wait_of([10, 20], 0, 3, 60, 30) == 0
    assert wait_of([10, 20, 30], 0, 3, 60, 35) == 35  # the oldest leaves at 70
    assert wait_of([10, 20, 30, 31], 0, 3, 60, 35) == 45  # two must leave
    assert wait_of([10], 2, 3, 60, 35) == 35
    assert wait_of([], 3, 3, 60, 35) == 1  # only tries in flight: they end soon


def test_rules_need_a_limit_and_a_window():
    with pytest.raises(ValueError):
        Rule("x", 0, 60)
    with pytest.raises(ValueError):
        Limiter(SQLiteBackend(":memory:"), "s", {"records.login_window_seconds": "0"})


def test_a_try_in_flight_counts_until_it_ends_or_its_time_runs_out(tmp_path):
    limiter = Limiter(SQLiteBackend(tmp_path / "l.sqlite"), "secret", {
        "records.login_max_failures": "2", "records.limits_pending_seconds": "0.5"})
    first = limiter.login_attempt("a", "x")
    second = limiter.login_attempt("a", "x")
    assert not first.refused and not second.refused
    assert limiter.login_attempt("a", "x").refused  # both still in flight
    first.end(failed=False)
    third = limiter.login_attempt("a", "x")
    assert not third.refused
    time.sleep(0.6)  # a process died with tries in flight: they stop counting
    assert not limiter.login_attempt("a", "x").refused


def test_the_store_holds_no_address_code_or_login(tmp_path):
    path = tmp_path / "l.sqlite"
    limiter = Limiter(SQLiteBackend(path), "secret")
    limiter.lookup_attempt("203.0.113.9", CODE).end(failed=True)
    limiter.login_attempt("203.0.113.9", "recv1").end(failed=True)
    stored = path.read_bytes() + (tmp_path / "l.sqlite-wal").read_bytes()
    for secret in (b"203.0.113.9", CODE.encode(), b"recv1"):
        assert secret not in stored
