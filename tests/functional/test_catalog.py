"""Lists, start page, dashboard and archive are served from the catalog, not a scan."""
import random

import pytest

from records import clock, workflow
from records.resources.dossiers import Dossier
from records.security import actor_for, can_see_dossier
from tests.conftest import BRANCH1, JUSTICE, PASSWORD, login
from tests.functional.helpers import api_login
from tests.generate import generate

pytestmark = pytest.mark.scale


@pytest.fixture
def generated(portal, officers):
    rng = random.Random(11)
    with portal() as p:
        generate(p, 160, rng=rng)
    return 160


def scan(portal, login_name, keep):
    """What the list must show, the slow way: every dossier, the visibility rule, newest first."""
    with portal() as p:
        actor = actor_for(p.users[login_name], p.units)
        found = [d for d in p.dossiers.values() if can_see_dossier(actor, d) and keep(d)]
        found.sort(key=lambda d: d.received_at, reverse=True)
        return [d.code for d in found]


def listed(web, **params):
    codes, page, total = [], 1, None
    while True:
        reply = web.get("/api/v1/dossiers", dict(params, page=page)).json
        total = reply["total"]
        codes += [d["code"] for d in reply["dossiers"]]
        if page >= reply["pages"]:
            return total, codes
        page += 1


@pytest.mark.parametrize("login_name", ["super", "recv1", "proc1", "arch"])
def test_the_catalog_lists_what_a_full_scan_finds(web, portal, generated, login_name):
    api_login(web, login_name, PASSWORD)
    today = clock.today()
    cases = [
        ({}, lambda d: True),
        ({"state": "in_processing"}, lambda d: d.state == "in_processing"),
        ({"state": "returned", "procedure": "2.000815"},
         lambda d: d.state == "returned" and d.procedure_code == "2.000815"),
        ({"unit": JUSTICE}, lambda d: JUSTICE in (d.receiving_unit, d.processing_unit)),
        ({"unit": BRANCH1, "overdue": "1"},
         lambda d: BRANCH1 in (d.receiving_unit, d.processing_unit)
         and workflow.is_overdue(d, today)),
    ]
    for params, keep in cases:
        expected = scan(portal, login_name, keep)
        assert listed(web, **params) == (len(expected), expected), params
    everything = scan(portal, login_name, lambda d: True)
    if everything:
        code = everything[len(everything) // 2]
        assert code in listed(web, q=code[-11:])[1]   # the YYMMDD-XXXX tail
        assert listed(web, q=code) == (1, [code])


def test_a_change_moves_the_dossier_between_lists(web, portal, generated):
    csrf = api_login(web, "super", PASSWORD)
    total, codes = listed(web, state="received")
    code = codes[0]
    with portal() as p:
        dossier = p.dossiers[code]
        now = clock.now()
        dossier.state = "withdrawn"
        dossier.closed_at = now
        dossier.record("withdraw", "super", now, dossier.receiving_unit, "received", "withdrawn")
    assert listed(web, state="received") == (total - 1, codes[1:])
    assert code in listed(web, state="withdrawn")[1]
    assert csrf


def test_no_page_reads_every_dossier(web, portal, db, generated, monkeypatch):
    loads = []
    original = Dossier.__setstate__

    def counting(self, state):
        loads.append(state.get("code"))
        return original(self, state)
    monkeypatch.setattr(Dossier, "__setstate__", counting)
    year = clock.today().year
    pages = {"super": ("/dossiers/", "/dossiers/?state=returned", "/", "/dashboard",
                       f"/api/v1/dashboard?year={year}", "/api/v1/dossiers?unit=000.20.01.H26"),
             "arch": ("/archive",)}
    for name, urls in pages.items():
        web.reset()
        login(web, name)
        for url in urls:
            db.cacheMinimize()  # NB: every dossier a page touches is loaded again
            loads.clear()
            web.get(url)
            lists = url.startswith(("/dossiers/", "/api/v1/dossiers")) or url == "/"
            assert not lists or len(loads) > 0, url  # the count means something
            assert len(loads) <= 60, (url, len(loads))  # a page of 50, not all 160


@pytest.mark.parametrize("login_name", ["super", "recv1", "proc1"])
def test_a_list_by_state_and_unit_is_what_a_full_scan_finds(web, portal, generated, login_name):
    api_login(web, login_name, PASSWORD)
    with portal() as p:  # NB: the processing unit moves: the index follows the change
        moved = next(d for d in p.dossiers.values() if d.state == "in_processing")
        moved.processing_unit = BRANCH1 if moved.processing_unit != BRANCH1 else JUSTICE
        moved.changed()
    for state in ("in_processing", "returned", "received"):
        for unit in (JUSTICE, BRANCH1):
            expected = scan(portal, login_name, lambda d: d.state == state and unit in (
                d.receiving_unit, d.processing_unit))
            assert listed(web, state=state, unit=unit) == (len(expected), expected), \
                (state, unit)
