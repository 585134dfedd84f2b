"""The "state-unit-index" evolve step on an in-memory database: a catalog made before the
(state, unit) index gets it, filled from its entries as a fresh catalog keeps it."""
import datetime
import random

import pytest
import ZODB

from records import clock, evolve
from records.seed import seed
from records.store import get_portal
from tests.generate import generate

pytestmark = pytest.mark.scale


def snapshot(catalog):
    return ({k: sorted(v) for k, v in catalog.by_state_unit.items() if len(v)},
            {k: n() for k, n in catalog.state_unit_counts.items() if n()})


def test_a_catalog_from_before_gets_the_state_unit_index_filled():
    db = ZODB.DB(None)
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        seed(portal)
        generate(portal, 200, end=datetime.datetime(2026, 12, 1, tzinfo=clock.TIMEZONE),
                 rng=random.Random(5))
        catalog = portal.catalog
        expected = snapshot(catalog)
        sets, counts = expected
        assert all(len(sets[k]) == counts[k] for k in sets) and sets.keys() == counts.keys()
        assert sum(counts.values()) >= len(catalog)  # received and processed: up to two keys
        del catalog.by_state_unit, catalog.state_unit_counts  # as stored before the step
        portal.generation = [n for n, _ in evolve.STEPS].index("state-unit-index")
    with db.transaction() as conn:
        portal = conn.root()["portal"]
        assert evolve.evolve(portal) >= 1
        assert snapshot(portal.catalog) == expected
    db.close()
