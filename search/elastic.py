"""The Elasticsearch backend; the only place the Elasticsearch client is built.

Each kind has its own index behind an alias: ``<prefix>-<kind>`` → the concrete
``<prefix>-<kind>-<timestamp>`` (``<prefix>-<kind>-initial`` for the first one, so that
processes racing to create it agree). Reads and writes go through the aliases; a rebuild
fills new concrete indexes and moves every alias in one ``_aliases`` call.

Stale writes are refused by Elasticsearch itself: documents are written with
``version_type=external_gte`` and the document's ``version``.
"""
import datetime
import logging

import elastic_transport
import elasticsearch
from elasticsearch import helpers

from . import esquery, mapping
from .highlight import highlights
from .interfaces import FacetValue, Hit, Results, SearchError, SearchUnavailable
from .schema import KINDS, prepare, public_fields

log = logging.getLogger(__name__)

BULK_CHUNK = 500
BULK_BYTES = 50 * 1024 * 1024
BULK_THREADS = 2


def build_client(url, timeout=10.0, max_retries=1):
    """The Elasticsearch client for ``url`` (a URL or a list of URLs)."""
    hosts = [url] if isinstance(url, str) else list(url)
    return elasticsearch.Elasticsearch(hosts, request_timeout=timeout,
                                       max_retries=max_retries, retry_on_timeout=False)


def _error_type(error):
    body = error.body if isinstance(error.body, dict) else {}
    return (body.get("error") or {}).get("type")


