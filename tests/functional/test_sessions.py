"""Officer sessions end on the server: a cookie kept after logout, a password change or a
deactivation is worth nothing; an admin deactivates and resets accounts (page and API);
an officer changes their own password; a session works whichever web process answers."""
import pytest
from openapi_spec_validator import validate
from webtest import TestApp

from records import main
from tests.conftest import PASSWORD, login
from tests.functional.helpers import api_login
from tests.functional.processes import Browser, web_process

pytestmark = pytest.mark.hardening

NEW_PASSWORD = "a-new-long-password"


def session_cookie(app):
    return app.cookies["records_session"]


def with_cookie(wsgi, value):
    other = TestApp(wsgi)
    other.set_cookie("records_session", value)
    return other


def is_logged_in(app):
    reply = app.get("/dossiers/", expect_errors=True)
    if reply.status_int == 303:
        assert "/login" in reply.location
        return False
    assert reply.status_int == 200
    return True


def test_a_cookie_kept_after_logout_no_longer_works(web, officers, wsgi):
    csrf = login(web, "recv1")
    kept = session_cookie(web)
    assert is_logged_in(with_cookie(wsgi, kept))
    web.post("/logout", {"csrf_token": csrf}, status=303)
    assert not is_logged_in(with_cookie(wsgi, kept))
    replay = with_cookie(wsgi, kept)
    replay.get("/api/v1/session", status=401)


def test_an_api_session_ends_on_delete(web, officers, wsgi):
    csrf = api_login(web, "proc1", PASSWORD)
    kept = session_cookie(web)
    web.delete("/api/v1/session", headers={"X-CSRF-Token": csrf}, status=200)
    with_cookie(wsgi, kept).get("/api/v1/session", status=401)


def test_changing_ones_password_ends_the_other_sessions(web, officers, wsgi):
    elsewhere = TestApp(wsgi)
    login(elsewhere, "recv1")
    login(web, "recv1")
    form = web.get("/password").forms["password-form"]
    form["current"], form["new"], form["confirm"] = PASSWORD, NEW_PASSWORD, NEW_PASSWORD
    page = form.submit(status=303).follow()
    assert "mật khẩu" in page.html.find(class_="notice").text.lower()
    assert is_logged_in(web)  # the session that changed it goes on
    assert not is_logged_in(elsewhere)
    web.reset()
    form = web.get("/login").forms[0]
    form["login"], form["password"] = "recv1", PASSWORD
    form.submit(status=400)
    login(web, "recv1", NEW_PASSWORD)


@pytest.mark.parametrize("current, new, confirm, message", [
    ("wrong password", NEW_PASSWORD, NEW_PASSWORD, "hiện tại không đúng"),
    (PASSWORD, "short", "short", "ít nhất 10"),
    (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "không khớp"),
    (PASSWORD, PASSWORD, PASSWORD, "khác mật khẩu hiện tại"),
])
def test_a_bad_password_change_is_refused_and_changes_nothing(web, officers, current, new,
                                                               confirm, message):
    login(web, "recv1")
    form = web.get("/password").forms["password-form"]
    form["current"], form["new"], form["confirm"] = current, new, confirm
    assert message in form.submit(status=400).text
    assert is_logged_in(web)
    web.reset()
    login(web, "recv1", PASSWORD)


def test_the_api_changes_ones_password_too(web, officers, wsgi):
    elsewhere = TestApp(wsgi)
    api_login(elsewhere, "lead1", PASSWORD)
    csrf = api_login(web, "lead1", PASSWORD)
    web.post_json("/api/v1/session/password", {"current": "nope", "new": NEW_PASSWORD},
                  headers={"X-CSRF-Token": csrf}, status=400)
    reply = web.post_json("/api/v1/session/password",
                          {"current": PASSWORD, "new": NEW_PASSWORD},
                          headers={"X-CSRF-Token": csrf}).json
    web.get("/api/v1/session", status=200)
    assert reply["csrf_token"] != csrf
    elsewhere.get("/api/v1/session", status=401)


