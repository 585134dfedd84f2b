import pytest

from records.search import esquery, mapping
from records.search.query import Query, parse_text
from records.search.schema import prepare

pytestmark = pytest.mark.search


def test_text_is_folded_for_must_and_kept_for_should():
    query = esquery.text_query(parse_text("Nguyễn Văn"))
    must = [clause["multi_match"] for clause in query["bool"]["must"]]
    should = [clause["multi_match"] for clause in query["bool"]["should"]]
    assert [m["query"] for m in must] == ["nguyen", "van"]
    assert {tuple(m["fields"]) for m in must} == {tuple(esquery.FOLDED_FIELDS)}
    assert [s["query"] for s in should] == ["nguyễn", "văn"]
    assert {tuple(s["fields"]) for s in should} == {tuple(esquery.EXACT_FIELDS)}


def test_symbol_adds_a_key_bonus():
    query = esquery.text_query(parse_text("số 15/QĐ-UBND"))
    assert [c["multi_match"]["query"] for c in query["bool"]["must"]] == ["15/qd-ubnd"]
    bonus = query["bool"]["should"][-1]["constant_score"]
    assert bonus["boost"] == esquery.SYMBOL_BOOST
    assert {"terms": {"number_symbol_key": ["15/qd-ubnd"]}} in bonus["filter"]["bool"]["should"]


def test_no_text_matches_all_newest_first_without_pages():
    body = esquery.search_body(Query(page=2, size=5))
    assert body["query"]["bool"]["must"] == [{"match_all": {}}]
    assert body["sort"][0] == {"sort_date": {"order": "desc", "missing": "_last"}}
    assert (body["from"], body["size"]) == (5, 5)
    assert "text" in body["_source"]["excludes"] and "aggs" not in body


def test_filters():
    query = Query(kinds=["result"], units=["U2", "U1"], applicant_id="001", overdue=False,
                  dates={"issue_date": ("2025-01-01", None)}, allowed_units=["U1"])
    clauses = esquery.filters(query)
    assert {"terms": {"kind": ["result"]}} in clauses
    assert {"term": {"applicant_id": "001"}} in clauses
    assert {"term": {"overdue": False}} in clauses
    assert {"range": {"issue_date": {"gte": "2025-01-01"}}} in clauses
    units = {"bool": {"should": [{"terms": {"receiving_unit": ["U1", "U2"]}},
                                 {"terms": {"processing_unit": ["U1", "U2"]}}],
                      "minimum_should_match": 1}}
    assert units in clauses


def test_permission_filter():
    assert esquery.filters(Query()) == []
    assert esquery.filters(Query(allowed_units=[])) == [{"match_none": {}}]


def test_facets_are_ordered_by_count_then_value():
    aggs = esquery.search_body(Query(facets=["procedure"], facet_size=5))["aggs"]
    assert aggs == {"procedure": {"terms": {"field": "procedure_code", "size": 5, "order": [
        {"_count": "desc"}, {"_key": "asc"}]}}}


def test_relevance_sort_breaks_ties_by_id():
    assert esquery.sort(Query(text="an")) == [{"_score": "desc"}, {"id": "asc"}]


def test_mapping_is_strict_and_uses_only_core_analysis():
    mappings = mapping.mappings()
    assert mappings["dynamic"] == "strict"
    properties = mappings["properties"]
    assert properties["applicant_id"]["type"] == "keyword"
    assert properties["number_symbol_key"]["type"] == "keyword"
    assert properties["body_folded"]["analyzer"] == mapping.ANALYZER
    analyzer = mapping.index_settings()["analysis"]["analyzer"][mapping.ANALYZER]
    assert (analyzer["tokenizer"], analyzer["filter"]) == ("standard", ["lowercase"])
    assert set(mapping.SEARCH_ONLY) <= set(properties)
    # NB: no _source excludes in the mapping (they cost a second stored copy, see mapping);
    # searches leave the search-only fields out of the hits.
    assert "_source" not in mappings
    assert set(mapping.SEARCH_ONLY) <= set(
        esquery.search_body(Query(text="an"))["_source"]["excludes"])


def test_document_body_carries_folded_copies():
    doc = prepare({"id": "d:1", "kind": "dossier", "version": 1,
                   "applicant_name": "Đỗ Thị Đào", "number_symbol": "15/QĐ-UBND",
                   "text": [{"page": 1, "text": "Ông Đặng"}]})
    body = mapping.body(doc)
    assert body["meta_exact"] == ["Đỗ Thị Đào", "15/QĐ-UBND"]
    assert body["meta_folded"] == ["do thi dao", "15/qd-ubnd"]
    assert body["body_folded"] == ["ong dang"]
    assert set(body) - set(doc) == set(mapping.SEARCH_ONLY)
    assert set(body) <= set(mapping.mappings()["properties"])


def test_bulk_bodies_are_ndjson_chunks(monkeypatch):
    import json

    from records.search import elastic
    monkeypatch.setattr(elastic, "BULK_CHUNK", 2)
    backend = elastic.ElasticBackend("http://127.0.0.1:1", prefix="t")
    docs = [{"id": f"file:{n}", "kind": "file", "version": n, "text": "Nguyễn"}
            for n in range(5)]
    chunks = list(backend._chunks(backend._index_actions(docs, target=backend.alias)))
    assert len(chunks) == 3 and all(chunk.endswith(b"\n") for chunk in chunks)
    lines = [json.loads(line) for chunk in chunks for line in chunk.splitlines()]
    assert lines[0] == {"index": {"_index": "t-file", "_id": "file:0", "version": 0,
                                  "version_type": "external_gte"}}
    assert lines[1]["body_folded"] == ["nguyen"] and lines[1]["text"][0]["text"] == "Nguyễn"
    assert len(lines) == 10
    backend.close()


def test_totals_are_counted_to_the_window_unless_facets_are_asked():
    assert esquery.search_body(Query(text="an"))["track_total_hits"] == 10_000
    assert esquery.search_body(Query(text="an", facets=["kind"]))["track_total_hits"] is True


def test_bulk_item_errors_never_quote_field_values():
    from records.search.elastic import _error_summary
    error = {"type": "document_parsing_exception",
             "reason": "[1:2] failed to parse field [applicant_id] of type [keyword] in document "
                       "with id 'x'. Preview of field's value: '001203004567'",
             "caused_by": {"type": "illegal_argument_exception", "reason": "001203004567"}}
    summary = _error_summary(error)
    assert "001203004567" not in summary
    assert summary == ("document_parsing_exception on field applicant_id "
                       "(illegal_argument_exception)")
    assert _error_summary(None) == "error"
