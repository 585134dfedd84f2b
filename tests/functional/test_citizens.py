"""The public side: lookup by code + PIN, e-result download, verification, rating."""
import hashlib
import re
import statistics
import time
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from webtest import TestApp

from records import main
from records.resources.users import User
from records.security import hash_password
from tests.conftest import JUSTICE, OFFICERS, PASSWORD, app_settings, login, portal_of
from tests.functional.helpers import act, as_, published_dossier, receive, result_action
from tests.samples import pdf_bytes

pytestmark = pytest.mark.citizens

ID_NUMBER, NAME = "001203004567", "Nguyễn Văn An"  # what helpers.receive() files
FAST = {"records.lookup_max_failures": "1000", "records.lookup_max_failures_per_address": "1000"}


@pytest.fixture
def settings(tmp_path):
    # NB: generous limits by default; the tests of the limits set their own.
    return app_settings(tmp_path / "var", **FAST)


def citizen(web, addr="203.0.113.7"):
    """A fresh browser at ``addr`` (the rate limit is per client address)."""
    web.reset()
    web.extra_environ = {"REMOTE_ADDR": addr}
    return web


def look_up(web, code, pin, status=303):
    form = web.get("/lookup").forms["lookup-form"]
    form["code"], form["pin"] = code, pin
    return form.submit(status=status)


def csrf_in(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]


def title_of(response):
    return response.html.title.text


def assert_no_personal_data(response):
    html = "html" in response.content_type
    for where in (response.request.url, title_of(response) if html else "",
                  response.headers.get("Location", ""),
                  response.headers.get("Content-Disposition", "")):
        assert ID_NUMBER not in where and NAME not in where and "Nguyen" not in where


def test_lookup_shows_state_timeline_due_date_but_nothing_internal(web, officers):
    login(web, "recv1")
    _, code, pin = receive(web, note="ghi chú nội bộ: khách quen")
    csrf = as_(web, "recv1")
    act(web, code, "transfer", csrf, processing_unit=JUSTICE, note="chuyển gấp, nội bộ")
    csrf = as_(web, "proc1")
    act(web, code, "request_supplement", csrf, note="Bản sao giấy chứng sinh")

    citizen(web)
    form_page = web.get("/lookup", params={"code": code})
    assert form_page.forms["lookup-form"]["code"].value == code  # the receipt's QR link
    status = look_up(web, code, pin.lower()).follow()  # the PIN is not case sensitive
    assert status.request.path == "/lookup/status"
    html = status.html
    assert html.find(id="state")["data-state"] == "supplement_requested"
    assert "Bản sao giấy chứng sinh" in html.find(id="supplement").text
    steps = [li.find(class_="label").text for li in html.find(id="timeline").find_all("li")]
    assert steps == ["Đã tiếp nhận hồ sơ", "Chuyển đến đơn vị xử lý", "Yêu cầu bổ sung hồ sơ"]
    assert "Bản sao giấy chứng sinh" in html.find(id="timeline").text
    assert re.search(r"\d{2}/\d{2}/\d{4}", html.find(id="due").text)
    assert "Tạm dừng" in html.find(id="due").text
    for secret in ("nội bộ", "khách quen", "recv1", "Recv1", "proc1", ID_NUMBER, NAME):
        assert secret not in status.text
    assert_no_personal_data(status)
    assert status.headers["Cache-Control"] == "no-store"
    # English on request, Vietnamese by default.
    web.set_cookie("_LOCALE_", "en")
    english = web.get("/lookup/status")
    assert "Supplement requested" in english.text and english.html.html["lang"] == "en"


def test_wrong_code_and_wrong_pin_give_the_same_answer(web, officers):
    login(web, "recv1")
    _, code, pin = receive(web)
    citizen(web)
    wrong_pin = look_up(web, code, "AAAAAAAA", status=400)
    other_code = code[:-4] + ("9999" if not code.endswith("9999") else "9998")
    wrong_code = look_up(web, other_code, pin, status=400)
    assert wrong_pin.html.find(id="error").text == wrong_code.html.find(id="error").text
    assert wrong_pin.text.replace(code, "C") == wrong_code.text.replace(other_code, "C")
    assert "lookup" not in web.cookies.get("records_session", "")  # nothing authorised
    web.get("/lookup/status", status=401)
    look_up(web, "", pin, status=400)


