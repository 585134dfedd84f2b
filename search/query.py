"""The backend-neutral search request, and how its text is read.

A :class:`Query` says what to find, which filters apply, which facets to count, which page
and order to return, and what the user may see (``allowed_units``). Each backend turns it
into its own request; both read the text through :func:`parse_text`, so the two agree on
what a term, a phrase and a document number are.

Text semantics (both backends): every term and every quoted phrase must occur, folded
(no diacritics, any case), in some searchable field; a document number or code such as
"15/QĐ-UBND" or "000.00.01.H26-251120-0007" is a *symbol*: it must occur as a phrase, and a
document whose ``number_symbol`` or ``dossier_code`` is exactly that symbol ranks first.
The words "số", "ký hiệu" before a symbol are dropped. Matches with the same diacritics
as the query rank above folded-only ones.
"""
import dataclasses
import re

from records.textnorm import fold, nfc

from .schema import DATE_FIELDS, FACETS, KINDS, STATUSES, iso_date

SORTS = ("relevance", "newest", "oldest")
MAX_SIZE = 100
#: Deepest result reachable by paging (Elasticsearch's default max_result_window).
MAX_WINDOW = 10_000
DEFAULT_FACET_SIZE = 20

_QUOTED = re.compile(r'"([^"]*)"')
_EDGE_PUNCT = "\"'“”‘’.,;:!?()[]{}<>"
_SYMBOL = re.compile(r"^(?=.*\d)[^\W_]+(?:[./-][^\W_]+)*[/-][^\W_]+(?:[./-][^\W_]+)*$")
#: Folded words that only announce a number ("số 15/QĐ-UBND", "ký hiệu ...").
NUMBER_WORDS = frozenset({"so", "ky", "hieu"})


@dataclasses.dataclass(frozen=True)
class ParsedText:
    """Query text split into what must match.

    ``terms``: single chunks (may hold punctuation, e.g. "000.00.01"), ``phrases``: quoted
    word sequences, ``symbols``: numbers and codes; all NFC, original case.
    """
    terms: tuple = ()
    phrases: tuple = ()
    symbols: tuple = ()

    def __bool__(self):
        return bool(self.terms or self.phrases or self.symbols)

    @property
    def clauses(self):
        """Every required clause (terms, phrases, symbols), in query order by kind."""
        return self.terms + self.phrases + self.symbols


def parse_text(text):
    """Split free text into terms, quoted phrases and symbols (see the module doc)."""
    text = nfc(text) or ""
    phrases = tuple(p for p in (" ".join(m.split()) for m in _QUOTED.findall(text)) if p)
    rest = _QUOTED.sub(" ", text).replace('"', " ")
    chunks = [c.strip(_EDGE_PUNCT) for c in rest.split()]
    chunks = [c for c in chunks if any(ch.isalnum() for ch in c)]
    symbols = tuple(c for c in chunks if _SYMBOL.match(c))
    terms = [c for c in chunks if c not in symbols]
    if symbols:
        terms = [t for t in terms if fold(t) not in NUMBER_WORDS]
    return ParsedText(tuple(dict.fromkeys(terms)), tuple(dict.fromkeys(phrases)),
                      tuple(dict.fromkeys(symbols)))


def _set(value):
    if value is None:
        return frozenset()
    if isinstance(value, str):
        return frozenset([value])
    return frozenset(value)


@dataclasses.dataclass(frozen=True)
class Query:
    """One search request. Set filters are "any of"; different filters all apply.

    ``units`` matches a document whose receiving *or* processing unit is one of them.
    ``dates`` maps a date field to an inclusive ``(start, end)`` pair, either may be None;
    an end given as a date includes that whole day.
    ``allowed_units`` is the permission filter: ``None`` shows everything, a set shows only
    documents with a unit in it (an empty set shows nothing).
    ``sort``: "relevance" (newest first when there is no text), "newest" or "oldest" by
    ``sort_date`` (issue date, else received date; documents without one come last).
    Raises ValueError on anything a backend could not honour.
    """
    text: str = ""
    kinds: frozenset = frozenset()
    procedures: frozenset = frozenset()
    units: frozenset = frozenset()
    states: frozenset = frozenset()
    doc_types: frozenset = frozenset()
    statuses: frozenset = frozenset()
    applicant_id: str = None
    overdue: bool = None
    dates: tuple = ()
    facets: tuple = ()
    facet_size: int = DEFAULT_FACET_SIZE
    page: int = 1
    size: int = 20
    sort: str = "relevance"
    allowed_units: frozenset = None

    def __post_init__(self):
        setattr_ = object.__setattr__.__get__(self)
        for name in ("kinds", "procedures", "units", "states", "doc_types", "statuses"):
            setattr_(name, _set(getattr(self, name)))
        if self.allowed_units is not None:
            setattr_("allowed_units", _set(self.allowed_units))
        setattr_("text", nfc(self.text) or "")
        setattr_("facets", tuple(dict.fromkeys([self.facets] if isinstance(self.facets, str)
                                               else self.facets)))
        setattr_("dates", _dates(self.dates))
        if self.kinds - set(KINDS):
            raise ValueError(f"unknown kinds {sorted(self.kinds - set(KINDS))}")
        if self.statuses - set(STATUSES):
            raise ValueError(f"unknown statuses {sorted(self.statuses - set(STATUSES))}")
        if set(self.facets) - set(FACETS):
            raise ValueError(f"unknown facets {sorted(set(self.facets) - set(FACETS))}")
        if self.sort not in SORTS:
            raise ValueError(f"sort must be one of {SORTS}")
        if not 1 <= self.size <= MAX_SIZE or self.page < 1:
            raise ValueError(f"page >= 1 and 1 <= size <= {MAX_SIZE} required")
        if self.page * self.size > MAX_WINDOW:
            raise ValueError(f"cannot page beyond result {MAX_WINDOW}")
        if not 1 <= self.facet_size <= 1000:
            raise ValueError("1 <= facet_size <= 1000 required")

    @property
    def parsed(self):
        return parse_text(self.text)

    @property
    def offset(self):
        return (self.page - 1) * self.size

    @property
    def effective_sort(self):
        """The order actually used: relevance without text means newest first."""
        if self.sort == "relevance" and not self.parsed:
            return "newest"
        return self.sort

    @property
    def hides_everything(self):
        """True when the permission filter lets nothing through."""
        return self.allowed_units is not None and not self.allowed_units


def _dates(value):
    items = value.items() if isinstance(value, dict) else value
    out = []
    for field, bounds in items:
        if field not in DATE_FIELDS:
            raise ValueError(f"unknown date field {field!r}")
        start, end = bounds
        end = iso_date(end, field)
        if end is not None and len(end) == 10:
            # NB: an end date includes that whole day, in both backends.
            end += "T23:59:59"
        out.append((field, iso_date(start, field), end))
    return tuple(sorted(out))
