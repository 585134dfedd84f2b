"""Evolve steps of the hardening issue: units get a reuse policy, users server-side
sessions (on in-memory databases)."""
import pytest
import ZODB

from records import evolve
from records.resources.units import Unit
from records.resources.users import User
from records.store import get_portal
from tests.conftest import BRANCH1, BRANCH2

pytestmark = pytest.mark.hardening


def step_number(name):
    return [n for n, _ in evolve.STEPS].index(name) + 1


def test_units_made_before_the_policy_get_the_default():
    db = ZODB.DB(None)
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        for identifier in (BRANCH1, BRANCH2):
            portal.units.add(identifier, Unit(identifier, "Chi nhánh", "branch"))
            del portal.units[identifier].reuse  # as stored before this step
        portal.generation = step_number("unit-reuse-policy") - 1
    with db.transaction() as conn:
        portal = conn.root()["portal"]
        assert evolve.evolve(portal) >= 1  # this step and any after it
        assert [u.reuse for u in portal.units.values()] == ["identity", "identity"]
    db.close()


def test_users_made_before_server_side_sessions_get_an_empty_list():
    db = ZODB.DB(None)
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        portal.users.add("old", User("old", "Old", "hash", {"receiving"}, BRANCH1))
        del portal.users["old"].sessions  # as stored before this step
        portal.generation = step_number("user-sessions") - 1
    with db.transaction() as conn:
        portal = conn.root()["portal"]
        assert evolve.evolve(portal) >= 1  # this step and any after it
        assert len(portal.users["old"].sessions) == 0
    db.close()
