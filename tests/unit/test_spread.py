"""records.spread's set algebra: a SpreadSet meets SpreadSets, BTree sets and None as the
BTrees functions do, and the answer is keyed by the same shards (membership works)."""
import random

import pytest
from BTrees.OOBTree import OOTreeSet
from BTrees.OOBTree import intersection as btree_intersection, union as btree_union

from records.spread import SpreadSet, intersection, union

pytestmark = pytest.mark.scale


def codes(rng, n):
    return {f"000.00.0{rng.randint(1, 3)}.H26-2603{rng.randint(1, 28):02d}-{rng.randint(1, 9999):04d}"
            for _ in range(n)}


@pytest.mark.parametrize("other_kind", ["spread", "spread of another shape", "tree set"])
def test_intersection_and_union_answer_as_the_btree_functions(other_kind):
    rng = random.Random(3)
    a, b = codes(rng, 3000), codes(rng, 3000) | set(list(codes(rng, 3000))[:1000])
    b |= set(list(a)[:700])
    spread = SpreadSet(8, keys=a)
    other = {"spread": lambda: SpreadSet(8, keys=b),
             "spread of another shape": lambda: SpreadSet(16, keys=b),
             "tree set": lambda: OOTreeSet(b)}[other_kind]()
    for got, expected in ((intersection(spread, other), btree_intersection(OOTreeSet(a), OOTreeSet(b))),
                          (intersection(other, spread), btree_intersection(OOTreeSet(a), OOTreeSet(b))),
                          (union(spread, other), btree_union(OOTreeSet(a), OOTreeSet(b)))):
        assert list(got) == list(expected) and len(got) == len(expected)
        assert all(code in got for code in list(expected)[::50])
        assert not any(code in got for code in list((a | b) - set(expected))[::50])


def test_none_is_no_limit():
    spread = SpreadSet(8, keys={"a", "b"})
    assert intersection(None, spread) is spread and intersection(spread, None) is spread
    assert union(None, spread) is spread
