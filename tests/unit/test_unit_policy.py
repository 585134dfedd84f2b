"""The evolve step that gives every unit its reuse policy (on an in-memory database)."""
import pytest
import ZODB

from records import evolve
from records.resources.units import Unit
from records.store import get_portal
from tests.conftest import BRANCH1, BRANCH2

pytestmark = pytest.mark.hardening


def test_units_made_before_the_policy_get_the_default():
    db = ZODB.DB(None)
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        for identifier in (BRANCH1, BRANCH2):
            portal.units.add(identifier, Unit(identifier, "Chi nhánh", "branch"))
            del portal.units[identifier].reuse  # as stored before generation 5
        portal.generation = 4
    with db.transaction() as conn:
        portal = conn.root()["portal"]
        assert evolve.evolve(portal) == 1
        assert [u.reuse for u in portal.units.values()] == ["identity", "identity"]
    db.close()
