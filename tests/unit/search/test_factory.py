import pytest

from records.search.elastic import ElasticBackend
from records.search.embedded import EmbeddedBackend
from records.search.factory import backend_from_settings

pytestmark = pytest.mark.search


def test_embedded_is_the_default(tmp_path):
    backend = backend_from_settings({"search.path": str(tmp_path)})
    assert isinstance(backend, EmbeddedBackend) and backend.path == str(tmp_path)


def test_elasticsearch():
    backend = backend_from_settings({"search.backend": "elasticsearch",
                                     "search.url": "http://127.0.0.1:9 http://127.0.0.1:10",
                                     "search.prefix": "centre1", "search.replicas": "1"})
    assert isinstance(backend, ElasticBackend)
    assert backend.alias("result") == "centre1-result" and backend.replicas == 1
    backend.close()


@pytest.mark.parametrize("settings", [
    {"search.backend": "solr"}, {"search.backend": "embedded"},
    {"search.backend": "elasticsearch"},
    {"search.backend": "elasticsearch", "search.url": "http://x", "search.prefix": "Big"},
])
def test_bad_settings(settings):
    with pytest.raises(ValueError):
        backend_from_settings(settings)
