"""The officer's work page and the held-up report in a real browser, on generated
histories: steps late at the processing department, some waiting in its queue."""
import datetime

import pytest

from records import clock
from records.calendar import default_calendar
from records.intake.receive import receive
from records.process import service
from records.security import actor_for
from tests.browser.helpers import officer
from tests.conftest import BRANCH1, portal_of

pytestmark = [pytest.mark.process, pytest.mark.browser]


def generate(portal, count, start):
    """``count`` birth registrations received from ``start`` on: every one passes reception
    within the hour; even ones are claimed by proc1, every fourth finished and approved."""
    def who(login):
        return actor_for(portal.users[login], portal.units)
    codes = []
    for i in range(count):
        at = start + datetime.timedelta(minutes=10 * i)
        data = {"procedure": "1.001193", "channel": ("online", "in_person")[i % 2],
                "unit": BRANCH1, "applicant": {"kind": "person", "name": f"Công dân {i}",
                                               "id_number": f"0012030{i:05d}"}}
        dossier, _pin, _ = receive(portal, data, {}, who("recv1"), at, default_calendar(),
                                   set(), 1, portal.sequences)
        service.act(portal, dossier, who("recv1"), {"action": "finish"},
                    at + datetime.timedelta(minutes=40))
        if i % 2 == 0:
            service.act(portal, dossier, who("proc1"), {"action": "claim"},
                        at + datetime.timedelta(minutes=50))
        if i % 4 == 0:
            service.act(portal, dossier, who("proc1"), {"action": "finish"},
                        at + datetime.timedelta(hours=2))
        codes.append(dossier.code)
    return codes


def test_work_page_and_dashboard(browser, live_app, live_server, screenshot):
    application, _port = live_app
    # A week ago, 09:00 on a working day: every open step is late by now.
    day = clock.today() - datetime.timedelta(days=7)
    while not default_calendar().is_working_day(day):
        day -= datetime.timedelta(days=1)
    start = datetime.datetime.combine(day, datetime.time(9, 0), clock.TIMEZONE)
    with portal_of(application.registry.zodb) as portal:
        codes = generate(portal, 12, start)

    context, page = officer(browser, live_server, "proc1")
    page.goto("/work")
    rows = page.locator("#work tbody tr")
    assert rows.count() == 9   # 3 assigned to proc1 and late, 6 in the department's queue
    assert page.locator("#work tbody tr.late").count() == 9
    assert page.locator("#work button[value=finish]").count() == 3
    assert page.locator("#work button[value=claim]").count() == 6
    screenshot(page, "process-01-my-work")
    with page.expect_navigation():
        page.locator("#work tbody tr button[value=claim]").first.click()
    assert page.locator("#work button[value=claim]").count() == 5
    assert page.locator("#work button[value=finish]").count() == 4
    context.close()

    context, page = officer(browser, live_server, "super")
    page.goto(f"/reports/steps?from={day.replace(day=1).isoformat()}")
    assert page.locator("svg").count() == 2
    steps = {tuple(r.locator("td").all_inner_texts()[:2]): r.locator("td").all_inner_texts()
             for r in page.locator("#steps tbody tr").all()}
    assert steps[("1.001193", "receive")][3] == "12"
    assert steps[("1.001193", "review")][3] == "3"
    assert page.locator("#overdue tbody tr").count() == 9 + 3   # review 9, approve 3
    screenshot(page, "process-02-held-up")
    with page.expect_navigation():
        page.locator("#steps tbody tr", has_text="receive").locator("td a").first.click()
    assert sorted(page.locator("#codes li").all_inner_texts()) == sorted(codes)
    screenshot(page, "process-03-drill-down")
    # The monthly table's figures drill down too: received in person, six of twelve.
    page.goto(f"/reports/steps?from={day.replace(day=1).isoformat()}")
    national = page.locator("#national tbody tr", has_text="Hộ tịch")
    assert national.locator("td").nth(3).inner_text() == "6"
    with page.expect_navigation():
        national.locator("td").nth(3).locator("a").click()
    assert page.locator("#codes li").count() == 6
    # The leaders' dashboard, every figure a link to its dossiers.
    page.goto(f"/dashboard?month={day:%Y-%m}")
    assert page.locator("#fig-received").inner_text() == "12"
    assert page.locator("#figures a.drill").count() == 11
    screenshot(page, "process-04-dashboard")
    # A dossier's page with its steps: reception done, review late in proc1's hands.
    page.goto(f"/dossiers/{codes[2]}")
    rows = page.locator("#step-history tbody tr")
    assert rows.count() == 2 and page.locator("#current-step .late").count() == 1
    screenshot(page, "process-05-dossier-steps")
    context.close()
