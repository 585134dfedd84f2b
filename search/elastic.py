"""The Elasticsearch backend; the only place the Elasticsearch client is built.

Each kind has its own index behind an alias: ``<prefix>-<kind>`` → the concrete
``<prefix>-<kind>-<timestamp>`` (``<prefix>-<kind>-initial`` for the first one, so that
processes racing to create it agree). Reads and writes go through the aliases; a rebuild
fills new concrete indexes and moves every alias in one ``_aliases`` call.

Stale writes are refused by Elasticsearch itself: documents are written with
``version_type=external_gte`` and the document's ``version``.
"""
import concurrent.futures
import datetime
import json
import logging
import re

import elastic_transport
import elasticsearch
from elasticsearch import helpers

from . import esquery, mapping
from .highlight import highlights
from .interfaces import FacetValue, Hit, Results, SearchError, SearchUnavailable
from .schema import KINDS, prepare, public_fields

try:  # NB: optional; JSON encoding of the bulk bodies is a large part of the Python side.
    import orjson
except ImportError:  # pragma: no cover - depends on the installation
    orjson = None

log = logging.getLogger(__name__)

#: A bulk request holds at most this many actions or bytes (whichever comes first).
BULK_CHUNK = 2000
BULK_BYTES = 8 * 1024 * 1024
#: Bulk requests in flight at once; the next one is prepared while they run.
BULK_THREADS = 2
#: What the bulk responses need to carry: per item, its status and error.
BULK_FILTER = "errors,items.*.status,items.*.error,items.*._id"


def _dumps(value):
    if orjson is not None:
        return orjson.dumps(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def build_client(url, timeout=10.0, max_retries=1):
    """The Elasticsearch client for ``url`` (a URL or a list of URLs)."""
    hosts = [url] if isinstance(url, str) else list(url)
    options = {}
    if orjson is not None:
        from elasticsearch.serializer import OrjsonSerializer
        options["serializers"] = {"application/json": OrjsonSerializer(),
                                  "application/vnd.elasticsearch+json": OrjsonSerializer()}
    return elasticsearch.Elasticsearch(hosts, request_timeout=timeout,
                                       max_retries=max_retries, retry_on_timeout=False,
                                       connections_per_node=max(10, BULK_THREADS + 2),
                                       **options)


def _error_type(error):
    body = error.body if isinstance(error.body, dict) else {}
    return (body.get("error") or {}).get("type")


def _error_summary(error):
    """The type and the field of a bulk item's error, never its reason text: ES quotes the
    offending value there, which may be personal data, and this ends up in logs."""
    if not isinstance(error, dict):
        return "error"
    caused = error.get("caused_by") or {}
    field = re.search(r"field \[([\w.]+)\]", str(error.get("reason", "")))
    where = f" on field {field.group(1)}" if field else ""
    return f"{error.get('type', 'error')}{where}" + (
        f" ({caused.get('type')})" if caused.get("type") else "")


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
        return self._bulk(self._delete_actions(
            [(self.alias(kind), doc_id) for doc_id in ids for kind in KINDS]))

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
        """``(action line, source line)`` pairs: NDJSON bytes for the bulk API.

        NB: every document is checked before its chunk is sent, so a bad one fails the
        call without writing anything of its chunk.
        """
        for doc in docs:
            prepared = prepare(doc)
            yield (_dumps({"index": {"_index": target(prepared["kind"]), "_id": prepared["id"],
                                     "version": prepared["version"],
                                     "version_type": "external_gte"}}),
                   _dumps(mapping.body(prepared)))

    @staticmethod
    def _delete_actions(targets):
        """Delete lines for ``(index, id)`` pairs.

        NB: the id does not say the kind; a delete goes to every kind's alias and the
        misses are ignored (delete_by_query is not in every distribution).
        """
        for index, doc_id in targets:
            yield (_dumps({"delete": {"_index": index, "_id": doc_id}}), None)

    def _chunks(self, actions):
        """NDJSON bodies of at most :data:`BULK_CHUNK` actions / :data:`BULK_BYTES`."""
        lines, size, count = [], 0, 0
        for action, source in actions:
            lines.append(action)
            size += len(action) + 1
            if source is not None:
                lines.append(source)
                size += len(source) + 1
            count += 1
            if count >= BULK_CHUNK or size >= BULK_BYTES:
                yield b"\n".join(lines) + b"\n"
                lines, size, count = [], 0, 0
        if lines:
            yield b"\n".join(lines) + b"\n"

    def _send(self, body):
        """One bulk request; the number of items done. Stale (409) and missing (404) items
        are skipped; any other failed item raises."""
        with _Translate():
            response = self.client.bulk(operations=body, filter_path=BULK_FILTER)
        done = 0
        for item in response.get("items", ()):
            op, result = next(iter(item.items()))
            status = result.get("status", 500)
            if status < 300:
                done += 1
            elif status not in (404, 409):
                if status == 429:
                    raise SearchUnavailable("Elasticsearch is overloaded; retry later")
                raise SearchError(f"Elasticsearch refused {op} of {result.get('_id')}: "
                                  f"{_error_summary(result.get('error'))}")
        return done

    def _bulk(self, actions):
        """Send ``actions`` in bulk requests, :data:`BULK_THREADS` at a time, preparing the
        next request meanwhile; return how many items were done (not stale, not missing)."""
        done, pending = 0, []
        # NB: leaving the pool waits for the requests in flight, also when an invalid
        # document or a failed request raises.
        with concurrent.futures.ThreadPoolExecutor(BULK_THREADS) as pool:
            for body in self._chunks(actions):
                if len(pending) >= BULK_THREADS:
                    done += pending.pop(0).result()
                pending.append(pool.submit(self._send, body))
            while pending:
                done += pending.pop(0).result()
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
        total = response["hits"]["total"]
        return Results(total=total["value"], hits=tuple(hits), facets=facets,
                       page=query.page, size=query.size, total_exact=total["relation"] == "eq")
