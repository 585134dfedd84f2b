"""The pages a centre uses all day name things in Vietnamese (issue 9, point 7): roles,
search facets and hit kinds, audit trail actions and details, and the notes the portal
writes itself in a dossier's history, which stay as stored (English) in the API."""
import pytest

from records.workers.indexing import deliver
from tests.conftest import login
from tests.functional.helpers import as_, closed_dossier, mark_read, receive

pytestmark = pytest.mark.hardening


def _history_notes(page):
    return [tr.find_all("td")[-1].text for tr in page.html.find("table", class_="history")
            .find("tbody").find_all("tr")]


def test_the_notes_the_portal_writes_are_shown_in_the_pages_language(web, officers, portal):
    login(web, "recv1")
    _, code, _ = receive(web, **{"missing_reason": "người nộp bổ sung sau"})
    _, other, _ = receive(web)
    file_id = mark_read(portal, code, {"issuer": {"value": "UBND", "confidence": 0.5}})
    csrf = as_(web, "recv1")
    web.post_json(f"/api/v1/dossiers/{code}/files/{file_id}/fields",
                  {"field": "issuer", "value": "UBND phường Hàng Bạc"},
                  headers={"X-CSRF-Token": csrf})
    web.reset()
    login(web, "recv1")
    notes = _history_notes(web.get(f"/dossiers/{code}"))
    assert notes[0] == ("thiếu khi tiếp nhận: Giấy chứng sinh; Căn cước công dân / Căn cước "
                        "(bản sao hoặc xuất trình) (lý do: người nộp bổ sung sau)")
    assert notes[-1] == "to-khai.pdf: Cơ quan ban hành = UBND phường Hàng Bạc"
    assert _history_notes(web.get(f"/dossiers/{other}"))[0].endswith("(không nêu lý do)")
    web.set_cookie("_LOCALE_", "en")
    assert _history_notes(web.get(f"/dossiers/{code}"))[-1] == (
        "to-khai.pdf: Issuer = UBND phường Hàng Bạc")
    # the API keeps the note as stored
    history = web.get(f"/api/v1/dossiers/{code}").json["history"]
    assert history[0]["note"].startswith("missing at intake: Giấy chứng sinh")
    assert history[-1]["note"] == "to-khai.pdf: issuer = UBND phường Hàng Bạc"


def test_roles_are_named(web, officers):
    login(web, "admin")
    page = web.get("/users/")
    row = page.html.find("tr", attrs={"data-login": "lead1"}).text
    assert "Lãnh đạo" in row and "leader" not in row
    form = page.html.find("fieldset").text
    assert "Cán bộ tiếp nhận" in form and "Văn thư, lưu trữ" in form
    assert "receiving" not in form and "archivist" not in form


def test_search_facets_and_hit_kinds_are_named(web, officers, wsgi):
    login(web, "recv1")
    receive(web)
    deliver(wsgi.registry.settings)
    form = web.get("/search").forms["search-form"]
    form["q"] = "Nguyễn Văn An"
    page = form.submit()
    facets = page.html.find("aside", class_="facets")
    headings = [h.text for h in facets.find_all("h3")]
    assert "Loại" in headings and "Nơi tiếp nhận" in headings and "Trạng thái" in headings
    assert not {"kind", "receiving_unit", "state", "procedure"} & set(headings)
    values = [b.text.strip() for b in facets.find_all("button")]
    assert "Hồ sơ" in values and "Chi nhánh số 1 - Hoàn Kiếm" in values
    assert "dossier" not in values and "000.00.01.H26" not in values
    assert "Hồ sơ" in page.html.find("li", class_="hit").find("small").text


def test_the_audit_trail_names_actions_officers_units_and_details(web, officers):
    code = closed_dossier(web)  # archivists see the trail of closed dossiers
    login(web, "arch")
    web.get(f"/dossiers/{code}/audit")
    page = web.get("/archive/trail", {"code": code})
    rows = {tr["data-action"]: [td.text for td in tr.find_all("td")]
            for tr in page.html.find(id="trail").find("tbody").find_all("tr")}
    when, who, unit, action, _, details = rows["transfer"][1:]
    assert action == "chuyển xử lý" and who == "Recv1" and unit == "Chi nhánh số 1 - Hoàn Kiếm"
    assert when.count("/") == 2  # dd/mm/yyyy hh:mm
    assert details == "từ: Đã tiếp nhận; sang: Đang xử lý"
    assert rows["withdraw"][4] == "rút hồ sơ" and "công dân rút hồ sơ" in rows["withdraw"][6]
    assert rows["view_dossier_audit"][4] == "mở trang lưu trữ của hồ sơ"
    assert "from_state" not in page.text and "to_state" not in page.text


def test_english_stays_english(web, officers):
    web.set_cookie("_LOCALE_", "en")
    login(web, "admin")
    assert "Receiving officer" in web.get("/users/").html.find("fieldset").text
