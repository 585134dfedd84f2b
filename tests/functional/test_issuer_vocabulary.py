"""An issuer an officer types in a correction joins the centre's issuer vocabulary, and a
later reading whose damaged header names it is matched to it (issue 12, point 6)."""
import pytest

from records.workers import pipeline
from tests.conftest import PASSWORD, login
from tests.functional.helpers import api_login, mark_read, receive

pytestmark = [pytest.mark.reading, pytest.mark.digitization]

# A body no data file lists, its header as OCR damages it (marks lost, a letter wrong,
# words run together).
NAME = "Ban Quản lý Khu du lịch Sa Huỳnh"
DAMAGED = ("BAN QUAN LY KHU DU LICH SA HUYNH", "BAN QUAN LY KHU DU LJCH SAHUYNH")
PAGE = ("{header}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 12/TB-BQL\n"
        "Quảng Ngãi, ngày 05 tháng 02 năm 2026\nTHÔNG BÁO\nVề việc đón khách\n"
        "Căn cứ Luật Du lịch ngày 19 tháng 6 năm 2017;")


def _received(web, portal):
    login(web, "recv1")
    _, code, _ = receive(web)
    file_id = mark_read(portal, code, {"issuer": {"value": "Ban Quản lý Khu", "confidence":
                                                  0.4, "page": 1}})
    web.reset()
    return code, file_id


def _read_again(settings, portal, code, text):
    """Store one page read from a text layer on the dossier's file, its reading running,
    and finish it as a worker does; returns the issuer field read."""
    with portal() as p:
        version = p.dossiers[code].components["application"].current
        reading = version.reading
        reading.state, reading.pages_total, reading.page_count = "running", 1, 1
        reading.pages = {1: {"number": 1, "source": "text-layer", "confidence": 0.95,
                              "text": text}}
        reading.fields = {}
        file_id = version.file_id
    assert pipeline.finish(settings, file_id)
    with portal() as p:
        return p.files[file_id].reading.fields["issuer"]


def test_a_corrected_issuer_is_matched_in_later_readings(web, officers, portal, settings):
    code, file_id = _received(web, portal)
    before = _read_again(settings, portal, code, PAGE.format(header=DAMAGED[0]))
    assert before is None or before["value"] != NAME or before["confidence"] < 0.8

    csrf = api_login(web, "recv1", PASSWORD)
    web.post_json(f"/api/v1/dossiers/{code}/files/{file_id}/fields",
                  {"field": "issuer", "value": NAME}, headers={"X-CSRF-Token": csrf})
    with portal() as p:
        assert NAME in p.known_issuers()

    for damaged in DAMAGED:
        found = _read_again(settings, portal, code, PAGE.format(header=damaged))
        assert found["value"] == NAME and found["confidence"] >= 0.8, found
