"""The production store's settings bound what a web process keeps in memory: each
connection's object cache by count and by estimated size, the connection pool to the web
threads, and RelStorage's one local cache shared by them (config/zodb-postgresql.conf)."""
import pytest

pytestmark = pytest.mark.scale


@pytest.mark.parametrize("store_engine", ["postgresql"], indirect=True)
def test_the_production_store_bounds_the_object_caches(db):
    assert db.getCacheSize() == 20_000
    assert db.getCacheSizeBytes() == 48 * 2**20
    assert db.getPoolSize() == 8  # NB: `records serve` runs 8 threads: one connection each
    assert db.storage._cache.local_client.limit == 96_000_000  # RelStorage's MB: 10⁶ bytes