def test_enumerating_codes_is_uniformly_refused_then_limited(tmp_path, officers_in):
    app = officers_in(app_settings(tmp_path / "var", **{
        "records.lookup_max_failures_per_address": "6", "records.lookup_window_seconds": "600"}))
    login(app, "recv1")
    _, code, pin = receive(app)
    prefix = code[:-4]
    citizen(app, "198.51.100.9")
    answers = []
    for n in range(1, 7):
        guess = f"{prefix}{n:04d}"
        reply = look_up(app, guess, "ZZZZZZZZ", status=400)  # the real one too: wrong PIN
        answers.append(reply.html.find(id="error").text)
    assert len(set(answers)) == 1
    refused = look_up(app, code, pin, status=429)  # even the right PIN, now
    assert int(refused.headers["Retry-After"]) > 0
    assert "429" not in refused.html.find(id="error").text and refused.html.find(id="error")
    # X-Forwarded-For does not buy a new address; another real address is not affected.
    app.extra_environ = {"REMOTE_ADDR": "198.51.100.9", "HTTP_X_FORWARDED_FOR": "10.9.9.9"}
    look_up(app, code, pin, status=429)
    citizen(app, "198.51.100.10")
    look_up(app, code, pin, status=303)


def test_wrong_code_and_wrong_pin_take_the_same_time(web, officers):
    login(web, "recv1")
    _, code, pin = receive(web)
    other_code = code[:-4] + "9999"
    citizen(web, "192.0.2.50")
    form = web.get("/lookup").forms["lookup-form"]
    csrf = form["csrf_token"].value

    def attempt(c):
        started = time.perf_counter()
        web.post("/lookup", {"code": c, "pin": "WRONGPIN", "csrf_token": csrf}, status=400)
        return time.perf_counter() - started

    attempt(code), attempt(other_code)  # warm up caches on both paths
    known, unknown = [], []
    for _ in range(12):
        known.append(attempt(code))
        unknown.append(attempt(other_code))
    a, b = statistics.median(known), statistics.median(unknown)
    # NB: argon2 dominates (tens of ms); without the dummy hash an unknown code would
    # answer in about a millisecond and fail this by far.
    assert abs(a - b) <= 0.25 * max(a, b) + 0.005, (a, b)


def test_download_is_recorded_and_needs_a_fresh_lookup(web, officers, portal):
    code, pin, result = published_dossier(web)
    citizen(web)
    web.get(f"/lookup/download/{result['result_id']}", status=401)  # no lookup yet
    status = look_up(web, code, pin).follow()
    link = status.html.select_one("a.download")["href"]
    assert code not in link and pin not in link
    reply = web.get(link)
    assert reply.content_type == "application/pdf"
    assert hashlib.sha256(reply.body).hexdigest() == result["published"]["sha256"]
    assert reply.headers["Cache-Control"] == "no-store"
    assert_no_personal_data(reply)
    web.get("/lookup/download/0000000000000000", status=404)
    with portal() as p:
        (entry,) = p.dossiers[code].downloads
        assert entry["file_id"] == result["published"]["file_id"]
        assert entry["result_id"] == result["result_id"] and entry["at"] is not None
        assert set(entry) == {"at", "file_id", "result_id"}  # when and what, not who
    web.post("/lookup/end", {"csrf_token": csrf_in(status)}, status=303)
    web.get(link, status=401)


def test_the_lookup_expires(tmp_path, officers_in):
    app = officers_in(app_settings(tmp_path / "var", **dict(
        FAST, **{"records.lookup_session_seconds": "0.5"})))
    login(app, "recv1")
    _, code, pin = receive(app)
    citizen(app)
    look_up(app, code, pin).follow()
    time.sleep(0.7)
    expired = app.get("/lookup/status", status=401)
    assert "hết hạn" in expired.html.find(id="error").text


