"""Retention rules, the disposition rules and the archive's evolve step (in-memory store)."""
import datetime
import json

import pytest
import transaction
import ZODB

from records import evolve
from records.archive import records as archive
from records.resources.dossiers import Dossier
from records.seed import seed
from records.store import get_portal

pytestmark = pytest.mark.foundation

ICT = datetime.timezone(datetime.timedelta(hours=7))
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=ICT)
EVERY = lambda dossier: True  # noqa: E731 - who may see what is tested in test_archive.py


def dossier(portal, code, procedure, state="returned",
            closed=datetime.datetime(2015, 1, 5, tzinfo=ICT)):
    d = Dossier(code, procedure, {"name": "A", "id_number": "001203004567"}, "in_person", "U",
                closed, "recv1", closed.date(), "h")
    d.state, d.closed_at = state, closed
    portal.dossiers.add(code, d)
    d.changed()  # NB: indexed in the catalog, as Dossier.record does for a real change
    return d


@pytest.fixture
def portal():
    db = ZODB.DB(None)
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    p = get_portal(conn.root())
    seed(p)
    yield p
    tm.abort()
    conn.close()
    db.close()


def test_retention_rules_from_data(portal):
    birth = dossier(portal, "U-1", "1.001193")                      # Hộ tịch: permanent
    copy = dossier(portal, "U-2", "2.000815")                       # certified copy: 5 years
    withdrawn = dossier(portal, "U-3", "1.001193", state="withdrawn")
    judicial = dossier(portal, "U-4", "2.000488")                   # 10 years
    open_one = dossier(portal, "U-5", "2.000815", state="in_processing")
    assert archive.retention_of(portal, birth)["years"] == "permanent"
    assert archive.retention_end(portal, birth) is None
    assert archive.retention_of(portal, copy)["rule"] == "result_kind"
    assert archive.retention_end(portal, copy) == datetime.date(2020, 1, 5)
    assert archive.retention_of(portal, withdrawn)["rule"] == "rejected_or_withdrawn"
    assert archive.retention_end(portal, judicial) == datetime.date(2025, 1, 5)
    assert archive.retention_end(portal, open_one) is None
    due = archive.due_for_disposition(portal, NOW.date())
    assert [code for code, _ in due] == ["U-2", "U-3", "U-4"]
    assert [end for _, end in archive.due_for_disposition(portal, NOW.date())] == [
        datetime.date(2020, 1, 5), datetime.date(2020, 1, 5), datetime.date(2025, 1, 5)]


def test_rules_by_procedure_win_and_bad_years_are_refused(portal):
    rules = archive.load_rules()
    rules["by_procedure"] = {"1.001193": {"years": 3, "basis": "local"}}
    birth = dossier(portal, "U-1", "1.001193")
    assert archive.retention_end(portal, birth, rules) == datetime.date(2018, 1, 5)
    rules["default"] = {"years": 0}
    with pytest.raises(ValueError):
        archive.load_rules(json.dumps(rules))


def test_leap_day_closing(portal):
    d = dossier(portal, "U-1", "2.000815", closed=datetime.datetime(2016, 2, 29, tzinfo=ICT))
    assert archive.retention_end(portal, d) == datetime.date(2021, 2, 28)


def test_proposal_needs_a_reason_an_ended_retention_and_a_second_person(portal):
    dossier(portal, "U-2", "2.000815")
    dossier(portal, "U-1", "1.001193")
    with pytest.raises(archive.DispositionError, match="reason"):
        archive.propose(portal, ["U-2"], "", "arch", NOW, may_see=EVERY)
    with pytest.raises(archive.DispositionError, match="has not ended"):
        archive.propose(portal, ["U-1"], "x", "arch", NOW, may_see=EVERY)
    with pytest.raises(archive.DispositionError, match="no dossier"):
        archive.propose(portal, ["U-2"], "x", "arch", NOW, may_see=lambda d: False)
    proposal = archive.propose(portal, ["U-2"], "hết hạn", "arch", NOW, may_see=EVERY)
    with pytest.raises(archive.DispositionError, match="already proposed"):
        archive.propose(portal, ["U-2"], "x", "arch2", NOW, may_see=EVERY)
    with pytest.raises(archive.DispositionError, match="someone other") as e:
        archive.approve(portal, proposal.proposal_id, "arch", NOW, may_see=EVERY)
    assert e.value.status == 403
    archive.approve(portal, proposal.proposal_id, "lead1", NOW, may_see=EVERY)
    assert archive.is_disposed(portal, "U-2") and not archive.is_disposed(portal, "U-1")
    assert portal.dossiers["U-2"].history[-1]["user"] == "lead1"
    with pytest.raises(archive.DispositionError, match="already disposed"):
        archive.propose(portal, ["U-2"], "x", "arch", NOW, may_see=EVERY)


@pytest.mark.house
def test_who_may_see_a_dossier_has_no_default(portal):
    """Leaving ``may_see`` out is an error, not a permission to see everything."""
    dossier(portal, "U-2", "2.000815")
    with pytest.raises(TypeError, match="may_see"):
        archive.propose(portal, ["U-2"], "hết hạn", "arch", NOW)
    proposal = archive.propose(portal, ["U-2"], "hết hạn", "arch", NOW, may_see=EVERY)
    for decide in (archive.approve, archive.reject):
        with pytest.raises(TypeError, match="may_see"):
            decide(portal, proposal.proposal_id, "lead1", NOW)
    assert not archive.is_disposed(portal, "U-2")


def test_evolve_step_4_adds_the_archive():
    db = ZODB.DB(None)
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        del portal.archive
        portal.generation = 3  # as stored before the step existed
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        assert portal.generation == len(evolve.STEPS) >= 4
        assert isinstance(portal.archive, archive.Archive)
        assert portal.archive.last_runs() == [] and not portal.archive.disposed
    db.close()


def test_download_audit_is_kept_per_dossier(portal):
    a = portal.archive
    a.record_download("U-2", "f1", "recv1", "X", NOW)
    a.record_download("U-1", "f2", "proc1", "Y", NOW)
    a.record_download("U-2", "f3", "arch", "Z", NOW, kind="export")
    assert [(e["file_id"], e["login"]) for e in a.downloads_of("U-2")] == [
        ("f1", "recv1"), ("f3", "arch")]
    assert a.downloads_of("U-") == []
