"""Real services for the integration tests, started once per run by the test rig."""
import uuid

import pytest
from webtest import TestApp

from records import main
from records.search.elastic import ElasticBackend
from tests.conftest import PASSWORD, app_settings, portal_of
from tests.functional.helpers import api_login
from tests.rig.worker import WorkerProcess
from tests.rig import ServiceUnavailable, unavailable
from tests.rig.elasticsearch import ElasticsearchServer


@pytest.fixture(scope="session")
def elasticsearch_server():
    """A running single-node Elasticsearch (skipped, or failed under CI, if it cannot run)."""
    server = ElasticsearchServer()
    try:
        server.start()
    except ServiceUnavailable as error:
        server.close()
        unavailable("Elasticsearch", error)
    yield server
    server.close()


@pytest.fixture
def es_backend(elasticsearch_server):
    """An :class:`ElasticBackend` with its own alias prefix, indexes removed afterwards."""
    if not elasticsearch_server.running:
        elasticsearch_server.start()
    backend = ElasticBackend(elasticsearch_server.url, prefix=f"t{uuid.uuid4().hex[:10]}",
                             timeout=30)
    try:
        backend.ensure_index()
    except Exception as error:  # NB: any failure here means the service is not usable
        unavailable("Elasticsearch", error)
    yield backend
    if elasticsearch_server.running:
        backend.client.options(ignore_status=404).indices.delete(index=f"{backend.prefix}-*")
    backend.close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory, redis_server):
    """The portal (in this process) and a worker process sharing a store and Redis."""
    var = tmp_path_factory.mktemp("pipeline") / "var"
    broker = redis_server.url.rsplit("/", 1)[0] + "/3"
    env = {"RECORDS_VAR_DIR": str(var), "CELERY_BROKER_URL": broker,
           "CELERY_VISIBILITY_TIMEOUT": "8", "RECORDS_MAX_PAGES": "12",
           "RECORDS_SECRET": "s" * 40}
    settings = app_settings(var, **{"celery.broker_url": broker,
                                    "records.max_upload_bytes": str(50 * 1024 * 1024),
                                    "records.max_pages": "12"})
    wsgi = main({}, **settings)
    from tests.conftest import OFFICERS, User, hash_password
    with portal_of(wsgi.registry.zodb) as p:
        roles, unit = OFFICERS["recv1"]
        p.users.add("recv1", User("recv1", "Recv", hash_password(PASSWORD), roles, unit))
    worker = WorkerProcess(env, var.parent / "worker.log").start()
    state = {"wsgi": wsgi, "worker": worker, "env": env, "var": var}
    yield state
    state["worker"].stop()  # NB: a test may have replaced the worker (killed-worker test)
    wsgi.registry.zodb.close()


@pytest.fixture
def api(stack):
    app = TestApp(stack["wsgi"])
    csrf = api_login(app, "recv1", PASSWORD)
    return app, csrf
