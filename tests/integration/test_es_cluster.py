"""Search on a 3-node Elasticsearch cluster (one replica) while a node is down and back."""
import uuid

import pytest
from click.testing import CliRunner
from webtest import TestApp

from records import main
from records.cli import main as cli
from records.search.interfaces import SearchUnavailable
from records.workers.indexing import deliver
from tests.conftest import (OFFICERS, PASSWORD, User, app_settings, hash_password, login,
                            portal_of)
from tests.functional.helpers import api_login, receive
from tests.rig import serve
from tests.rig.escluster import ElasticsearchCluster
from tests.rig.worker import wait_for

pytestmark = [pytest.mark.scale, pytest.mark.integration]
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em",
         "Vũ Thị Gấm"]


@pytest.fixture(scope="module")
def cluster():
    yield from serve(ElasticsearchCluster(3), "an Elasticsearch cluster")


def delivered(settings):
    """Deliver the outbox, again while the cluster is moving shards (nothing is lost)."""
    def attempt():
        try:
            deliver(settings)
            return True
        except SearchUnavailable:
            return False
    wait_for(attempt, timeout=60, interval=1, message="the outbox to be delivered")


def test_searches_answer_with_a_node_down_and_verify_finds_nothing_missing(cluster, tmp_path):
    prefix = f"c{uuid.uuid4().hex[:8]}"
    var = tmp_path / "var"
    search = {"search.backend": "elasticsearch", "search.url": " ".join(cluster.urls),
              "search.prefix": prefix, "search.replicas": "1", "search.timeout": "10"}
    settings = app_settings(var, **search)
    wsgi = main({}, **settings)
    try:
        with portal_of(wsgi.registry.zodb) as p:
            for name in ("recv1", "super"):
                roles, unit = OFFICERS[name]
                p.users.add(name, User(name, name, hash_password(PASSWORD), roles, unit))
        clerk, officer = TestApp(wsgi), TestApp(wsgi)
        login(clerk, "recv1")
        csrf = api_login(officer, "super", PASSWORD)

        def found(name):
            reply = officer.post_json("/api/v1/search", {"q": name, "kind": "dossier"},
                                      headers={"X-CSRF-Token": csrf}, status=200)
            return {hit["fields"]["dossier_code"] for hit in reply.json["hits"]}

        codes = {}
        for name in NAMES[:3]:
            codes[name] = receive(clerk, **{"applicant.name": name})[1]
        delivered(wsgi.registry.settings)
        # NB: Elasticsearch is near real time: a delivered document is searchable after the
        # next refresh of the shard copy that answers (a replica may refresh later)
        wait_for(lambda: all(codes[name] in found(name) for name in NAMES[:3]), timeout=30,
                 interval=1, message="the delivered dossiers to be found")

        cluster.stop_node(1)
        for name in NAMES[3:]:  # changes while a node is away
            codes[name] = receive(clerk, **{"applicant.name": name})[1]
            for earlier in NAMES[:3]:  # searches keep answering, and find what was there
                assert codes[earlier] in found(earlier)
        delivered(wsgi.registry.settings)
        wait_for(lambda: all(codes[name] in found(name) for name in NAMES), timeout=30,
                 interval=1, message="the dossiers received while a node was away to be found")

        cluster.start_node(1)
        ini = tmp_path / "verify.ini"
        ini.write_text("[app:main]\nuse = egg:records\n" + f"records.var_dir = {var}\n"
                       + "".join(f"{k} = {v}\n" for k, v in search.items()))
        result = CliRunner().invoke(cli, ["-c", str(ini), "reindex", "--verify"])
        assert result.exit_code == 0, result.output
        assert all(codes[name] in found(name) for name in NAMES)
    finally:
        wsgi.registry.zodb.close()
