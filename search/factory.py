"""Build the configured search backend from ini settings.

Settings (``search.*``)::

    search.backend   = embedded | elasticsearch       (default: embedded)
    search.path      = directory of the embedded index (embedded; required)
    search.url       = http://127.0.0.1:9200           (elasticsearch; several: space separated)
    search.prefix    = records                         (elasticsearch alias prefix)
    search.timeout   = 10                              (seconds per request / lock wait)
    search.shards    = 1
    search.replicas  = 0
"""
from .elastic import ElasticBackend
from .embedded import EmbeddedBackend

BACKENDS = ("embedded", "elasticsearch")


def backend_from_settings(settings):
    """A :class:`records.search.interfaces.SearchBackend` for ``settings`` (a mapping).

    Raises ValueError for an unknown backend or a missing required setting.
    """
    name = (settings.get("search.backend") or "embedded").strip()
    timeout = float(settings.get("search.timeout", 10))
    if name == "embedded":
        path = settings.get("search.path")
        if not path:
            raise ValueError("search.path is required for the embedded search backend")
        return EmbeddedBackend(path, timeout=timeout)
    if name == "elasticsearch":
        urls = (settings.get("search.url") or "").split()
        if not urls:
            raise ValueError("search.url is required for the elasticsearch search backend")
        return ElasticBackend(urls, prefix=settings.get("search.prefix", "records").strip(),
                              timeout=timeout, shards=int(settings.get("search.shards", 1)),
                              replicas=int(settings.get("search.replicas", 0)))
    raise ValueError(f"search.backend must be one of {BACKENDS}, not {name!r}")
