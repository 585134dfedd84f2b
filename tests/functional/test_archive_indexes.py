"""The archive's lists are served from the catalog: the records browse, the disposal
candidates, the holds, the audit-trail search and a disposition read the dossiers of one
page (or of one proposal), never every dossier; and they list what a full scan finds."""
import datetime
import random

import pytest

from records import clock
from records.archive import holds
from records.archive.records import retention_end
from records.resources.dossiers import Dossier, Dossiers
from records.security import actor_for, can_see_dossier
from records.workflow import CLOSED_STATES
from tests.conftest import BRANCH1, JUSTICE, PASSWORD, login
from tests.functional.helpers import api_login
from tests.generate import generate

pytestmark = [pytest.mark.archive, pytest.mark.scale]

COUNT = 200


@pytest.fixture
def generated(portal, officers):
    """200 dossiers: 160 received 8 to 14 years ago (many past a 5-year retention), 60 in the
    last year; two on hold."""
    rng = random.Random(5)
    with portal() as p:
        now = clock.now()
        generate(p, 160, end=now - datetime.timedelta(days=365 * 8), days=365 * 6, rng=rng)
        generate(p, COUNT - 160, rng=rng)
        closed = sorted(d.code for d in p.dossiers.values() if d.state in CLOSED_STATES)
        for code in (closed[3], closed[-3]):
            holds.place(p, p.dossiers[code], "thanh tra", "arch", None, now)
    return COUNT


def actor_of(p, login_name):
    return actor_for(p.users[login_name], p.units)


def scan_records(portal, login_name, keep=lambda p, d: True):
    """The records list the slow way: every dossier, newest closed first."""
    with portal() as p:
        actor = actor_of(p, login_name)
        found = [d for d in p.dossiers.values() if d.state in CLOSED_STATES
                 and can_see_dossier(actor, d) and keep(p, d)]
        found.sort(key=lambda d: (-d.closed_at.date().toordinal(), d.code))
        return [d.code for d in found]


def scan_due(portal, login_name):
    with portal() as p:
        actor, today = actor_of(p, login_name), clock.today()
        found = []
        for d in p.dossiers.values():
            end = retention_end(p, d)
            if end is not None and end < today and can_see_dossier(actor, d):
                found.append((end, d.code))
        return [code for _, code in sorted(found)]


def pages_of(web, url, key, **params):
    codes, page = [], 1
    while True:
        reply = web.get(url, dict(params, page=page)).json
        codes += [r["code"] for r in reply[key]]
        if page >= reply["pages"]:
            return reply["total"], codes
        page += 1


@pytest.mark.parametrize("login_name", ["admin", "arch"])
def test_the_records_browse_lists_what_a_full_scan_finds(web, portal, generated, login_name):
    api_login(web, login_name, PASSWORD)
    with portal() as p:
        field = p.procedures["2.000815"].field
        year = max(d.closed_at.year for d in p.dossiers.values() if d.closed_at) - 10
        held = set(p.archive.holds.keys())
    cases = [
        ({}, lambda p, d: True),
        ({"field": field}, lambda p, d: p.procedures[d.procedure_code].field == field),
        ({"procedure": "1.001193"}, lambda p, d: d.procedure_code == "1.001193"),
        ({"unit": JUSTICE}, lambda p, d: JUSTICE in (d.receiving_unit, d.processing_unit)),
        ({"year": str(year), "unit": BRANCH1},
         lambda p, d: d.closed_at.year == year
         and BRANCH1 in (d.receiving_unit, d.processing_unit)),
        ({"year": str(year)}, lambda p, d: d.closed_at.year == year),
        ({"year": str(year), "procedure": "1.001193"},   # a filter the year's counts miss
         lambda p, d: d.closed_at.year == year and d.procedure_code == "1.001193"),
        ({"held": "1"}, lambda p, d: d.code in held),
    ]
    for params, keep in cases:
        expected = scan_records(portal, login_name, keep)
        assert pages_of(web, "/api/v1/archive/records", "records", **params) == (
            len(expected), expected), params
    assert len(scan_records(portal, login_name)) > 50  # more than one page was compared
    expected = scan_due(portal, login_name)
    assert len(expected) > 50
    assert pages_of(web, "/api/v1/archive/disposal", "dossiers") == (len(expected), expected)


