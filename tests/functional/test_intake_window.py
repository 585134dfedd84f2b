"""An intake's slow part (PIN hash, files, receipt) runs before the snapshot its writes are
made in: a change another request commits meanwhile does not make it conflict and run
again (records.store.fresh_snapshot)."""
import pytest

from records.intake import receive as receiving
from tests.conftest import login, portal_of
from tests.functional.helpers import receive

pytestmark = pytest.mark.scale
BOTH_STORES = True
APPLICANT = "001203004567"   # the one tests.functional.helpers.intake_form sends


@pytest.fixture
def rendered(web, officers, db, monkeypatch):
    """The codes of the receipts rendered; while the first one is, another request commits
    the same applicant's first dossier: both create the applicant's list, a conflict no
    resolution settles had the intake read the store before."""
    login(web, "recv1")
    codes = []
    real = receiving.render_receipt

    def render_while_another_intake_commits(*args, **kw):
        codes.append(args[0].code)
        if len(codes) == 1:
            with portal_of(db) as other:
                other.note_applicant(APPLICANT, "ANOTHER-CODE")
        return real(*args, **kw)

    monkeypatch.setattr(receiving, "render_receipt", render_while_another_intake_commits)
    return codes


def test_a_change_committed_during_the_receipt_does_not_make_the_intake_run_again(
        web, db, rendered):
    _, code, _ = receive(web)
    assert rendered == [code]          # one attempt: no retry
    with portal_of(db) as p:
        assert set(p.dossiers_of(APPLICANT)) == {code, "ANOTHER-CODE"}
        assert p.dossiers[code].receipt is not None


def test_without_the_fresh_snapshot_the_same_change_costs_a_second_attempt(
        web, db, rendered, monkeypatch):
    """The control: the conflict above is real when the intake keeps its first snapshot."""
    monkeypatch.setattr("records.views.common.fresh_snapshot", lambda request: False)
    _, code, _ = receive(web)
    assert len(rendered) == 2 and rendered[-1] == code
    with portal_of(db) as p:
        assert set(p.dossiers_of(APPLICANT)) == {code, "ANOTHER-CODE"}
