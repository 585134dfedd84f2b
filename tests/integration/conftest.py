"""Real services for the integration tests, started once per run by the test rig."""
import uuid

import pytest

from records.search.elastic import ElasticBackend
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
