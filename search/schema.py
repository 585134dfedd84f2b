"""The index document: what every backend stores for a dossier, a file or a result.

Documents are plain dicts (``search/documents.py`` builds them from store objects).
:func:`prepare` is the one gate into a backend: it checks and normalises a document
(NFC text, ISO dates, pages) and adds the derived keys the backends index
(:data:`DERIVED`). Backends never index anything :func:`prepare` did not return.

Fields
    id               unique across kinds, e.g. "dossier:0x1f"
    kind             one of :data:`KINDS`
    version          int >= 0, grows with every change of the source object; a backend keeps
                     the highest version it was given, so late or repeated updates are harmless
    dossier_code, procedure_code, procedure_name, applicant_name, title, issuer, doc_type,
    number_symbol    short text, searchable (folded and exact)
    applicant_id     CCCD / MST: personal; exact-match filter only, never searchable by text
                     and never returned in hits
    receiving_unit, processing_unit   unit ids (filters, facets, permissions)
    state, status    keywords; status is one of :data:`STATUSES` (results)
    received_at, due_at, issue_date, valid_until   ISO dates or UTC date-times
    overdue          bool
    text             pages: a list of {"page": int, "text": str}
"""
import datetime

from records.textnorm import clean, fold_tokens, nfc, symbol_key

KINDS = ("dossier", "file", "result")
STATUSES = ("valid", "revoked", "superseded")

#: Short text fields searched by name (a folded and an exact form of each is indexed).
META_FIELDS = ("applicant_name", "procedure_name", "title", "number_symbol", "dossier_code",
               "procedure_code", "doc_type", "issuer")
#: Single-valued keyword fields used by filters and facets.
KEYWORD_FIELDS = ("kind", "procedure_code", "receiving_unit", "processing_unit", "state",
                  "doc_type", "issuer", "status", "applicant_id", "dossier_code",
                  "number_symbol")
DATE_FIELDS = ("received_at", "due_at", "issue_date", "valid_until")
UNIT_FIELDS = ("receiving_unit", "processing_unit")
FIELDS = ("id", "kind", "version", "overdue", "text") + tuple(
    dict.fromkeys(META_FIELDS + KEYWORD_FIELDS + DATE_FIELDS))
#: Keys :func:`prepare` adds: the sort date and the symbol keys.
DERIVED = ("sort_date", "number_symbol_key", "dossier_code_key")
#: Never returned in search hits.
PRIVATE_FIELDS = ("applicant_id", "text")

#: Facet name → document field.
FACETS = {
    "kind": "kind",
    "procedure": "procedure_code",
    "state": "state",
    "doc_type": "doc_type",
    "status": "status",
    "issuer": "issuer",
    "receiving_unit": "receiving_unit",
    "processing_unit": "processing_unit",
}

#: Joins page texts in the single body column of backends that need one, so that no phrase
#: matches across a page break.
PAGE_BREAK = " \n xxpagebreakxx \n "


class InvalidDocument(ValueError):
    """A document that does not follow the schema."""


def prepare(doc):
    """Return a checked, normalised copy of ``doc`` with the :data:`DERIVED` keys.

    Unknown keys are rejected, so a typo does not silently go unindexed.
    Raises :class:`InvalidDocument`.
    """
    unknown = set(doc) - set(FIELDS) - set(DERIVED)
    if unknown:
        raise InvalidDocument(f"unknown fields {sorted(unknown)}")
    out = {}
    out["id"] = _required_str(doc, "id")
    out["kind"] = _required_str(doc, "kind")
    if out["kind"] not in KINDS:
        raise InvalidDocument(f"{out['id']}: kind {out['kind']!r} not in {KINDS}")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise InvalidDocument(f"{out['id']}: version must be an int >= 0, not {version!r}")
    out["version"] = version
    for name in dict.fromkeys(META_FIELDS + KEYWORD_FIELDS):
        if name in ("kind",):
            continue
        value = doc.get(name)
        out[name] = clean(value) if value not in (None, "") else None
    if out["status"] is not None and out["status"] not in STATUSES:
        raise InvalidDocument(f"{out['id']}: status {out['status']!r} not in {STATUSES}")
    for name in DATE_FIELDS:
        out[name] = iso_date(doc.get(name), name)
    out["overdue"] = bool(doc.get("overdue", False))
    out["text"] = _pages(doc.get("text"))
    out["sort_date"] = out["issue_date"] or out["received_at"]
    out["number_symbol_key"] = symbol_key(out["number_symbol"]) or None
    out["dossier_code_key"] = symbol_key(out["dossier_code"]) or None
    return out


def public_fields(prepared):
    """The fields a search hit returns: the document without pages and personal data."""
    return {name: prepared.get(name) for name in FIELDS if name not in PRIVATE_FIELDS}


def meta_values(prepared):
    """The short searchable texts of a prepared document, in :data:`META_FIELDS` order."""
    return [prepared[name] for name in META_FIELDS if prepared.get(name)]


def folded_pages(prepared):
    """The pages folded for indexing (:func:`records.textnorm.fold_tokens`)."""
    return [fold_tokens(page["text"]) for page in prepared["text"]]


def iso_date(value, name="date"):
    """``value`` as "YYYY-MM-DD" (a date) or "YYYY-MM-DDTHH:MM:SS" (a UTC date-time).

    Accepts date, datetime (aware ones are converted to UTC) and ISO strings; ``None``
    and "" give ``None``. Raises :class:`InvalidDocument` for anything else.
    """
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = (datetime.date.fromisoformat(value) if len(value) == 10
                     else datetime.datetime.fromisoformat(value))
        except ValueError as error:
            raise InvalidDocument(f"{name}: not an ISO date: {value!r}") from error
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise InvalidDocument(f"{name}: not a date: {value!r}")


def _required_str(doc, name):
    value = doc.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidDocument(f"{name} is required, got {value!r}")
    return nfc(value)


def _pages(value):
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [{"page": 1, "text": value}]
    pages = []
    for item in value:
        try:
            page, text = int(item["page"]), item["text"]
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidDocument(f"text: pages are {{'page': int, 'text': str}}: {item!r}") \
                from error
        pages.append({"page": page, "text": nfc(text) or ""})
    return pages