def test_verification_page_and_byte_identical_check(web, officers, portal):
    code, pin, result = published_dossier(web)
    citizen(web)
    look_up(web, code, pin)
    stamped = web.get(f"/lookup/download/{result['result_id']}").body
    citizen(web, "192.0.2.77")  # anyone: no lookup, no login
    url = result["verify_url"].replace("http://localhost", "")
    page = web.get(url)
    assert page.html.find(id="result-status")["data-status"] == "valid"
    assert page.html.find(id="number-symbol").text == "12/TLKS-UBND"
    assert page.html.find(id="sha256").text == result["published"]["sha256"]
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert code not in page.text and NAME not in page.text and ID_NUMBER not in page.text
    assert_no_personal_data(page)

    form = page.forms["verify-form"]
    form["file"] = ("e-result.pdf", stamped)
    same = form.submit()
    assert same.html.find(id="check")["data-identical"] == "true"
    form = page.forms["verify-form"]
    middle = len(stamped) // 2
    altered = stamped[:middle] + bytes([stamped[middle] ^ 1]) + stamped[middle + 1:]
    form["file"] = ("altered.pdf", altered)
    other = form.submit()
    assert other.html.find(id="check")["data-identical"] == "false"
    as_json = web.post(url, upload_files=[("file", "x.pdf", stamped)],
                       headers={"Accept": "application/json"}).json
    assert as_json["check"]["identical"] is True and as_json["status"] == "valid"
    too_big = web.post(url, upload_files=[("file", "x.pdf", stamped + b"\0" * 70_000)],
                       status=413)
    assert "cannot be identical" in too_big.text or "không thể trùng khớp" in too_big.text
    web.get("/verify/not-a-real-token", status=404)
    with portal() as p:
        assert p.dossiers[code].downloads[-1]["result_id"] == result["result_id"]
        assert len(p.dossiers[code].downloads) == 1  # verifying downloads nothing


def test_verification_shows_revoked_and_superseded(web, officers):
    code, _, first = published_dossier(web)
    csrf = as_(web, "lead1")
    files = [("file", "dinh-chinh.pdf", pdf_bytes("đính chính"))]
    fields = {"doc_type": "TRÍCH LỤC", "number_symbol": "13/TLKS-UBND", "issuer": "UBND",
              "issue_date": "2026-01-06", "reason": "sai tên cha", "csrf_token": csrf}
    new = web.post(f"/dossiers/{code}/results/{first['result_id']}/supersede", fields,
                   upload_files=files, headers={"Accept": "application/json"},
                   status=201).json
    citizen(web)
    old_page = web.get(first["verify_url"].replace("http://localhost", ""))
    assert old_page.html.find(id="result-status")["data-status"] == "superseded"
    link = old_page.html.find(id="superseded-by")
    assert link.text == "13/TLKS-UBND" and link["href"] == new["verify_url"]
    as_(web, "lead1")
    result_action(web, code, new["result_id"], "revoke", as_(web, "lead1"), reason="nhầm")
    citizen(web)
    reply = web.get(new["verify_url"].replace("http://localhost", ""),
                    headers={"Accept": "application/json"}).json
    assert reply["status"] == "revoked" and reply["status_changed_at"]


def test_rating_once_after_return(web, officers, portal):
    code, pin, _ = published_dossier(web)
    citizen(web)
    status = look_up(web, code, pin).follow()
    assert "rating-form" not in status.forms  # not returned yet
    csrf = csrf_in(status)
    web.post("/lookup/rate", {"level": "satisfied", "csrf_token": csrf}, status=409)
    csrf_officer = as_(web, "recv1")
    act(web, code, "return", csrf_officer)
    citizen(web)
    status = look_up(web, code, pin).follow()
    form = status.forms["rating-form"]
    form["level"] = "very_satisfied"
    form["comment"] = "Nhanh, chu đáo"
    done = form.submit(status=303).follow()
    assert "Rất hài lòng" in done.html.find(id="rated").text
    csrf = csrf_in(done)
    again = web.post("/lookup/rate", {"level": "not_satisfied", "csrf_token": csrf},
                     status=409)
    assert "đã được đánh giá" in again.html.find(id="error").text
    web.post("/lookup/rate", {"level": "satisfied"}, status=400)  # no CSRF token
    with portal() as p:
        dossier = p.dossiers[code]
        assert dossier.rating["level"] == "very_satisfied"
        assert dossier.rating["comment"] == "Nhanh, chu đáo"


def test_bad_rating_input(web, officers):
    code, pin, _ = published_dossier(web)
    act(web, code, "return", as_(web, "recv1"))
    citizen(web)
    status = look_up(web, code, pin).follow()
    csrf = csrf_in(status)
    web.post("/lookup/rate", {"level": "meh", "csrf_token": csrf}, status=400)
    web.post("/lookup/rate", {"level": "satisfied", "comment": "x" * 1001,
                              "csrf_token": csrf}, status=400)


