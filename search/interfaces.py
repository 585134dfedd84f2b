"""The search backend interface and the results every backend returns.

Two backends implement :class:`SearchBackend`: :class:`records.search.elastic.ElasticBackend`
and :class:`records.search.embedded.EmbeddedBackend`; ``tests/integration/
test_search_contract.py`` runs one suite against both. Build one with
:func:`records.search.factory.backend_from_settings`.

Every method may raise :class:`SearchUnavailable` when the backend cannot be reached (the
caller keeps its outbox entry and retries later) and :class:`SearchError` for anything else
that went wrong in the backend.
"""
import dataclasses
import html
import typing


class SearchError(RuntimeError):
    """The backend failed to do what was asked."""


class SearchUnavailable(SearchError):
    """The backend cannot be reached or is not ready; retry later."""


@dataclasses.dataclass(frozen=True)
class Highlight:
    """A piece of a page where the query matched.

    ``spans`` are (start, end) offsets of the matches inside ``fragment``.
    """
    page: int
    fragment: str
    spans: tuple = ()

    def marked(self, start="<mark>", end="</mark>"):
        """The fragment as HTML: text escaped, matches wrapped in ``start``/``end``."""
        out, last = [], 0
        for left, right in self.spans:
            out += [html.escape(self.fragment[last:left]), start,
                    html.escape(self.fragment[left:right]), end]
            last = right
        out.append(html.escape(self.fragment[last:]))
        return "".join(out)


@dataclasses.dataclass(frozen=True)
class Hit:
    """One found document: ``fields`` are :func:`records.search.schema.public_fields`.

    ``score`` is higher for better matches, comparable only within one result set, and
    ``None`` when the results are sorted by date.
    """
    id: str
    kind: str
    score: typing.Optional[float]
    fields: dict
    highlights: tuple = ()


@dataclasses.dataclass(frozen=True)
class FacetValue:
    value: str
    count: int


@dataclasses.dataclass(frozen=True)
class Results:
    """A page of hits, the total number of matches, and the facet counts over all matches.

    ``facets`` maps each requested facet name to its values, most frequent first
    (ties by value), at most ``Query.facet_size`` of them.
    ``total`` is exact when ``total_exact``; otherwise there are at least that many
    matches (:data:`records.search.query.MAX_WINDOW`; show it as "10,000+"). Backends
    stop counting there only when no facets were asked for, as facets count every match.
    """
    total: int
    hits: tuple
    facets: dict
    page: int
    size: int
    total_exact: bool = True

    @property
    def pages(self):
        return max(1, -(-self.total // self.size))

    @property
    def ids(self):
        return [hit.id for hit in self.hits]


@typing.runtime_checkable
class SearchBackend(typing.Protocol):
    """What the portal, the workers and the commands may ask of a search backend.

    Documents are dicts that :func:`records.search.schema.prepare` accepts. Ids are unique
    across kinds. A backend keeps, per id, the document with the highest ``version`` it was
    given; writing an older version is skipped (counted as stale), an equal one replaces.
    """

    def ensure_index(self) -> None:
        """Create the index (every kind) if it does not exist; idempotent, safe to race."""

    def index_many(self, docs: typing.Iterable[dict]) -> int:
        """Add or replace documents in bulk; return how many were written (not stale).

        Raises :class:`records.search.schema.InvalidDocument` at the first invalid
        document; documents before it may have been written.
        """

    def delete_many(self, ids: typing.Iterable[str]) -> int:
        """Remove documents by id (unknown ids are ignored); return how many were removed."""

    def refresh(self) -> None:
        """Make every completed write visible to :meth:`search`."""

    def search(self, query) -> Results:
        """Run a :class:`records.search.query.Query`."""

    def iter_versions(self) -> typing.Iterator[tuple]:
        """Yield ``(id, version)`` for every indexed document, in no particular order."""

    def count(self) -> int:
        """The number of indexed documents."""

    def rebuild(self, docs: typing.Iterable[dict]) -> int:
        """Build a complete new index from ``docs`` and switch to it in one step.

        Searches keep answering from the old index until the switch, then from the new
        one; there is no moment with an empty or partial index. On failure the old index
        stays in use. Writes that other processes make to the old index while a rebuild
        runs are not carried over: run :func:`records.search.verify.verify` (and repair)
        afterwards, or replay the outbox. Returns the number of documents indexed.
        """

    def available(self) -> bool:
        """True when the backend answers now (never raises)."""

    def close(self) -> None:
        """Release connections; the backend must not be used afterwards."""
