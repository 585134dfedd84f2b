"""Elasticsearch analysis, mappings and the document body sent for each prepared document.

Folding (diacritics off, đ → d) is done once in Python by :mod:`records.textnorm`, for
documents and queries alike, and sent in ``*_folded`` fields. NB: Elasticsearch's own
``asciifolding`` filter and ``mapping`` char filter live in the analysis-common module,
which the integ-test-zip distribution used by the tests does not ship; folding in Python
keeps one definition of "folded" for both backends and works on any distribution.

Fields searched by text
    meta_exact / meta_folded   the short fields (:data:`schema.META_FIELDS`)
    body_folded                the pages, folded
All are analysed by the ``vi_text`` analyzer (standard tokenizer + lowercase), so the exact
field keeps diacritics and the folded ones match what the query folds to.
NB: page text is indexed folded only. Exact-diacritics ranking matters for names and
titles; OCR text loses diacritics anyway, and a second copy of every page halved the bulk
indexing rate. The pages stay in _source (unindexed) for highlights.
NB: the folded copies stay in _source too, and searches leave them out of the hits
(:data:`SEARCH_ONLY`). Leaving them out of the stored _source with a mapping exclude
costs more than it saves: Elasticsearch then keeps the whole original document a second
time in ``_recovery_source`` (until merges prune it), which measured 25% slower bulk
indexing and a 33% larger index right after the build.
Keyword fields serve filters and facets; ``number_symbol_key`` / ``dossier_code_key`` hold
:func:`records.textnorm.symbol_key` forms ("15/qd-ubnd").
"""
from records.textnorm import fold

from . import schema

ANALYZER = "vi_text"
#: Sent with each document and indexed, never returned (searches exclude them).
SEARCH_ONLY = ("meta_exact", "meta_folded", "body_folded")


def index_settings(shards=1, replicas=0):
    """Settings for a new concrete index."""
    return {
        "number_of_shards": shards,
        "number_of_replicas": replicas,
        # NB: a plain delete leaves a tombstone whose internal version is above the
        # document's external one, so re-indexing a deleted document (verify --repair)
        # would be refused as stale for the tombstone's life. Deletes here only follow a
        # dossier leaving the store, so nothing can arrive late to resurrect it.
        "gc_deletes": "0s",
        "analysis": {
            "analyzer": {
                ANALYZER: {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]},
            },
        },
    }


def _keyword():
    return {"type": "keyword", "ignore_above": 512}


def _text():
    return {"type": "text", "analyzer": ANALYZER}


def mappings():
    """The mapping shared by every kind's index. Unmapped fields stay in _source only."""
    properties = {name: _keyword() for name in schema.KEYWORD_FIELDS}
    properties.update({name: {"type": "date", "format": "strict_date_optional_time"}
                       for name in schema.DATE_FIELDS + ("sort_date",)})
    properties.update({
        "id": _keyword(),
        "version": {"type": "long"},
        "overdue": {"type": "boolean"},
        "number_symbol_key": _keyword(),
        "dossier_code_key": _keyword(),
        "text": {"type": "object", "enabled": False},
        "meta_exact": _text(),
        "meta_folded": _text(),
        "body_folded": _text(),
    })
    # NB: the names are read from _source for hits; only the search forms above are indexed.
    for name in ("applicant_name", "procedure_name", "title"):
        properties[name] = {"type": "keyword", "index": False, "doc_values": False}
    return {"dynamic": "strict", "properties": properties}


def body(prepared):
    """The Elasticsearch document for a document returned by :func:`schema.prepare`."""
    out = dict(prepared)
    meta = schema.meta_values(prepared)
    out["meta_exact"] = meta
    out["meta_folded"] = [fold(value) for value in meta]
    out["body_folded"] = schema.folded_pages(prepared)
    return out
