"""The officer sees the reader's doubt (issue 12): every field read carries its confidence;
those under the threshold are marked "cần kiểm tra" and come first, on the dossier page and
in the API, until an officer corrects them."""
import pytest

from records.services.corrections import CONFIDENT
from tests.conftest import PASSWORD, login
from tests.functional.helpers import api_login, mark_read, receive

pytestmark = pytest.mark.reading

READ = {"number_symbol": {"value": "15/QĐ-UBND", "confidence": 0.95, "page": 1},
        "doc_type": {"value": "QUYẾT ĐỊNH", "confidence": CONFIDENT, "page": 1},
        "issuer": {"value": "UBND phường Hàng Bạc", "confidence": 0.55, "page": 1},
        "issue_date": {"value": "2026-01-05", "confidence": 0.4, "page": 1},
        "place": {"value": None, "confidence": 0.2},   # unsure, so left empty
        "summary": {"value": "Về việc cấp phép"}}       # no confidence given: unsure


@pytest.fixture
def read_file(web, officers, portal):
    login(web, "recv1")
    _, code, _ = receive(web)
    file_id = mark_read(portal, code, READ)
    web.reset()
    return code, file_id


def test_the_api_gives_each_field_its_confidence_and_whether_to_check_it(web, read_file):
    code, file_id = read_file
    csrf = api_login(web, "recv1", PASSWORD)
    url = f"/api/v1/dossiers/{code}/files/{file_id}/fields"
    fields = web.get(url).json["fields"]
    assert [(f["field"], f["needs_check"]) for f in fields] == [
        ("issuer", True), ("issue_date", True), ("place", True), ("summary", True),
        ("number_symbol", False), ("doc_type", False)]  # to check first, then as usual
    by_name = {f["field"]: f for f in fields}
    assert by_name["issue_date"]["confidence"] == 0.4
    assert by_name["doc_type"]["confidence"] == CONFIDENT  # at the threshold: confident
    assert by_name["summary"]["confidence"] is None
    # an officer's correction settles the doubt; the confidence read stays
    fields = web.post_json(url, {"field": "issuer", "value": "UBND phường Hàng Bạc"},
                           headers={"X-CSRF-Token": csrf}).json["fields"]
    issuer = next(f for f in fields if f["field"] == "issuer")
    assert issuer["needs_check"] is False and issuer["confidence"] == 0.55
    assert [f["field"] for f in fields if f["needs_check"]] == [
        "issue_date", "place", "summary"]


def test_nothing_read_is_nothing_to_check(web, officers, portal):
    login(web, "recv1")
    _, code, _ = receive(web)
    file_id = mark_read(portal, code, {"number_symbol": {"value": "1/QĐ", "confidence": 0.9}})
    csrf = api_login(web, "recv1", PASSWORD)
    fields = web.get(f"/api/v1/dossiers/{code}/files/{file_id}/fields",
                     headers={"X-CSRF-Token": csrf}).json["fields"]
    assert not any(f["needs_check"] for f in fields)


def test_the_dossier_page_marks_the_doubtful_fields_and_lists_them_first(web, read_file):
    code, file_id = read_file
    login(web, "recv1")
    table = web.get(f"/dossiers/{code}").html.find(id=f"fields-{file_id}")
    assert table.has_attr("open")  # something to check: not folded away
    assert "4 cần kiểm tra" in table.find("summary").text
    rows = table.find_all("tr", class_="read-field")
    names = [r.find("td").text.replace("cần kiểm tra", "").strip() for r in rows]
    assert names == ["Cơ quan ban hành", "Ngày ban hành", "Địa danh", "Trích yếu",
                     "Số, ký hiệu", "Loại văn bản"]
    assert [r["data-needs-check"] for r in rows] == ["yes"] * 4 + ["no"] * 2
    assert [r.find("td", class_="confidence").text for r in rows] == [
        "55%", "40%", "20%", "—", "95%", "80%"]
    assert "05/01/2026" in rows[1].text  # the date read, as officers write it
    header = [th.text for th in table.find("thead").find_all("th")]
    assert header[:4] == ["Trường thông tin", "Giá trị", "Đọc được", "Độ tin cậy"]
    assert "Lĩnh vực" not in header and "number_symbol" not in table.text
