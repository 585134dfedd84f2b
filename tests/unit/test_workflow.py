"""The workflow's clock is the portal's (UTC+7), never the server's date."""
import datetime

import pytest

from records import clock, workflow
from records.resources.dossiers import Dossier

pytestmark = pytest.mark.house


def test_overdue_is_judged_by_the_portal_clock(monkeypatch):
    # 23:30 UTC on 5 March 2099 is already 6 March at the centre (UTC+7); the server's
    # own date (today, decades earlier) would say the dossier is not late
    instant = datetime.datetime(2099, 3, 5, 23, 30, tzinfo=datetime.timezone.utc)
    monkeypatch.setattr(clock, "now", lambda: instant.astimezone(clock.TIMEZONE))
    dossier = Dossier("U-1", "1.001193", {}, "in_person", "U",
                      datetime.datetime(2099, 3, 2, 9, tzinfo=clock.TIMEZONE), "recv1",
                      datetime.date(2099, 3, 5), "h")
    assert workflow.is_overdue(dossier)
    assert not workflow.is_overdue(dossier, datetime.date(2099, 3, 5))
