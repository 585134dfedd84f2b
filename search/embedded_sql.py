"""The embedded index's SQLite schema and the SQL for a :class:`records.search.query.Query`.

Pure functions, no connection: unit-tested in ``tests/unit/search/test_embedded_sql.py``.

One ``docs`` row per document (filter and facet columns only), one ``sources`` row (the
prepared document as compressed JSON) and one row in each contentless FTS5 table, all with
the same rowid: ``fts`` (``meta_folded``, ``body_folded``) and ``fts_exact``
(``meta_exact``). Folding is done in Python (:mod:`records.textnorm`); the tokenizer keeps
diacritics, so the exact column really is exact. As in Elasticsearch (see
:mod:`records.search.mapping`), page text is indexed folded only.

NB: the source blob (~10 KB a document) has a table of its own so that the filter, join
and facet scans over ``docs`` read small rows (about 20 a page instead of one); only the
hits of the page read their source.
NB: the exact column has an FTS table of its own. In one table, a query that matches on
the folded columns and is also scored on the exact one needs "F AND (E OR F)", and FTS5
evaluates the folded phrases F twice (each instance reads its doclists again): that was
half the cost of a search. ``fts_exact`` holds only the short fields, so its doclists are
small, and its bm25 is added to the hits' scores after the one folded MATCH.
NB: FTS5 ``detail=column`` / ``columnsize=0`` would make the index smaller but cannot
serve phrase queries (positions) nor bm25 on a contentless table (column sizes).
"""
import json
import zlib

from records.textnorm import fold, fold_tokens, lower, symbol_key, words

from .schema import DATE_FIELDS, FACETS, PAGE_BREAK, meta_values

SCHEMA_VERSION = 2
#: bm25 weights for meta_folded, body_folded, tags; the exact meta_exact (fts_exact)
#: counts EXACT_WEIGHT times its own bm25.
WEIGHTS = (3.0, 1.0, 0.0)
#: Keyword fields also indexed as tokens in the ``tags`` column of ``fts``, so that a text
#: search filters on them inside the MATCH (see :func:`tag_expression`).
TAG_FIELDS = ("kind", "procedure_code", "state", "doc_type", "status")
EXACT_WEIGHT = 6.0
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
    "overdue INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sources (rowid INTEGER PRIMARY KEY, source BLOB NOT NULL)",
    "CREATE INDEX IF NOT EXISTS docs_sort ON docs (sort_date, id)",
    "CREATE INDEX IF NOT EXISTS docs_kind ON docs (kind, sort_date)",
    "CREATE INDEX IF NOT EXISTS docs_procedure ON docs (procedure_code)",
    "CREATE INDEX IF NOT EXISTS docs_receiving ON docs (receiving_unit)",
    "CREATE INDEX IF NOT EXISTS docs_processing ON docs (processing_unit)",
    "CREATE INDEX IF NOT EXISTS docs_state ON docs (state)",
    "CREATE INDEX IF NOT EXISTS docs_applicant ON docs (applicant_id)",
    "CREATE INDEX IF NOT EXISTS docs_number ON docs (number_symbol_key)",
    "CREATE INDEX IF NOT EXISTS docs_code ON docs (dossier_code_key)",
    # NB: contentless: the text lives once, compressed, in sources.source. Removing a row
    # needs its old column values, recomputed from that source by fts_columns().
    "CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(meta_folded, body_folded, tags, "
    "content='', tokenize='unicode61 remove_diacritics 0')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS fts_exact USING fts5(meta_exact, "
    "content='', tokenize='unicode61 remove_diacritics 0')",
]

INSERT_DOC = (f"INSERT INTO docs ({', '.join(COLUMNS)}) "
              f"VALUES ({', '.join('?' * len(COLUMNS))})")
UPDATE_DOC = f"UPDATE docs SET {', '.join(c + ' = ?' for c in COLUMNS)} WHERE rowid = ?"
SET_SOURCE = "INSERT OR REPLACE INTO sources (rowid, source) VALUES (?, ?)"
INSERT_FTS = "INSERT INTO fts (rowid, meta_folded, body_folded, tags) VALUES (?, ?, ?, ?)"
DELETE_FTS = ("INSERT INTO fts (fts, rowid, meta_folded, body_folded, tags) "
              "VALUES ('delete', ?, ?, ?, ?)")
INSERT_EXACT = "INSERT INTO fts_exact (rowid, meta_exact) VALUES (?, ?)"
DELETE_EXACT = "INSERT INTO fts_exact (fts_exact, rowid, meta_exact) VALUES ('delete', ?, ?)"


def pack(prepared):
    return zlib.compress(json.dumps(prepared, ensure_ascii=False).encode("utf-8"), 3)


def unpack(blob):
    return json.loads(zlib.decompress(blob))


def row_values(prepared):
    """The ``docs`` column values, in :data:`COLUMNS` order."""
    values = [prepared[c] for c in COLUMNS]
    values[COLUMNS.index("overdue")] = int(prepared["overdue"])
    return values