def test_the_browse_follows_a_hold_a_reclosing_and_an_edited_procedure(web, portal,
                                                                      generated):
    api_login(web, "admin", PASSWORD)
    code = scan_records(portal, "admin")[10]
    with portal() as p:
        holds.place(p, p.dossiers[code], "điều tra", "admin", None, clock.now())
    assert code in pages_of(web, "/api/v1/archive/records", "records", held="1")[1]
    with portal() as p:
        holds.lift(p, p.dossiers[code], "xong", "admin", None, clock.now())
        dossier = p.dossiers[code]
        dossier.closed_at = datetime.datetime(2001, 6, 1, tzinfo=datetime.timezone.utc)
        dossier.record("note", "admin", clock.now(), None, dossier.state, dossier.state)
    assert code not in pages_of(web, "/api/v1/archive/records", "records", held="1")[1]
    assert pages_of(web, "/api/v1/archive/records", "records", year="2001") == (1, [code])
    assert scan_records(portal, "admin")[-1] == code  # the oldest: on the last page
    assert pages_of(web, "/api/v1/archive/records", "records")[1][-1] == code
    with portal() as p:  # an administrator moves a procedure to another field
        p.procedures["1.001193"].update(field="Lĩnh vực mới")
    expected = scan_records(portal, "admin", lambda p, d: d.procedure_code == "1.001193")
    assert pages_of(web, "/api/v1/archive/records", "records", field="Lĩnh vực mới") == (
        len(expected), expected)


def count_loads(monkeypatch):
    """The dossiers loaded from the store from now on (codes), and a store whose dossiers
    folder refuses to be walked."""
    loads = []
    original = Dossier.__setstate__

    def counting(self, state):
        loads.append(state.get("code"))
        return original(self, state)

    def walked(self, *args):
        raise AssertionError("a request walked the dossiers folder")
    monkeypatch.setattr(Dossier, "__setstate__", counting)
    for name in ("values", "items", "keys", "__iter__"):
        monkeypatch.setattr(Dossiers, name, walked)
    return loads


def test_no_archive_page_reads_every_dossier(web, portal, db, generated, monkeypatch):
    login(web, "arch")
    year = clock.today().year
    urls = ("/archive", "/archive?page=2", "/archive/records", "/archive/records?page=3",
            f"/archive/records?year={year}", f"/archive/records?unit={JUSTICE}&held=1",
            "/api/v1/archive/records?page=2", "/api/v1/archive/disposal?page=2",
            "/api/v1/archive/holds", "/archive/trail", "/archive/trail.csv",
            "/api/v1/audit?format=csv", "/api/v1/audit")
    loads = count_loads(monkeypatch)
    for url in urls:
        db.cacheMinimize()  # NB: every dossier a page touches is loaded again
        loads.clear()
        reply = web.get(url)
        if url.startswith(("/archive/records", "/api/v1/archive/records", "/archive?")):
            assert len(loads) > 0, url  # the count means something
        assert len(loads) <= 55, (url, len(loads))  # a page of 50, not all 200
        if url == "/archive":
            assert reply.html.find(id="due-pages") is not None  # more than a page is due


def test_a_disposition_reads_its_own_dossiers_only(web, portal, db, generated, monkeypatch):
    csrf = login(web, "arch")
    page = web.get("/archive")
    code = page.html.find(id="propose-form").find("input", attrs={"name": "code"})["value"]
    web.post("/archive/propose", {"code": code, "reason": "hết hạn", "csrf_token": csrf},
             status=303)
    web.reset()
    csrf = login(web, "admin")
    with portal() as p:
        proposal = p.archive.pending()[0].proposal_id
    loads = count_loads(monkeypatch)
    db.cacheMinimize()
    web.post("/archive/approve", {"proposal": proposal, "csrf_token": csrf}, status=303)
    assert set(loads) <= {code}, loads  # not every other dossier, to find reuses
    monkeypatch.undo()
    with portal() as p:
        assert code in p.archive.disposed
        assert p.catalog.entries[code].disposed
