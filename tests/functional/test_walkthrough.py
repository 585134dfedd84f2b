"""What the walk-through found on the pages a centre uses all day: the searchable procedure
picker, confirmations after actions, destructive actions styled apart, /lookup linked from
the start and login pages, dates as dd/mm/yyyy, officers and units by name, the CSRF
message in Vietnamese, a valid pattern on the result number field."""
import re

import pytest

from tests.conftest import login
from tests.functional.helpers import receive

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
