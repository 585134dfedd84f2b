"""Browsing closed dossiers as records by class (field), unit, procedure and year, with
the retention end and the hold status (page and API)."""
import pytest

from records import clock
from records.archive import holds
from tests.conftest import BRANCH2
from tests.functional.helpers import receive
from tests.functional.helpers import as_, closed_dossier, login_as, set_closed

pytestmark = pytest.mark.archive


def test_records_by_field_unit_procedure_and_year(web, officers, portal):
    old, recent = closed_dossier(web), closed_dossier(web)
    set_closed(portal, old, 6)
    login_as(web, "recv1")
    _, still_open, _ = receive(web)
    with portal() as p:
        holds.place(p, p.dossiers[recent], "thanh tra", "arch", None, clock.now())
        field = p.procedures[p.dossiers[old].procedure_code].field
        old_year = p.dossiers[old].closed_at.year
    login_as(web, "arch")
    page = web.get("/archive/records")
    table = page.html.find(id="records")
    assert table.find(id=f"record-{old}") and table.find(id=f"record-{recent}")
    assert table.find(id=f"record-{still_open}") is None  # open: not a record yet
    assert "thanh tra" in table.find(id=f"record-{recent}").text
    assert table.find(id=f"record-{recent}").find(class_="hold") is not None
    assert table.find(id=f"record-{old}").find(class_="hold") is None

    def codes(**params):
        reply = web.get("/api/v1/archive/records", params=params).json
        return {r["code"] for r in reply["records"]}

    assert codes(year=str(old_year)) == {old}
    assert codes(field=field) == {old, recent} and codes(field="không có") == set()
    assert codes(procedure="1.001193") == {old, recent}
    assert codes(unit=BRANCH2) == set()
    (row,) = [r for r in web.get("/api/v1/archive/records").json["records"] if r["code"] == old]
    assert row["retention_years"] == 5 and row["retention_end"] and row["hold"] is None
    web.get("/archive/records", params={"year": "năm"}, status=400)
    web.get("/api/v1/archive/records", params={"year": "12"}, status=400)
    as_(web, "recv1")
    web.get("/api/v1/archive/records", status=403)
