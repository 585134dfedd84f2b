"""records.spread.ShardedQueue's backlog: what waits long is settled by the consumer, so a
put writes the same few bytes however much waits (issue "Scale on real engines": the search
outbox behind a day of Elasticsearch down), and settling merges with the requests' puts."""
import pytest
import transaction
import ZODB
from ZODB.FileStorage import FileStorage

from records.search.interfaces import SearchUnavailable
from records.spread import ShardedQueue
from records.workers.indexing import deliver
from tests.conftest import portal_of

pytestmark = pytest.mark.scale


def _key(item):
    return item[0]


@pytest.fixture
def queue_db(tmp_path):
    database = ZODB.DB(FileStorage(str(tmp_path / "queue.fs")))
    with database.transaction() as conn:
        conn.root()["q"] = ShardedQueue(4)
    yield database
    database.close()


def _put_bytes(db, item):
    """Bytes of the object records one transaction putting ``item`` wrote."""
    with db.transaction() as conn:
        conn.root()["q"].put(item, item[0])
    last = db.lastTransaction()
    return sum(len(record.data) for txn in db.storage.iterator(start=last)
               for record in txn)


def _fill(db, count, settle):
    with db.transaction() as conn:
        queue = conn.root()["q"]
        for n in range(count):
            queue.put((f"code-{n % 5000:05d}", n), f"code-{n % 5000:05d}")
        if settle:
            queue.settle(key=_key)


def test_a_put_costs_the_same_whatever_was_settled_and_grows_with_what_was_not(queue_db):
    _fill(queue_db, 200, settle=True)
    small = _put_bytes(queue_db, ("code-a", 1))
    _fill(queue_db, 40000, settle=True)
    large = _put_bytes(queue_db, ("code-b", 2))
    print(f"put bytes: {small} after 200 settled, {large} after 40,200")
    assert large <= small * 1.5 and large < 2000, (small, large)
    _fill(queue_db, 4000, settle=False)
    unsettled = _put_bytes(queue_db, ("code-c", 3))
    # NB: the reason for the backlog: an unsettled queue's put rewrites its shard's tuple
    print(f"put bytes with 4,000 unsettled: {unsettled}")
    assert unsettled > 20 * large, (large, unsettled)


def test_reads_and_takes_see_the_backlog_and_the_inbox_in_put_order(queue_db):
    with queue_db.transaction() as conn:
        queue = conn.root()["q"]
        queue.put(("a", 1), "a")
        queue.put(("b", 2), "b")
        assert queue.settle(key=_key) == 2 and queue.inbox_len() == 0
        queue.put(("a", 3), "a")
        assert queue.settle(key=_key) == 1
        queue.put(("a", 4), "a")
        assert [item for item in queue.of_key("a") if item[0] == "a"] == [("a", 1), ("a", 3), ("a", 4)]
        assert sorted(queue) == [("a", 1), ("a", 3), ("a", 4), ("b", 2)] and len(queue) == 4
        assert queue.take([("a", 1), ("a", 4), ("z", 9)], key=_key) == 2
        assert queue.take([("b", 2)]) == 1  # NB: without a key every shard and entry is looked at
        assert list(queue) == [("a", 3)] and queue and len(queue) == 1
        assert queue.take([("a", 3)], key=_key) == 1
        assert not queue and len(queue) == 0 and "a" not in queue.backlog


def test_settling_merges_with_puts_and_takes_made_meanwhile(queue_db):
    _fill(queue_db, 40, settle=False)
    consumer_tm, producer_tm = transaction.TransactionManager(), transaction.TransactionManager()
    consumer, producer = queue_db.open(transaction_manager=consumer_tm), queue_db.open(transaction_manager=producer_tm)
    with consumer_tm:
        consumer.root()["q"].settle(key=_key)
        with producer_tm:  # NB: a request that put while the consumer settled commits first
            for n in range(40, 60):
                producer.root()["q"].put((f"code-{n:05d}", n), f"code-{n:05d}")
    with consumer_tm:
        queue = consumer.root()["q"]
        assert len(queue) == 60 and queue.inbox_len() == 20
        settled = [item for item in queue if item[1] < 10]
        with producer_tm:
            producer.root()["q"].put(("code-x", 99), "code-x")
        queue.take(settled, key=_key)  # NB: the consumer takes from the backlog meanwhile
    with queue_db.transaction() as conn:
        queue = conn.root()["q"]
        assert len(queue) == 51 and ("code-x", 99) in queue.of_key("code-x")
        assert not any(item[1] < 10 for item in queue)
    consumer.close()
    producer.close()


class _Down:
    def ensure_index(self):
        pass

    def index_many(self, docs):
        raise SearchUnavailable("the index is down")

    delete_many = index_many


def test_a_delivery_while_the_index_is_down_settles_the_outbox_and_loses_nothing(wsgi, db):
    settings = wsgi.registry.settings
    with portal_of(db) as portal:
        for n in range(30):
            portal.outbox.add(f"000.00.01.H26-261203-{n:04d}")
    with pytest.raises(SearchUnavailable):
        deliver(settings, index=_Down())
    with portal_of(db) as portal:
        assert portal.outbox.queue.inbox_len() == 0 and len(portal.outbox) == 30
        portal.outbox.add("000.00.01.H26-261203-0000")  # changed again while waiting
        entries = portal.outbox.batch(100)
        assert len(entries) == 30 and portal.outbox.done(entries) == 30
        assert len(portal.outbox) == 0
