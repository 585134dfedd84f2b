"""What the walk-through found on the pages a centre uses all day: the searchable procedure
picker, confirmations after actions, destructive actions styled apart, /lookup linked from
the start and login pages, dates as dd/mm/yyyy, officers and units by name, the CSRF
message in Vietnamese, a valid pattern on the result number field."""
import datetime
import json
import re
import shutil
import subprocess

import pymupdf
import pytest

from records.resources.dossiers import Result
from records.results.publish import PRINTABLE, stamp_caption, stamped_bytes
from records.workers.indexing import deliver
from tests.conftest import JUSTICE, PASSWORD, login
from tests.functional.helpers import act, api_login, receive
from tests.rig import unavailable
from tests.samples import pdf_bytes

pytestmark = pytest.mark.hardening


def test_the_procedure_picker_searches_codes_and_names_without_accents(web, officers):
    login(web, "recv1")
    page = web.get("/intake")
    assert page.html.find(id="procedure-search")["list"] == "procedure-list"
    assert len(page.html.find(id="procedure-list").find_all("option")) >= 20
    found = web.get("/intake", {"procedure": "dang ky"})  # typed without diacritics
    links = [a.text for a in found.html.find(id="procedure-matches").find_all("a")]
    assert len(links) >= 2 and all("đăng ký" in text.lower() for text in links)
    only = web.get("/intake", {"procedure": "1.001193"})
    assert only.html.find(id="intake-form") is not None
    one_match = web.get("/intake", {"procedure": "KẾT HÔN"})
    assert one_match.html.find(id="intake-form") is not None  # one match: its form
    none = web.get("/intake", {"procedure": "zzz không có"})
    assert "Không có thủ tục nào khớp" in none.html.find(id="procedure-matches").text


def test_a_form_without_its_token_gets_a_vietnamese_message(web, officers):
    login(web, "recv1")
    _, code, _ = receive(web)
    # a valid body, only the CSRF token missing
    reply = web.post(f"/dossiers/{code}/act", {"action": "transfer",
                                               "processing_unit": "000.20.01.H26"}, status=400)
    message = reply.html.find("main").text
    assert "Biểu mẫu đã hết hạn" in message and "check_csrf_token" not in reply.text
    api = web.post_json(f"/api/v1/dossiers/{code}/actions", {"action": "transfer",
                        "processing_unit": "000.20.01.H26"}, status=400).json
    assert "CSRF" in api["error"]


def test_each_action_is_confirmed_and_destructive_ones_look_different(web, officers):
    login(web, "recv1")
    _, code, _ = receive(web)
    page = web.get(f"/dossiers/{code}")
    assert "danger" in page.html.select_one("#action-withdraw button")["class"]
    assert "danger" not in (page.html.select_one("#action-transfer button").get("class") or [])
    form = page.forms["action-transfer"]
    form["processing_unit"] = "000.20.01.H26"
    page = form.submit(status=303).follow()
    assert "Đã thực hiện: chuyển xử lý" in page.html.find(class_="notice").text
    assert page.html.find(class_="notice") is not None
    assert web.get(f"/dossiers/{code}").html.find(class_="notice") is None  # shown once


def test_dates_officers_and_units_read_as_people_read_them(web, officers, portal):
    login(web, "recv1")
    _, code, _ = receive(web)
    page = web.get(f"/dossiers/{code}")
    history = page.html.find("table", class_="history")
    text = history.text
    assert "Recv1" in text and "Chi nhánh số 1 - Hoàn Kiếm" in text  # names, not ids
    assert "000.00.01.H26" not in text
    assert re.search(r"\b\d{2}/\d{2}/\d{4}\b", text) and not re.search(r"\d{4}-\d{2}-\d{2}",
                                                                      text)
    procedures = web.get("/procedures/").html.find("thead").text
    assert "Mã thủ tục" in procedures and "Mã hồ sơ" not in procedures


def test_the_lookup_is_linked_from_the_login_and_start_pages(web, officers):
    assert web.get("/login").html.select_one("#lookup-link a")["href"].endswith("/lookup")
    login(web, "recv1")
    assert web.get("/").html.select_one("#lookup-link a")["href"].endswith("/lookup")