def test_admin_deactivates_an_officer_whose_session_ends_at_once(web, officers, wsgi, portal):
    officer = TestApp(wsgi)
    login(officer, "recv2")
    login(web, "admin")
    page = web.get("/users/")
    row = page.html.find("tr", attrs={"data-login": "recv2"})
    assert row.find("button", class_="danger") is not None  # destructive: styled apart
    form = [f for f in page.forms.values() if f.action.endswith("/users/recv2/deactivate")][0]
    page = form.submit(status=303).follow()
    assert "recv2" in page.html.find(class_="notice").text
    assert "vô hiệu" in page.html.find("tr", attrs={"data-login": "recv2"}).text
    assert not is_logged_in(officer)
    officer.reset()
    form = officer.get("/login").forms[0]
    form["login"], form["password"] = "recv2", PASSWORD
    form.submit(status=400)
    form = [f for f in web.get("/users/").forms.values()
            if f.action.endswith("/users/recv2/activate")][0]
    form.submit(status=303)
    login(officer, "recv2")


def test_admin_resets_a_password_shown_once_and_the_old_sessions_end(web, officers, wsgi):
    officer = TestApp(wsgi)
    login(officer, "proc2")
    login(web, "admin")
    form = [f for f in web.get("/users/").forms.values()
            if f.action.endswith("/users/proc2/reset-password")][0]
    page = form.submit(status=200)
    assert page.headers["Cache-Control"] == "no-store"
    password = page.html.find(id="new-password").find("code").text
    assert len(password) >= 10 and password not in web.get("/users/").text
    assert not is_logged_in(officer)
    officer.reset()
    login(officer, "proc2", password)


def test_the_api_does_what_the_users_page_does(web, officers, wsgi):
    officer = TestApp(wsgi)
    api_login(officer, "arch", PASSWORD)
    csrf = api_login(web, "admin", PASSWORD)
    listed = {u["login"]: u for u in web.get("/api/v1/users").json["users"]}
    assert listed["arch"]["active"] and listed["arch"]["sessions"] == 1
    reply = web.post_json("/api/v1/users/arch/deactivate", {}, headers={"X-CSRF-Token": csrf})
    assert reply.json["active"] is False and reply.json["sessions"] == 0
    officer.get("/api/v1/session", status=401)
    reply = web.post_json("/api/v1/users/arch/reset-password", {},
                          headers={"X-CSRF-Token": csrf}).json
    web.post_json("/api/v1/users/arch/activate", {}, headers={"X-CSRF-Token": csrf})
    api_login(officer, "arch", reply["password"])
    # refused: one's own account, an unknown one, a non-admin
    web.post_json("/api/v1/users/admin/deactivate", {}, headers={"X-CSRF-Token": csrf},
                  status=400)
    web.post_json("/api/v1/users/nobody/deactivate", {}, headers={"X-CSRF-Token": csrf},
                  status=404)
    csrf = api_login(officer, "arch", reply["password"])
    officer.post_json("/api/v1/users/recv1/deactivate", {}, headers={"X-CSRF-Token": csrf},
                      status=403)
    officer.get("/api/v1/users", status=403)


def test_a_session_works_whichever_web_process_answers(web, officers, settings):
    # NB: a second application on the same store and secret, as a second web process is.
    second = main({}, **settings)
    try:
        csrf = login(web, "recv1")
        kept = session_cookie(web)
        assert is_logged_in(with_cookie(second, kept))
        with_cookie(second, kept).post("/logout", {"csrf_token": csrf}, status=303)
        assert not is_logged_in(web)  # ended in the other process
    finally:
        second.registry.zodb.close()


def test_the_openapi_document_describes_the_account_operations(web):
    spec = web.get("/api/v1/openapi.json").json
    validate(spec)
    assert {"/session/password", "/users", "/users/{login}/deactivate",
            "/users/{login}/activate", "/users/{login}/reset-password"} <= set(spec["paths"])


def test_two_web_processes_share_sessions_and_their_end(settings, officers):
    processes = [web_process(settings) for _ in range(2)]
    (_, first), (_, second) = processes
    try:
        officer = Browser(first, page="/login")
        assert officer.post("/login", login="recv1", password=PASSWORD) == 303
        assert officer.get("/dossiers/") == 200
        assert officer.get("/dossiers/", base=second) == 200  # the other process knows it
        officer.token_from("/dossiers/")
        assert officer.post("/logout", base=second) == 303
        assert officer.get("/dossiers/") == 303  # ended in the first process too
    finally:
        for process, _ in processes:
            process.terminate()
            process.wait(timeout=30)
