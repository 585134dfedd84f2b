"""The embedded index's SQLite schema and the SQL for a :class:`records.search.query.Query`.

Pure functions, no connection: unit-tested in ``tests/unit/search/test_embedded_sql.py``.

One ``docs`` row per document (filter and facet columns, the prepared document as
compressed JSON) and one row of the contentless FTS5 table ``fts`` with the same rowid:
``meta_exact``, ``meta_folded``, ``body_folded``. Folding is done in Python
(:mod:`records.textnorm`); the tokenizer keeps diacritics, so the exact column really is
exact. bm25 weights make it count more than the folded ones. As in Elasticsearch
(see :mod:`records.search.mapping`), page text is indexed folded only.
"""
import json
import zlib

from records.textnorm import fold, lower, symbol_key, words

from .schema import DATE_FIELDS, FACETS, PAGE_BREAK, fold_fast, meta_values

SCHEMA_VERSION = 1
#: bm25 weights for meta_exact, meta_folded, body_folded.
WEIGHTS = (6.0, 3.0, 1.0)
SYMBOL_BONUS = 100.0
COLUMNS = ("id", "kind", "version", "procedure_code", "receiving_unit", "processing_unit",
           "state", "doc_type", "issuer", "status", "applicant_id", "number_symbol_key",
           "dossier_code_key") + DATE_FIELDS + ("sort_date", "overdue")

