"""The embedded backend: SQLite FTS5 files in one directory, no server.

Layout of ``path``::

    CURRENT                 the name of the index file in use (replaced atomically)
    index-<stamp>.sqlite    one file per index generation (WAL mode)
    .lock                   serialises creation and rebuilds across processes

Several processes may use one directory: SQLite's WAL mode lets readers run beside one
writer, and a busy writer waits up to ``timeout`` seconds (then :class:`SearchUnavailable`).
Every operation checks ``CURRENT`` and reopens when a rebuild has switched files; a writer
checks again once it holds the write lock, and the switch takes that same lock on the old
file, so no write lands in a file that is no longer current.
"""
import concurrent.futures
import contextlib
import datetime
import itertools
import fcntl
import os
import sqlite3
import threading

from . import embedded_sql as sql
from .highlight import highlights
from .interfaces import FacetValue, Hit, Results, SearchError, SearchUnavailable
from .schema import prepare, public_fields

BATCH = 500
#: Documents per transaction in a rebuild (the new file is private until the switch).
REBUILD_BATCH = 5000
#: FTS5 keeps this many bytes of new terms in memory before writing a segment (rebuild).
REBUILD_HASHSIZE = 64 * 1024 * 1024
MMAP_SIZE = 1 << 30
CACHE_KIB = 64 * 1024


def _batches(docs, size):
    """Lists of at most ``size`` prepared documents (raises at the first invalid one)."""
    docs = iter(docs)
    while True:
        batch = [prepare(doc) for doc in itertools.islice(docs, size)]
        if not batch:
            return
        yield batch


@contextlib.contextmanager
def _translate():
    try:
        yield
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error) or "unable to open" in str(error):
            raise SearchUnavailable(f"embedded index busy or missing: {error}") from error
        raise SearchError(f"embedded index failed: {error}") from error
    except sqlite3.DatabaseError as error:
        raise SearchError(f"embedded index failed: {error}") from error


