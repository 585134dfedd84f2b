"""The production store (RelStorage on PostgreSQL, config/production.ini) on the rig's cluster."""
import os

import psutil
import pytest
import transaction
from ZODB.blob import Blob

from records.settings import apply_environment
from records.store import open_database
from tests.conftest import production_store_settings

pytestmark = [pytest.mark.scale, pytest.mark.integration]


def test_the_cluster_is_its_own_non_root_server_on_loopback(postgresql_server):
    server = psutil.Process(postgresql_server.process.pid)
    assert server.username() != "root"
    assert server.cmdline()[0].startswith("/usr/lib/postgresql/")
    assert postgresql_server.execute("SHOW listen_addresses") == [("127.0.0.1",)]
    data_dir = postgresql_server.execute("SHOW data_directory")[0][0]
    assert data_dir.startswith(postgresql_server.base_dir)
    assert int(postgresql_server.execute("SHOW port")[0][0]) == postgresql_server.port


def test_production_store_keeps_blobs_in_the_database(postgresql_server, tmp_path):
    name = postgresql_server.create_database()
    try:
        settings = apply_environment(dict(production_store_settings(postgresql_server.dsn(name)),
                                          **{"records.var_dir": str(tmp_path / "var"),
                                             "records.secret": "x"}))
        db = open_database(settings)
        try:
            with db.transaction() as conn:
                conn.root()["file"] = blob = Blob()
                with blob.open("w") as f:
                    f.write(b"%PDF-1.7 scanned page")
            # NB: the cache under the var dir is this host's copy only; remove it and the
            # file still comes back, from PostgreSQL.
            removed = 0
            for root, _, files in os.walk(tmp_path / "var" / "blob-cache"):
                for filename in files:
                    if filename.endswith(".blob"):
                        os.unlink(os.path.join(root, filename))
                        removed += 1
            assert removed == 1
            tm = transaction.TransactionManager()
            conn = db.open(transaction_manager=tm)
            with conn.root()["file"].open("r") as f:
                assert f.read() == b"%PDF-1.7 scanned page"
            conn.close()
        finally:
            db.close()
        chunks = postgresql_server.execute("SELECT count(*) FROM blob_chunk", dbname=name)
        assert chunks[0][0] >= 1
    finally:
        postgresql_server.drop_database(name)