class _Translate:
    """Turn client and transport errors into :class:`SearchUnavailable` / SearchError."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if error is None or isinstance(error, SearchError):
            return False
        if isinstance(error, (elastic_transport.ConnectionError,
                              elastic_transport.ConnectionTimeout)):
            raise SearchUnavailable(f"Elasticsearch unreachable: {error}") from error
        if isinstance(error, elasticsearch.ApiError) and error.meta.status in (429, 503):
            raise SearchUnavailable(f"Elasticsearch not ready: {error}") from error
        if isinstance(error, (elasticsearch.ApiError, elastic_transport.TransportError,
                              helpers.BulkIndexError)):
            raise SearchError(f"Elasticsearch failed: {error}") from error
        return False


class ElasticBackend:
    """:class:`records.search.interfaces.SearchBackend` on Elasticsearch.

    ``prefix`` names the aliases (lower case letters, digits, "-" and "_").
    """

    def __init__(self, url, prefix="records", timeout=10.0, shards=1, replicas=0,
                 client=None):
        if not prefix or prefix != prefix.lower() or not prefix.replace("-", "").replace(
                "_", "").isalnum():
            raise ValueError(f"bad index prefix {prefix!r}")
        self.prefix = prefix
        self.shards, self.replicas = shards, replicas
        self.client = client or build_client(url, timeout)

    # -- names --------------------------------------------------------------------------

    def alias(self, kind):
        return f"{self.prefix}-{kind}"

    def _aliases(self, kinds=KINDS):
        return ",".join(self.alias(kind) for kind in kinds)

    def _new_index(self, kind, suffix):
        with _Translate():
            self.client.indices.create(
                index=f"{self.alias(kind)}-{suffix}",
                settings=mapping.index_settings(self.shards, self.replicas),
                mappings=mapping.mappings())
        return f"{self.alias(kind)}-{suffix}"

    # -- the interface ------------------------------------------------------------------

    def ensure_index(self):
        for kind in KINDS:
            with _Translate():
                if self.client.indices.exists_alias(name=self.alias(kind)):
                    continue
                try:
                    self.client.indices.create(
                        index=f"{self.alias(kind)}-initial",
                        settings=mapping.index_settings(self.shards, self.replicas),
                        mappings=mapping.mappings(), aliases={self.alias(kind): {}})
                except elasticsearch.BadRequestError as error:
                    if _error_type(error) != "resource_already_exists_exception":
                        raise

    def index_many(self, docs):
        return self._bulk(self._index_actions(docs, target=self.alias))

    def delete_many(self, ids):
        ids = list(dict.fromkeys(ids))
        # NB: the id does not say the kind; a delete goes to every kind's alias and the
        # misses are ignored (delete_by_query is not in every distribution).
        actions = ({"_op_type": "delete", "_index": self.alias(kind), "_id": doc_id}
                   for doc_id in ids for kind in KINDS)
        return self._bulk(actions)

    def refresh(self):
        with _Translate():
            self.client.indices.refresh(index=self._aliases())

    def search(self, query):
        if not query.kinds:
            index = self._aliases()
        else:
            index = self._aliases(sorted(query.kinds))
        with _Translate():
            response = self.client.search(index=index, **esquery.search_body(query))
        return self._results(query, response)

    def iter_versions(self):
        with _Translate():
            for hit in helpers.scan(self.client, index=self._aliases(), size=2000,
                                    query={"query": {"match_all": {}}, "_source": ["version"]}):
                yield hit["_id"], hit["_source"]["version"]

    def count(self):
        with _Translate():
            return self.client.count(index=self._aliases())["count"]

    def rebuild(self, docs):
        suffix = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d%H%M%S%f")
        new = {}
        try:
            for kind in KINDS:
                new[kind] = self._new_index(kind, suffix)
            with _Translate():
                # NB: nobody reads the new indexes before the switch: no refreshes, and
                # the translog is synced in the background instead of on every request.
                self.client.indices.put_settings(
                    index=",".join(new.values()),
                    settings={"refresh_interval": "-1", "translog.durability": "async"})
            written = self._bulk(self._index_actions(docs, target=new.__getitem__))
            with _Translate():
                self.client.indices.put_settings(
                    index=",".join(new.values()),
                    settings={"refresh_interval": None, "translog.durability": None})
                self.client.indices.refresh(index=",".join(new.values()))
                old = self._concrete_indexes()
                actions = [{"remove": {"index": index, "alias": self.alias(kind)}}
                           for kind, indexes in old.items() for index in indexes]
                actions += [{"add": {"index": index, "alias": self.alias(kind)}}
                            for kind, index in new.items()]
                self.client.indices.update_aliases(actions=actions)
        except BaseException:
            if new:
                self.client.options(ignore_status=404).indices.delete(
                    index=",".join(new.values()))
            raise
        stale = [index for indexes in old.values() for index in indexes]
        if stale:
            with _Translate():
                self.client.indices.delete(index=",".join(stale))
        return written

    def available(self):
        # NB: not ping(): "GET /" lives in a module that some distributions do not ship.
        try:
            health = self.client.cluster.health(timeout="2s")
            return health["status"] in ("yellow", "green")
        except Exception:  # NB: the contract is "never raises"
            return False

    def close(self):
        self.client.close()

    # -- internals ----------------------------------------------------------------------

    def _concrete_indexes(self):
        """Alias → the concrete indexes it points to now, per kind."""
        out = {}
        for kind in KINDS:
            found = self.client.options(ignore_status=404).indices.get_alias(
                name=self.alias(kind))
            out[kind] = sorted(found.body) if found.meta.status == 200 else []
        return out

    def _index_actions(self, docs, target):
        # NB: every document is checked before it is sent, so a bad one fails the call
        # without writing anything of its chunk.
        for doc in docs:
            prepared = prepare(doc)
            yield {"_op_type": "index", "_index": target(prepared["kind"]),
                   "_id": prepared["id"], "version": prepared["version"],
                   "version_type": "external_gte", "_source": mapping.body(prepared)}

    def _bulk(self, actions):
        """Send ``actions``; count successes; conflicts (stale) and missing are skipped."""
        done = 0
        with _Translate():
            for ok, item in helpers.parallel_bulk(
                    self.client, actions, thread_count=BULK_THREADS, chunk_size=BULK_CHUNK,
                    max_chunk_bytes=BULK_BYTES, raise_on_error=False,
                    raise_on_exception=True):
                op, result = next(iter(item.items()))
                if ok and result.get("result") != "not_found":
                    done += 1
                elif result.get("status") not in (404, 409):
                    raise SearchError(f"Elasticsearch refused {op} of {result.get('_id')}: "
                                      f"{result.get('error')}")
        return done

    def _results(self, query, response):
        parsed = query.parsed
        hits = []
        for raw in response["hits"]["hits"]:
            source = raw["_source"]
            hits.append(Hit(id=raw["_id"], kind=source["kind"], score=raw.get("_score"),
                            fields=public_fields(source),
                            highlights=highlights(source.get("text", []), parsed)))
        facets = {name: tuple(FacetValue(bucket["key"], bucket["doc_count"])
                              for bucket in response["aggregations"][name]["buckets"])
                  for name in query.facets}
        return Results(total=response["hits"]["total"]["value"], hits=tuple(hits),
                       facets=facets, page=query.page, size=query.size)
