import sqlite3

import pytest

from records.search import embedded_sql as sql
from records.search.query import Query, parse_text
from records.search.schema import prepare

pytestmark = pytest.mark.search


def test_match_expression():
    expression = sql.match_expression(parse_text('Nguyễn "giấy phép" 15/QĐ-UBND'))
    assert expression == '"nguyen" AND "giay phep" AND "15 qd ubnd"'
    assert sql.match_expression(parse_text("")) is None
    assert (sql.exact_expression(parse_text('Nguyễn "giấy phép" 15/QĐ-UBND'))
            == '"nguyễn" OR "giấy phép" OR "15 qđ ubnd"')
    assert sql.exact_expression(parse_text("")) is None


def test_keyword_filters_of_a_text_search_go_into_the_match():
    query = Query(text="an", kinds=["file", "dossier"], procedures=["1.2"], overdue=True)
    assert sql.tag_expression(query) == (
        "tags : (t0x646f7373696572 OR t0x66696c65) AND tags : (t1x312e32)")
    assert sql.filters(query, tags=True) == ("d.overdue = ?", [1])
    assert sql.tag_expression(Query(text="an")) is None
    doc = prepare({"id": "d:1", "kind": "file", "version": 1, "procedure_code": "1.2"})
    assert sql.fts_columns(doc)[2] == "t0x66696c65 t1x312e32"


def test_facet_counts_sum_the_combinations():
    rows = [("file", "done", 3), ("file", "received", 2), ("dossier", "done", 5),
            ("dossier", None, 1)]
    assert sql.facet_counts(["kind", "state"], rows, 20) == {
        "kind": [("dossier", 6), ("file", 5)], "state": [("done", 8), ("received", 2)]}
    assert sql.facet_counts(["kind"], [("b", 2), ("a", 2), ("c", 1)], 2) == {
        "kind": [("a", 2), ("b", 2)]}


def test_filters_sql():
    where, params = sql.filters(Query(kinds=["file"], units=["U1"], overdue=True,
                                      dates={"due_at": (None, "2025-01-31")}))
    assert where == ("d.kind IN (?) AND (d.receiving_unit IN (?) OR d.processing_unit IN (?))"
                     " AND d.overdue = ? AND d.due_at <= ?")
    assert params == ["file", "U1", "U1", 1, "2025-01-31T23:59:59"]
    assert sql.filters(Query()) == ("1", [])
    assert sql.filters(Query(allowed_units=[])) == ("0", [])


def test_score_adds_the_symbol_bonus():
    score, params = sql.score(parse_text("so 15/QĐ-UBND"))
    assert score.startswith("-bm25(fts, 3.0, 1.0, 0.0) + 100.0")
    assert params == ["15/qd-ubnd", "15/qd-ubnd"]
    assert sql.score(parse_text("an")) == ("-bm25(fts, 3.0, 1.0, 0.0)", [])


def test_order_by():
    assert sql.order_by(Query(text="an")) == "score DESC, d.id"
    assert sql.order_by(Query()) == "d.sort_date IS NULL, d.sort_date DESC, d.id"


def test_schema_and_statements_run_on_sqlite():
    conn = sqlite3.connect(":memory:")
    for statement in sql.DDL:
        conn.execute(statement)
    doc = prepare({"id": "d:1", "kind": "dossier", "version": 1, "applicant_name": "NGUYỄN An",
                   "text": [{"page": 1, "text": "một"}, {"page": 2, "text": "hai"}]})
    rowid = conn.execute(sql.INSERT_DOC, sql.row_values(doc)).lastrowid
    conn.execute(sql.SET_SOURCE, [rowid, sql.pack(doc)])
    conn.execute(sql.INSERT_FTS, [rowid, *sql.fts_columns(doc)])
    conn.execute(sql.INSERT_EXACT, [rowid, sql.exact_column(doc)])
    match = "SELECT rowid FROM fts WHERE fts MATCH ?"
    exact = "SELECT rowid FROM fts_exact WHERE fts_exact MATCH ?"
    assert conn.execute(exact, ['"nguyễn"']).fetchall() == [(rowid,)]
    assert conn.execute(exact, ['"nguyen"']).fetchall() == []
    assert conn.execute(match, ['meta_folded : "nguyen"']).fetchall() == [(rowid,)]
    assert conn.execute(match, ['body_folded : "mot hai"']).fetchall() == []  # page break
    assert conn.execute(match, ['"nguyen" AND tags : t0x646f7373696572']).fetchall() == [
        (rowid,)]
    assert conn.execute(match, ['"nguyen" AND tags : t0x66696c65']).fetchall() == []
    assert sql.unpack(conn.execute("SELECT source FROM sources").fetchone()[0]) == doc
    conn.execute(sql.DELETE_FTS, [rowid, *sql.fts_columns(doc)])
    conn.execute(sql.DELETE_EXACT, [rowid, sql.exact_column(doc)])
    assert conn.execute(match, ['meta_folded : "nguyen"']).fetchall() == []
    assert conn.execute(exact, ['"nguyễn"']).fetchall() == []


def test_relevance_pages_break_score_ties_by_id(tmp_path):
    from records.search.embedded import EmbeddedBackend
    backend = EmbeddedBackend(str(tmp_path / "index"))
    backend.ensure_index()
    same = [{"id": f"file:{n:02d}", "kind": "file", "version": 1,
             "text": "giấy phép xây dựng"} for n in range(25)]
    better = {"id": "file:99", "kind": "file", "version": 1, "title": "Giấy phép",
              "text": "giấy phép xây dựng"}
    backend.rebuild(same + [better])
    ids = []
    for page in (1, 2, 3):
        results = backend.search(Query(text="giấy phép", page=page, size=10))
        assert results.total == 26
        ids += results.ids
    assert ids == ["file:99"] + [f"file:{n:02d}" for n in range(25)]
    backend.close()