class EmbeddedBackend:
    """:class:`records.search.interfaces.SearchBackend` on SQLite FTS5 under ``path``."""

    def __init__(self, path, timeout=30.0):
        self.path = os.path.abspath(path)
        self.timeout = timeout
        self._lock = threading.RLock()
        self._conn = None
        self._current = None  # (CURRENT's stat identity, file name) the connection is on

    # -- files --------------------------------------------------------------------------

    def _pointer(self):
        return os.path.join(self.path, "CURRENT")

    def _read_pointer(self):
        try:
            with open(self._pointer()) as pointer:
                stat = os.fstat(pointer.fileno())
                return (stat.st_ino, stat.st_mtime_ns), pointer.read().strip()
        except FileNotFoundError:
            return None

    def _open(self, name):
        conn = sqlite3.connect(os.path.join(self.path, name), timeout=self.timeout,
                               isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA temp_store=MEMORY")
        # NB: searches read the FTS doclists and the docs rows of every match; mapping the
        # file and a larger page cache keep them out of read() calls.
        conn.execute(f"PRAGMA mmap_size={MMAP_SIZE}")
        conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        return conn

    def _connection(self):
        """The connection to the current file, reopened when ``CURRENT`` has changed."""
        current = self._read_pointer()
        if current is None:
            raise SearchUnavailable(f"no embedded index at {self.path} (ensure_index first)")
        if self._conn is None or current != self._current:
            if self._conn is not None:
                self._conn.close()
            self._conn, self._current = None, None
            with _translate():
                conn = self._open(current[1])
                schema = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if schema is None or schema[0] != str(sql.SCHEMA_VERSION):
                conn.close()
                # NB: the layout changed (v2: sources and fts_exact tables); an index of
                # another version has to be rebuilt (``rebuild`` makes a new file).
                raise SearchError(f"embedded index {current[1]} has schema "
                                  f"{schema and schema[0]}, not {sql.SCHEMA_VERSION}: "
                                  f"rebuild it")
            self._conn, self._current = conn, current
        return self._conn

    @contextlib.contextmanager
    def _file_lock(self):
        os.makedirs(self.path, exist_ok=True)
        with open(os.path.join(self.path, ".lock"), "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _new_file(self):
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d%H%M%S%f")
        name = f"index-{stamp}.sqlite"
        conn = self._open(name)
        with _translate():
            for statement in sql.DDL:
                conn.execute(statement)
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)",
                         [str(sql.SCHEMA_VERSION)])
        return name, conn

    def _switch_to(self, name):
        """Point ``CURRENT`` at ``name`` while holding the old file's write lock."""
        old = self._read_pointer()
        old_conn = self._open(old[1]) if old else None
        try:
            if old_conn is not None:
                with _translate():
                    old_conn.execute("BEGIN IMMEDIATE")
            temp = self._pointer() + ".tmp"
            with open(temp, "w") as pointer:
                pointer.write(name + "\n")
                pointer.flush()
                os.fsync(pointer.fileno())
            os.replace(temp, self._pointer())
        finally:
            if old_conn is not None:
                old_conn.rollback()
                old_conn.close()
        return old[1] if old else None

    def _remove_file(self, name):
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(os.path.join(self.path, name + suffix))

    # -- the interface ------------------------------------------------------------------

    def ensure_index(self):
        with self._lock, self._file_lock():
            if self._read_pointer() is None:
                name, conn = self._new_file()
                conn.close()
                self._switch_to(name)

    def index_many(self, docs):
        written = 0
        batch = []
        for doc in docs:
            batch.append(prepare(doc))
            if len(batch) >= BATCH:
                written += self._write(self._upsert, batch)
                batch = []
        if batch:
            written += self._write(self._upsert, batch)
        return written

    def delete_many(self, ids):
        ids = list(dict.fromkeys(ids))
        return self._write(self._delete, ids) if ids else 0

    def refresh(self):
        """Nothing to do: a committed write is visible at once."""

    def search(self, query):
        with self._lock, _translate():
            conn = self._connection()
            conn.execute("BEGIN")
            try:
                return self._search(conn, query)
            finally:
                conn.execute("COMMIT")

    def iter_versions(self):
        last = 0
        while True:
            with self._lock, _translate():
                rows = self._connection().execute(
                    "SELECT rowid, id, version FROM docs WHERE rowid > ? ORDER BY rowid "
                    "LIMIT 5000", [last]).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            for _, doc_id, version in rows:
                yield doc_id, version

    def count(self):
        with self._lock, _translate():
            return self._connection().execute("SELECT count(*) FROM docs").fetchone()[0]

    def rebuild(self, docs):
        # NB: not under self._lock: the new file has its own connection, and searches
        # through this object must go on while it fills.
        with self._file_lock():
            name, conn = self._new_file()
            try:
                # NB: the new file is private until the switch; durability comes at the end.
                conn.execute("PRAGMA synchronous=OFF")
                conn.execute("INSERT INTO fts (fts, rank) VALUES ('hashsize', ?)",
                             [REBUILD_HASHSIZE])
                conn.execute("INSERT INTO fts_exact (fts_exact, rank) VALUES ('hashsize', ?)",
                             [REBUILD_HASHSIZE // 4])
                written = self._fill(conn, docs)
                with _translate():
                    conn.execute("INSERT INTO fts (fts, rank) VALUES ('hashsize', ?)",
                                 [1024 * 1024])
                    conn.execute("INSERT INTO fts_exact (fts_exact, rank) VALUES "
                                 "('hashsize', ?)", [1024 * 1024])
                    conn.execute("INSERT INTO fts (fts) VALUES ('optimize')")
                    conn.execute("INSERT INTO fts_exact (fts_exact) VALUES ('optimize')")
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.close()
                old = self._switch_to(name)
            except BaseException:
                conn.close()
                self._remove_file(name)
                raise
            if old and old != name:
                self._remove_file(old)
            return written

    def _fill(self, conn, docs):
        """Write ``docs`` into the new file ``conn``; return how many were written.

        NB: documents are prepared (checked, folded, packed) in this thread while the
        previous batch is written by another: SQLite releases the GIL while it works, so
        the two overlap on two cores.
        """
        written = 0
        with concurrent.futures.ThreadPoolExecutor(1) as writer:
            pending = None
            for batch in _batches(docs, REBUILD_BATCH):
                rows = [(doc, sql.row_values(doc), sql.pack(doc), sql.fts_columns(doc),
                         sql.exact_column(doc)) for doc in batch]
                if pending is not None:
                    written += pending.result()
                pending = writer.submit(self._in_transaction, conn, self._insert_rows, rows)
            if pending is not None:
                written += pending.result()
        return written

    def available(self):
        try:
            with self._lock:
                self._connection().execute("SELECT 1 FROM docs LIMIT 1").fetchall()
            return True
        except Exception:  # NB: the contract is "never raises"
            return False

    def close(self):
        with self._lock:
            if self._conn is not None:
                self._conn.close()
            self._conn, self._current = None, None

    # -- writing ------------------------------------------------------------------------

    def _write(self, operation, items):
        """Run ``operation`` on the current file in a write transaction.

        NB: once the write lock is held, CURRENT is read again: if a rebuild switched
        files meanwhile, the transaction is dropped and run on the new file.
        """
        with self._lock:
            for _ in range(3):
                conn = self._connection()
                with _translate():
                    conn.execute("BEGIN IMMEDIATE")
                if self._read_pointer() != self._current:
                    conn.rollback()
                    continue
                return self._in_transaction(conn, operation, items, begun=True)
            raise SearchUnavailable("embedded index keeps switching files")

    @staticmethod
    def _in_transaction(conn, operation, items, begun=False):
        with _translate():
            if not begun:
                conn.execute("BEGIN IMMEDIATE")
            try:
                count = operation(conn, items)
            except BaseException:
                conn.rollback()
                raise
            conn.execute("COMMIT")
            return count

    @staticmethod
    def _remove_text(conn, rowid):
        """Take row ``rowid`` out of both FTS tables (their old values come from its
        source)."""
        old = sql.unpack(conn.execute("SELECT source FROM sources WHERE rowid = ?",
                                      [rowid]).fetchone()[0])
        conn.execute(sql.DELETE_FTS, [rowid, *sql.fts_columns(old)])
        conn.execute(sql.DELETE_EXACT, [rowid, sql.exact_column(old)])

    @staticmethod
    def _upsert(conn, prepared_docs):
        written = 0
        for doc in prepared_docs:
            row = conn.execute("SELECT rowid, version FROM docs WHERE id = ?",
                               [doc["id"]]).fetchone()
            if row is not None and row[1] > doc["version"]:
                continue
            values = sql.row_values(doc)
            if row is None:
                rowid = conn.execute(sql.INSERT_DOC, values).lastrowid
            else:
                rowid = row[0]
                EmbeddedBackend._remove_text(conn, rowid)
                conn.execute(sql.UPDATE_DOC, values + [rowid])
            conn.execute(sql.SET_SOURCE, [rowid, sql.pack(doc)])
            conn.execute(sql.INSERT_FTS, [rowid, *sql.fts_columns(doc)])
            conn.execute(sql.INSERT_EXACT, [rowid, sql.exact_column(doc)])
            written += 1
        return written

    @staticmethod
    def _insert_rows(conn, rows):
        """Insert prepared ``(doc, row values, source blob, fts columns, exact column)``
        rows; the highest version of an id wins."""
        written = 0
        for doc, values, blob, columns, exact in rows:
            row = conn.execute("SELECT rowid, version FROM docs WHERE id = ?",
                               [doc["id"]]).fetchone()
            if row is None:
                rowid = conn.execute(sql.INSERT_DOC, values).lastrowid
            elif row[1] > doc["version"]:
                continue
            else:
                EmbeddedBackend._upsert(conn, [doc])
                written += 1
                continue
            conn.execute(sql.SET_SOURCE, [rowid, blob])
            conn.execute(sql.INSERT_FTS, [rowid, *columns])
            conn.execute(sql.INSERT_EXACT, [rowid, exact])
            written += 1
        return written

    @staticmethod
    def _delete(conn, ids):
        removed = 0
        for doc_id in ids:
            row = conn.execute("SELECT rowid FROM docs WHERE id = ?", [doc_id]).fetchone()
            if row is None:
                continue
            EmbeddedBackend._remove_text(conn, row[0])
            conn.execute("DELETE FROM sources WHERE rowid = ?", [row[0]])
            conn.execute("DELETE FROM docs WHERE rowid = ?", [row[0]])
            removed += 1
        return removed

    # -- searching ----------------------------------------------------------------------

    def _search(self, conn, query):
        parsed = query.parsed
        expression = sql.match_expression(parsed)
        if expression is None:
            where, params = sql.filters(query)
            source, score = f"FROM docs d WHERE {where}", "NULL"
        else:
            where, params = sql.filters(query, tags=True)
            tags = sql.tag_expression(query)
            if tags is not None:
                expression = f"({expression}) AND {tags}"
            # NB: the MATCH runs once; count, page and facets read the materialised hits.
            rank, rank_params = sql.score(parsed)
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS hits "
                         "(rid INTEGER PRIMARY KEY, score REAL)")
            conn.execute("DELETE FROM temp.hits")
            # NB: CROSS JOIN keeps fts the outer loop; otherwise SQLite may walk a filter
            # index and re-run the whole MATCH once per candidate row.
            if where == "1" and not rank_params:
                # NB: nothing to read from docs: no join for every match.
                conn.execute(f"INSERT INTO temp.hits SELECT rowid, {rank} FROM fts "
                             f"WHERE fts MATCH ?", [expression])
            else:
                conn.execute(f"INSERT INTO temp.hits SELECT d.rowid, {rank} FROM fts "
                             f"CROSS JOIN docs d ON d.rowid = fts.rowid "
                             f"WHERE fts MATCH ? AND {where}",
                             rank_params + [expression] + params)
            exact = sql.exact_expression(parsed)
            if exact is not None:
                conn.execute(sql.exact_bonus_sql(), [exact])
            source, score, params = (
                "FROM temp.hits h JOIN docs d ON d.rowid = h.rid WHERE 1", "h.score", [])
        # NB: every hit is a docs row: no join to count them.
        total = conn.execute("SELECT count(*) FROM temp.hits" if expression is not None
                             else f"SELECT count(*) {source}", params).fetchone()[0]
        page_source, page_params = source, params
        if expression is not None and query.effective_sort == "relevance":
            # NB: only hits scoring at least the page's last score can be on the page;
            # finding that score needs no join, so only those few hits are joined to
            # docs to break ties by id.
            cut = conn.execute("SELECT score FROM temp.hits ORDER BY score DESC "
                               "LIMIT 1 OFFSET ?", [query.offset + query.size - 1]).fetchone()
            if cut is not None:
                page_source, page_params = source + " AND h.score >= ?", [cut[0]]
        rows = conn.execute(
            f"SELECT d.id, d.kind, {score} AS score, d.rowid {page_source} "
            f"ORDER BY {sql.order_by(query)} LIMIT ? OFFSET ?",
            page_params + [query.size, query.offset]).fetchall()
        blobs = dict(conn.execute(
            f"SELECT rowid, source FROM sources WHERE rowid IN "
            f"({', '.join('?' * len(rows))})", [row[3] for row in rows])) if rows else {}
        facets = {}
        if query.facets:
            names = list(query.facets)
            counted = sql.facet_counts(names, conn.execute(sql.facets_sql(names, source),
                                                           params).fetchall(),
                                       query.facet_size)
            facets = {name: tuple(FacetValue(value, count) for value, count in counted[name])
                      for name in names}
        hits = []
        for doc_id, kind, hit_score, rowid in rows:
            doc = sql.unpack(blobs[rowid])
            scored = query.effective_sort == "relevance"
            hits.append(Hit(id=doc_id, kind=kind, score=hit_score if scored else None,
                            fields=public_fields(doc),
                            highlights=highlights(doc["text"], parsed)))
        return Results(total=total, hits=tuple(hits), facets=facets, page=query.page,
                       size=query.size)