def test_the_result_number_pattern_is_a_valid_browser_regex(web, officers, portal):
    # NB: browsers compile the pattern attribute with the `v` flag, where a bare `/` in a
    # character class is an error: then the check is silently off.
    if shutil.which("node") is None:
        unavailable("node (Debian nodejs, scripts/install.sh --test)", "not on PATH")
    login(web, "recv1")
    _, code, _ = receive(web)
    csrf = api_login(web, "recv1", PASSWORD)
    act(web, code, "transfer", csrf, processing_unit=JUSTICE)
    web.reset()
    login(web, "proc1")
    pattern = web.get(f"/dossiers/{code}").html.find("input", attrs={"name": "number_symbol"})[
        "pattern"]
    script = ("const r = new RegExp('^(?:' + process.argv[1] + ')$', 'v');"
              "console.log(JSON.stringify(process.argv.slice(2).map(s => r.test(s))));")
    out = subprocess.run(["node", "-e", script, pattern, "15/QĐ-UBND", "01/2023/TT-VPCP",
                          "QĐ-UBND", "15/"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [True, True, False, False]


def test_the_e_result_stamp_sits_inside_the_printable_area_with_issuer_number_and_date():
    result = Result(None, doc_type="QUYẾT ĐỊNH", number_symbol="15/QĐ-UBND",
                    issuer="UBND phường Hàng Bạc", issue_date=datetime.date(2026, 2, 5))
    url = "https://dichvucong.example.gov.vn/verify/" + "t" * 32
    caption = stamp_caption(result, url)
    stamped = stamped_bytes(pdf_bytes("QUYẾT ĐỊNH"), url, caption)
    with pymupdf.open(stream=stamped, filetype="pdf") as doc:
        page = doc[0]
        (qr,) = page.get_image_info()
        stamp = [pymupdf.Rect(b[:4]) for b in page.get_text("blocks")
                 if "Verify at" in b[4] or "Xác thực" in b[4]]
        text = " ".join(page.get_text().split())
        area = pymupdf.Rect(page.rect)
    assert "15/QĐ-UBND" in text and "UBND phường Hàng Bạc" in text and "05/02/2026" in text
    assert url in text.replace(" ", "")  # the whole link, not cut off
    for box in [pymupdf.Rect(qr["bbox"])] + stamp:
        assert box.x0 >= PRINTABLE - 0.5 and box.y1 <= area.y1 - PRINTABLE + 0.5
        assert box.x1 <= area.x1 - PRINTABLE + 0.5


def test_intake_asks_why_a_required_component_is_missing_and_keeps_the_reason(web, officers,
                                                                             portal):
    login(web, "recv1")
    form = web.get("/intake", {"procedure": "1.001193"}).forms["intake-form"]
    assert "missing_reason" in form.fields
    assert form.html.find(id="missing-warning") is not None  # shown by the page's script
    _, code, _ = receive(web, **{"missing_reason": "người nộp bổ sung sau"})
    with portal() as p:
        note = p.dossiers[code].history[0]["note"]
    assert "missing at intake" in note and "người nộp bổ sung sau" in note
    page, other, _ = receive(web)  # no reason given: received, and said so on the receipt
    warning = page.html.find(id="missing-at-intake").text
    assert "Giấy chứng sinh" in warning or "Thiếu khi tiếp nhận" in warning
    with portal() as p:
        assert "no reason given" in p.dossiers[other].history[0]["note"]


def test_facets_are_filters_that_can_be_clicked_on_and_off(web, officers, wsgi):
    login(web, "recv1")
    receive(web, **{"applicant.name": "Nguyễn Văn An"})
    web.reset()
    login(web, "recv2")
    receive(web, **{"applicant.name": "Nguyễn Văn Ân", "applicant.id_number": "001206007777"})
    assert deliver(wsgi.registry.settings) == 2
    web.reset()
    login(web, "super")
    form = web.get("/search").forms["search-form"]
    form["q"] = "nguyen van"
    page = form.submit()
    branch = page.html.find("button", attrs={"data-facet": "receiving_unit",
                                             "value": "000.00.02.H26"})
    assert branch.text.strip() == "Chi nhánh số 2 - Cầu Giấy"  # the unit by name
    everything = int(re.match(r"\d+", page.html.find(id="search-total").text)[0])
    def click(page, name, value):
        # NB: facet buttons sit outside the form (form="search-form"), as a browser sends
        # them: the form's fields, then the button's name and value.
        fields = page.forms["search-form"].submit_fields() + [(name, value)]
        return web.post("/search", fields)
    filtered = click(page, "unit", "000.00.02.H26")
    assert int(re.match(r"\d+", filtered.html.find(id="search-total").text)[0]) < everything
    active = filtered.html.find("button", class_="active")
    assert active["value"] == "" and active["aria-pressed"] == "true"  # a click removes it
    again = click(filtered, "unit", "")
    assert again.html.find(id="search-total").text == page.html.find(id="search-total").text