def _catalog():
    path = Path(__file__).resolve().parents[2] / "src/records/locale/vi/LC_MESSAGES/records.po"
    with open(path, "rb") as f:
        return {m.id: m.string for m in read_po(f) if m.id}


def _verify_words(page):
    facts = page.html.find(id="verification")
    return ([dt.text for dt in facts.find_all("dt")] + [facts.find(class_="badge").text]
            + [page.html.h1.text, page.html.find(id="verify-form").button.text])


@pytest.mark.house
def test_the_verify_page_speaks_the_catalogs_vietnamese_and_english_on_request(web, officers):
    """The verify page's words are the message catalog's (as every page's), not a table of
    its own: Vietnamese by default, English with ``_LOCALE_=en``."""
    _, _, result = published_dossier(web)
    citizen(web)
    url = result["verify_url"].replace("http://localhost", "")
    vietnamese = web.get(url)
    english = web.get(url, params={"_LOCALE_": "en"})
    assert vietnamese.html.html["lang"] == "vi" and english.html.html["lang"] == "en"
    assert "Xác thực kết quả điện tử" in title_of(vietnamese)
    assert "Verify an e-result" in title_of(english)
    words = _verify_words(english)
    assert words[:2] == ["Status", "Document type"] and "Valid" in words
    catalog = _catalog()
    assert _verify_words(vietnamese) == [catalog.get(w, w) for w in words]
    assert "Còn hiệu lực" in _verify_words(vietnamese)


@pytest.mark.house
def test_a_refused_check_is_answered_by_the_error_view_with_the_pages_headers(web, officers):
    """A check the verify page refuses is raised, and answered like every refusal: JSON in
    English with what the page knows, a page in its language; the page's headers stay."""
    _, _, result = published_dossier(web)
    citizen(web)
    url = result["verify_url"].replace("http://localhost", "")
    too_big = [("file", "x.pdf", b"%PDF" + b"\0" * (result["published"]["size"] + 70_000))]
    as_json = web.post(url, upload_files=too_big, headers={"Accept": "application/json"},
                       status=413)
    assert as_json.json["error"] == ("The file is larger than the published e-result, so it "
                                     "cannot be identical.")
    assert as_json.json["status"] == "valid" and as_json.json["check"] is None
    assert as_json.headers["Referrer-Policy"] == "no-referrer"
    assert as_json.headers["Cache-Control"] == "no-store"
    page = web.post(url, upload_files=too_big, status=413)
    assert "không thể trùng khớp" in page.html.find(id="error").text
    assert page.html.find(id="result-status")["data-status"] == "valid"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    nothing = web.post(url, {"file": "not a file"}, headers={"Accept": "application/json"},
                       status=400)
    assert nothing.json["error"] == "Choose the file to check."
    unknown = web.get("/verify/not-a-real-token", headers={"Accept": "application/json"},
                      status=404)
    assert unknown.json == {"error": "No result has this verification code."}
    assert unknown.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.house
def test_a_refused_lookup_keeps_its_form_and_retry_after_for_json_clients_too(tmp_path,
                                                                             officers_in):
    app = officers_in(app_settings(tmp_path / "var", **{
        "records.lookup_max_failures_per_address": "1", "records.lookup_window_seconds": "600"}))
    login(app, "recv1")
    _, code, pin = receive(app)
    citizen(app, "198.51.100.20")
    wrong = look_up(app, code, "ZZZZZZZZ", status=400)
    assert wrong.html.find(id="error") and wrong.headers["Cache-Control"] == "no-store"
    assert wrong.forms["lookup-form"]["code"].value == code
    csrf = wrong.forms["lookup-form"]["csrf_token"].value
    refused = app.post("/lookup", {"code": code, "pin": pin, "csrf_token": csrf},
                       headers={"Accept": "application/json"}, status=429)
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.json["error"].startswith("Too many failed lookups")
    assert "lookup" not in app.cookies.get("records_session", "")


@pytest.fixture
def officers_in(request):
    """An app with its own settings (limits), with the officers of tests.conftest."""
    made = []

    def make(settings):
        application = main({}, **settings)
        made.append(application)
        app = TestApp(application)
        with portal_of(application.registry.zodb) as p:
            hashed = hash_password(PASSWORD)
            for name, (roles, unit) in OFFICERS.items():
                p.users.add(name, User(name, name.title(), hashed, roles, unit))
        return app

    yield make
    for application in made:
        application.registry.zodb.close()