DDL = [
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS docs (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, "
    "kind TEXT NOT NULL, version INTEGER NOT NULL, procedure_code TEXT, receiving_unit TEXT, "
    "processing_unit TEXT, state TEXT, doc_type TEXT, issuer TEXT, status TEXT, "
    "applicant_id TEXT, number_symbol_key TEXT, dossier_code_key TEXT, received_at TEXT, "
    "due_at TEXT, issue_date TEXT, valid_until TEXT, sort_date TEXT, "
    "overdue INTEGER NOT NULL, source BLOB NOT NULL)",
    "CREATE INDEX IF NOT EXISTS docs_sort ON docs (sort_date, id)",
    "CREATE INDEX IF NOT EXISTS docs_kind ON docs (kind, sort_date)",
    "CREATE INDEX IF NOT EXISTS docs_procedure ON docs (procedure_code)",
    "CREATE INDEX IF NOT EXISTS docs_receiving ON docs (receiving_unit)",
    "CREATE INDEX IF NOT EXISTS docs_processing ON docs (processing_unit)",
    "CREATE INDEX IF NOT EXISTS docs_state ON docs (state)",
    "CREATE INDEX IF NOT EXISTS docs_applicant ON docs (applicant_id)",
    "CREATE INDEX IF NOT EXISTS docs_number ON docs (number_symbol_key)",
    "CREATE INDEX IF NOT EXISTS docs_code ON docs (dossier_code_key)",
    # NB: contentless: the text lives once, compressed, in docs.source. Removing a row
    # needs its old column values, recomputed from that source by fts_columns().
    "CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(meta_exact, meta_folded, body_folded, "
    "content='', tokenize='unicode61 remove_diacritics 0')",
]

INSERT_DOC = (f"INSERT INTO docs ({', '.join(COLUMNS)}, source) "
              f"VALUES ({', '.join('?' * (len(COLUMNS) + 1))})")
UPDATE_DOC = (f"UPDATE docs SET {', '.join(c + ' = ?' for c in COLUMNS)}, source = ? "
              "WHERE rowid = ?")
INSERT_FTS = ("INSERT INTO fts (rowid, meta_exact, meta_folded, body_folded) "
              "VALUES (?, ?, ?, ?)")
DELETE_FTS = ("INSERT INTO fts (fts, rowid, meta_exact, meta_folded, body_folded) "
              "VALUES ('delete', ?, ?, ?, ?)")


def pack(prepared):
    return zlib.compress(json.dumps(prepared, ensure_ascii=False).encode("utf-8"), 3)


def unpack(blob):
    return json.loads(zlib.decompress(blob))


def row_values(prepared):
    """The ``docs`` column values (in :data:`COLUMNS` order) followed by the source blob."""
    values = [prepared[c] for c in COLUMNS]
    values[COLUMNS.index("overdue")] = int(prepared["overdue"])
    return values + [pack(prepared)]


def fts_columns(prepared):
    """The FTS column values for a prepared document (deterministic)."""
    meta = PAGE_BREAK.join(meta_values(prepared))
    body = PAGE_BREAK.join(page["text"] for page in prepared["text"])
    return meta, fold_fast(meta), fold_fast(body)


def _phrase(text):
    return '"' + " ".join(words(text)) + '"'


def match_expression(parsed):
    """The FTS5 MATCH string: all clauses on the folded columns, scored also on the exact.

    NB: "F AND (E OR f1)" matches exactly what F matches (f1 is part of F), while bm25
    also counts the exact phrases E, which is what ranks exact-diacritics matches first.
    """
    folded = [_phrase(fold(c)) for c in parsed.clauses if words(c)]
    if not folded:
        return None
    exact = [_phrase(lower(c)) for c in parsed.clauses if words(c)]
    return (f"{{meta_folded body_folded}} : ({' AND '.join(folded)}) AND "
            f"(meta_exact : ({' OR '.join(exact)}) OR "
            f"{{meta_folded body_folded}} : {folded[0]})")


def _in(column, values):
    values = sorted(values)
    return f"{column} IN ({', '.join('?' * len(values))})", values


def _any_unit(units):
    receiving, values = _in("d.receiving_unit", units)
    processing, _ = _in("d.processing_unit", units)
    return f"({receiving} OR {processing})", values + values


def filters(query):
    """``(sql, params)``: the WHERE conditions on ``docs d`` (``"1"`` when none)."""
    parts, params = [], []

    def add(sql, values=()):
        parts.append(sql)
        params.extend(values)

    for column, values in (("kind", query.kinds), ("procedure_code", query.procedures),
                           ("state", query.states), ("doc_type", query.doc_types),
                           ("status", query.statuses)):
        if values:
            add(*_in("d." + column, values))
    if query.units:
        add(*_any_unit(query.units))
    if query.allowed_units is not None:
        add(*(_any_unit(query.allowed_units) if query.allowed_units else ("0",)))
    if query.applicant_id:
        add("d.applicant_id = ?", [query.applicant_id])
    if query.overdue is not None:
        add("d.overdue = ?", [int(query.overdue)])
    for field, start, end in query.dates:
        if start:
            add(f"d.{field} >= ?", [start])
        if end:
            add(f"d.{field} <= ?", [end])
    return (" AND ".join(parts) or "1"), params


def score(parsed):
    """``(sql, params)``: the score of a row joined with ``fts``; higher is better."""
    bm25 = f"-bm25(fts, {', '.join(map(str, WEIGHTS))})"
    if not parsed.symbols:
        return bm25, []
    keys = sorted({symbol_key(s) for s in parsed.symbols})
    number, values = _in("d.number_symbol_key", keys)
    code, _ = _in("d.dossier_code_key", keys)
    return f"{bm25} + {SYMBOL_BONUS} * (({number}) OR ({code}))", values + values


def order_by(query):
    sort = query.effective_sort
    if sort == "relevance":
        return "score DESC, d.id"
    direction = "DESC" if sort == "newest" else "ASC"
    return f"d.sort_date IS NULL, d.sort_date {direction}, d.id"


def facet_sql(name, source_sql, limit):
    """Counts per value of facet ``name`` over ``source_sql`` (a FROM … WHERE … text)."""
    column = "d." + FACETS[name]
    return (f"SELECT {column}, count(*) {source_sql} AND {column} IS NOT NULL "
            f"GROUP BY {column} ORDER BY count(*) DESC, {column} LIMIT {int(limit)}")