def exact_column(prepared):
    """The ``fts_exact`` column value: the short fields as written."""
    return PAGE_BREAK.join(meta_values(prepared))


def fts_columns(prepared):
    """The ``fts`` column values for a prepared document (deterministic)."""
    body = PAGE_BREAK.join(page["text"] for page in prepared["text"])
    tags = " ".join(_tag(field, prepared[field]) for field in TAG_FIELDS
                    if prepared.get(field) is not None)
    return fold(exact_column(prepared)), fold_tokens(body), tags


def _tag(field, value):
    """One token (letters and digits only) for ``value`` of keyword ``field``."""
    return f"t{TAG_FIELDS.index(field)}x{value.encode('utf-8').hex()}"


def _tag_values(query):
    return (("kind", query.kinds), ("procedure_code", query.procedures),
            ("state", query.states), ("doc_type", query.doc_types),
            ("status", query.statuses))


def tag_expression(query):
    """The MATCH part for the :data:`TAG_FIELDS` filters of ``query``, or None.

    NB: a text search used to join every FTS match to ``docs`` to filter it (a row
    lookup each: 80 ms for the 59,000 matches of "quyền sử dụng đất" in 100,000
    documents); as tokens, the filters are doclist intersections inside FTS5, and only
    the rows that pass are scored. :func:`filters` leaves these out when asked.
    """
    parts = [f"tags : ({' OR '.join(_tag(field, value) for value in sorted(values))})"
             for field, values in _tag_values(query) if values]
    return " AND ".join(parts) or None


def _phrase(text):
    return '"' + " ".join(words(text)) + '"'


def match_expression(parsed):
    """The ``fts`` MATCH string: every clause, folded, as a phrase (None: no words)."""
    folded = [_phrase(fold(c)) for c in parsed.clauses if words(c)]
    if not folded:
        return None
    return " AND ".join(folded)


def exact_expression(parsed):
    """The ``fts_exact`` MATCH string: any clause as typed (diacritics kept), or None.

    Its bm25 is added to the score of the hits it matches, which is what ranks
    exact-diacritics matches first; it never adds hits.
    """
    exact = [_phrase(lower(c)) for c in parsed.clauses if words(c)]
    return " OR ".join(dict.fromkeys(exact)) or None


def _in(column, values):
    values = sorted(values)
    return f"{column} IN ({', '.join('?' * len(values))})", values


def _any_unit(units):
    receiving, values = _in("d.receiving_unit", units)
    processing, _ = _in("d.processing_unit", units)
    return f"({receiving} OR {processing})", values + values


def filters(query, tags=False):
    """``(sql, params)``: the WHERE conditions on ``docs d`` (``"1"`` when none); with
    ``tags``, without those :func:`tag_expression` puts in the MATCH."""
    parts, params = [], []

    def add(sql, values=()):
        parts.append(sql)
        params.extend(values)

    for column, values in _tag_values(query):
        if values and not tags:
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


def exact_bonus_sql():
    """The statement adding the exact score to the materialised hits (param: the
    :func:`exact_expression`)."""
    return (f"UPDATE temp.hits SET score = score + x.bonus FROM "
            f"(SELECT rowid AS rid, -{EXACT_WEIGHT} * bm25(fts_exact) AS bonus "
            f"FROM fts_exact WHERE fts_exact MATCH ?) AS x WHERE x.rid = temp.hits.rid")


def order_by(query):
    sort = query.effective_sort
    if sort == "relevance":
        return "score DESC, d.id"
    direction = "DESC" if sort == "newest" else "ASC"
    return f"d.sort_date IS NULL, d.sort_date {direction}, d.id"


def facets_sql(names, source_sql):
    """One pass counting every combination of the facet columns of ``names`` over
    ``source_sql``; :func:`facet_counts` sums them per facet.

    NB: one scan of the matches instead of one per facet; the combinations of a few
    facets are few (kind x state x procedure: at most a few hundred rows).
    """
    columns = ", ".join(f"d.{FACETS[name]}" for name in names)
    return f"SELECT {columns}, count(*) {source_sql} GROUP BY {columns}"


def facet_counts(names, rows, limit):
    """``{name: [(value, count), ...]}`` from :func:`facets_sql` rows: most frequent
    first, ties by value, at most ``limit`` values, no NULL."""
    out = {}
    for at, name in enumerate(names):
        counts = {}
        for row in rows:
            value = row[at]
            if value is not None:
                counts[value] = counts.get(value, 0) + row[-1]
        out[name] = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return out


def facet_sql(name, source_sql, limit):
    """Counts per value of facet ``name`` over ``source_sql`` (a FROM … WHERE … text)."""
    column = "d." + FACETS[name]
    return (f"SELECT {column}, count(*) {source_sql} AND {column} IS NOT NULL "
            f"GROUP BY {column} ORDER BY count(*) DESC, {column} LIMIT {int(limit)}")
