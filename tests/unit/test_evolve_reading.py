"""Evolve step of the reading issue: the centre's issuer vocabulary (on an in-memory
database)."""
import pytest
import ZODB

from records import evolve
from records.store import get_portal

pytestmark = pytest.mark.reading


class _Reading:
    def __init__(self, corrections):
        self.corrections = corrections


class _Version:
    def __init__(self, corrections):
        self.reading = _Reading(corrections)


def test_issuers_corrected_before_the_step_join_the_vocabulary():
    db = ZODB.DB(None)
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        del portal.issuer_names  # as stored before this step
        assert portal.known_issuers() == ()
        portal.files["f1"] = _Version(({"field": "issuer", "value": "Ban Quản lý Khu A"},
                                       {"field": "number_symbol", "value": "1/TB-BQL"}))
        portal.generation = [n for n, _ in evolve.STEPS].index("issuer-names")
    with db.transaction() as conn:
        portal = conn.root()["portal"]
        assert evolve.evolve(portal) >= 1
        assert portal.known_issuers() == ("Ban Quản lý Khu A",)
        portal.learn_issuer("Ban Quản lý Khu A")  # the same name once
        portal.learn_issuer("BAN QUẢN LÝ KHU A")  # the last spelling typed wins
        assert portal.known_issuers() == ("BAN QUẢN LÝ KHU A",)
    db.close()
