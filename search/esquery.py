"""Translate a :class:`records.search.query.Query` into an Elasticsearch search body.

Pure functions, no client: unit-tested in ``tests/unit/search/test_esquery.py``.
Scoring: every clause must match the folded fields (meta counts 3x the pages); an optional
clause on the exact short fields (names, titles, numbers: diacritics kept) adds to the score
of documents that match the query as typed, and an exact ``number_symbol``/``dossier_code``
key adds a large constant.
"""
from records.textnorm import fold, lower, symbol_key

from .mapping import SEARCH_ONLY
from .query import MAX_WINDOW
from .schema import FACETS

FOLDED_FIELDS = ["meta_folded^3", "body_folded"]
EXACT_FIELDS = ["meta_exact"]
EXACT_BOOST = 2.0
SYMBOL_BOOST = 100.0
SORT_FIELD = "sort_date"


def text_query(parsed):
    """The scoring part of the request for a parsed text, or ``match_all``."""
    if not parsed:
        return {"match_all": {}}
    must = [_phrase(fold(clause), FOLDED_FIELDS) for clause in parsed.clauses]
    should = [_phrase(lower(clause), EXACT_FIELDS, EXACT_BOOST) for clause in parsed.clauses]
    if parsed.symbols:
        keys = sorted({symbol_key(s) for s in parsed.symbols})
        should.append({"constant_score": {"boost": SYMBOL_BOOST, "filter": {"bool": {
            "should": [{"terms": {"number_symbol_key": keys}},
                       {"terms": {"dossier_code_key": keys}}],
            "minimum_should_match": 1}}}})
    return {"bool": {"must": must, "should": should}}


def _phrase(text, fields, boost=1.0):
    # NB: a phrase query on a one-word chunk is a term query; on "15/qđ-ubnd" it keeps the
    # parts in order, as the analyzer split them at index time.
    return {"multi_match": {"query": text, "fields": fields, "type": "phrase",
                            "boost": boost}}


def filters(query):
    """The non-scoring filter clauses for ``query`` (permissions included)."""
    out = []
    for field, values in (("kind", query.kinds), ("procedure_code", query.procedures),
                          ("state", query.states), ("doc_type", query.doc_types),
                          ("status", query.statuses)):
        if values:
            out.append({"terms": {field: sorted(values)}})
    if query.units:
        out.append(_any_unit(query.units))
    if query.applicant_id:
        out.append({"term": {"applicant_id": query.applicant_id}})
    if query.overdue is not None:
        out.append({"term": {"overdue": query.overdue}})
    for field, start, end in query.dates:
        bounds = {key: value for key, value in (("gte", start), ("lte", end)) if value}
        if bounds:
            out.append({"range": {field: bounds}})
    if query.allowed_units is not None:
        out.append(_any_unit(query.allowed_units) if query.allowed_units
                   else {"match_none": {}})
    return out


def _any_unit(units):
    values = sorted(units)
    return {"bool": {"should": [{"terms": {"receiving_unit": values}},
                                {"terms": {"processing_unit": values}}],
                     "minimum_should_match": 1}}


def sort(query):
    """The sort clause: score then id, or the date (missing last) then id."""
    order = query.effective_sort
    if order == "relevance":
        return [{"_score": "desc"}, {"id": "asc"}]
    direction = "desc" if order == "newest" else "asc"
    return [{SORT_FIELD: {"order": direction, "missing": "_last"}}, {"id": "asc"}]


def aggregations(query):
    return {name: {"terms": {"field": FACETS[name], "size": query.facet_size,
                             "order": [{"_count": "desc"}, {"_key": "asc"}]}}
            for name in query.facets}


def search_body(query):
    """The full request body for ``query`` (pages are fetched only when text may match)."""
    parsed = query.parsed
    request = {
        "query": {"bool": {"must": [text_query(parsed)], "filter": filters(query)}},
        "sort": sort(query),
        "from": query.offset,
        "size": query.size,
        # NB: facets visit every match anyway, so the total is exact for free; without
        # them, counting stops at the deepest page reachable, which lets Elasticsearch
        # skip documents that cannot make the top hits.
        "track_total_hits": True if query.facets else MAX_WINDOW,
        "_source": {"excludes": ["applicant_id", *SEARCH_ONLY] + ([] if parsed else ["text"])},
    }
    if query.facets:
        request["aggs"] = aggregations(query)
    return request
