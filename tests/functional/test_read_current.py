"""An intake locks no tree node "to read current" (issue "Scale on real engines", point 5).

BTrees call ``Connection.readCurrent`` on every tree node they walk to change a bucket
(BTreeTemplate.c ``_BTree_set``: ``PER_READCURRENT``); at commit RelStorage locks each such
node that the transaction did not itself change (on PostgreSQL a shared advisory lock,
taken without waiting) and checks it was not changed since: a concurrent split anywhere in
that tree fails the commit (``lock_not_available``, a deadlock, or a read conflict). The
trees every intake adds to are spread (records.spread) so that, while their shards are one
bucket each, an intake walks no node it does not change; a tree left whole shows up here
as soon as it has two buckets (30-odd keys).
"""
import random

import pytest
from ZODB.Connection import Connection

from tests.conftest import login
from tests.functional.helpers import receive

pytestmark = pytest.mark.scale
INTAKES = 40  # NB: more than an OO bucket holds (30): a tree left whole has split by then


def test_an_intake_walks_no_tree_node_it_does_not_change(web, officers, monkeypatch):
    login(web, "recv1")
    rng = random.Random(4)

    def intake():
        receive(web, **{"applicant.id_number": f"{rng.randrange(10 ** 11, 10 ** 12)}"})

    for _ in range(INTAKES):
        intake()
    read_current, commit = [], Connection.commit

    def noting(connection, txn):
        result = commit(connection, txn)
        # NB: what is left once the changed objects are stored is what is locked at vote
        read_current.extend(type(connection.get(oid)).__name__
                            for oid in connection._readCurrent)
        return result

    monkeypatch.setattr(Connection, "commit", noting)
    intake()
    assert read_current == []
