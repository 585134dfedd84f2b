"""Dossiers (hồ sơ), their components and results.

A component holds either a list of file versions (uploads append; nothing is replaced) or a
*reference* to an earlier result or file version (reuse: no copy, pinned to one version).
Every change to a dossier appends to its history.
"""
import secrets
from types import MappingProxyType

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.list import PersistentList

from records import audit
from records.resources.base import Folder
from records.spread import SpreadTree
from records.workflow import RATING_LEVELS  # noqa: F401 (imported from here too)


class Component(Persistent):
    """One paper of the dossier (thành phần hồ sơ)."""

    def __init__(self, key, name, kind=""):
        self.key = key
        self.name = name
        self.kind = kind
        self.versions = PersistentList()
        self.reference = None  # dict: source dossier code, result id or file id, pinned sha256

    def add_version(self, version):
        version.number = len(self.versions) + 1
        self.versions.append(version)
        return version

    @property
    def current(self):
        return self.versions[-1] if self.versions else None


class Result(Persistent):
    """A result (kết quả) issued for a dossier; published as an e-result once approved.

    ``result_id`` and ``verify_token`` are random: the public verification page is reached by
    the token, which cannot be guessed or enumerated.
    """

    def __init__(self, original, doc_type="", number_symbol="", issuer="", issue_date=None,
                 valid_until=None, kind="", created_by=None, created_at=None):
        self.result_id = secrets.token_hex(8)
        self.verify_token = secrets.token_urlsafe(24)
        self.original = original    # FileVersion as attached by the officer
        self.published = None       # FileVersion of the stamped e-result
        self.doc_type = doc_type
        self.number_symbol = number_symbol
        self.issuer = issuer
        self.issue_date = issue_date
        self.valid_until = valid_until
        self.kind = kind
        self.status = "draft"       # draft, approved, published, revoked, superseded
        self.created_by = created_by
        self.created_at = created_at
        self.approved_by = None
        self.approved_at = None
        self.published_at = None
        self.status_reason = None
        self.superseded_by = None   # result_id
        self.supersedes = None      # result_id
        self.status_at = None       # when it was last revoked or superseded
        self.status_by = None       # by whom (login; shown to officers only)

    @property
    def usable(self):
        """True when it may still be offered for reuse."""
        return self.status in ("approved", "published")


class Dossier(Persistent):
    """One dossier as received at a unit for a procedure."""

    # NB: a class default for dossiers stored before it existed: True for a closed record
    # taken in by `records ingest` (the centre's figures leave those out).
    ingested = False
    # NB: what many dossiers never get is made on first use (add_component, note_download),
    # not at receipt: until then empty stand-ins (class defaults, an empty tuple). Three
    # persistent objects fewer per dossier are three million fewer rows for a million.
    components = MappingProxyType({})  # key → Component
    component_order = ()

    def __init__(self, code, procedure_code, applicant, channel, receiving_unit, received_at,
                 received_by, due_at, pin_hash):
        self.code = code
        self.procedure_code = procedure_code
        self.applicant = dict(applicant)
        self.channel = channel
        self.receiving_unit = receiving_unit
        self.processing_unit = None
        self.received_at = received_at
        self.received_by = received_by
        self.due_at = due_at
        self.pin_hash = pin_hash
        self.state = "received"
        self.results = PersistentList()
        self.history = PersistentList()
        self.paused_at = None       # when the clock stopped (supplement requested)
        self.paused_days = 0        # working days spent paused so far
        self.rescheduled = None     # dict: reason, by, at, previous due
        self.supplement_note = None
        self.closed_at = None
        self.returned_electronically = False
        self.rating = None          # dict: level, comment, at (see RATING_LEVELS)
        self.downloads = ()         # public downloads: dicts at, file_id, result_id
        self.receipt = None         # FileVersion of the printed receipt

    def add_component(self, component):
        if component.key in self.components:
            raise KeyError(f"component {component.key!r} exists")
        if not self.component_order:  # the class default, or an empty list of before
            self.components, self.component_order = OOBTree(), PersistentList()
        self.components[component.key] = component
        self.component_order.append(component.key)
        return component

    def note_download(self, line):
        """Keep one public download (a dict: at, file_id, result_id)."""
        if not self.downloads:
            self.downloads = PersistentList()
        self.downloads.append(line)

    def rate(self, level, comment, at):
        """Keep the citizen's one rating; ``ValueError`` for a second one or a bad level."""
        if level not in RATING_LEVELS:
            raise ValueError(f"unknown rating {level!r}")
        if self.rating is not None:
            raise ValueError("this dossier has already been rated")
        self.rating = {"level": level, "comment": comment or "", "at": at}
        self.changed()

    def ordered_components(self):
        return [self.components[k] for k in self.component_order]

    def record(self, action, user, at, unit, from_state, to_state, note=""):
        """Append one line to the history (who, when, at which unit, from, to, note).

        Every change to a dossier is recorded here, so this is also where the change is
        queued for the search index and appended to the audit trail (in the same
        transaction).
        """
        self.history.append({
            "action": action, "user": user, "at": at, "unit": unit,
            "from": from_state, "to": to_state, "note": note or "",
        })
        audit.record(self._portal(), action, user, unit, self.code, at=at,
                     from_state=from_state, to_state=to_state, note=note or "")
        self.changed()

    def _portal(self):
        folder = getattr(self, "__parent__", None)
        return folder.__parent__ if folder is not None else None

    def changed(self):
        """Update the catalog and queue this dossier for (re)indexing, in this transaction;
        a no-op until it is in a portal."""
        portal = self._portal()
        catalog = getattr(portal, "catalog", None)
        if catalog is not None:
            catalog.index(self)
        outbox = getattr(portal, "outbox", None)
        if outbox is not None:
            outbox.add(self.code)

    def result(self, result_id):
        for r in self.results:
            if r.result_id == result_id:
                return r
        raise KeyError(result_id)

    def file_versions(self):
        if self.receipt is not None:
            yield self.receipt
        for component in self.ordered_components():
            yield from component.versions
        for result in self.results:
            yield result.original
            if result.published is not None:
                yield result.published



class Dossiers(Folder):
    """All dossiers, keyed by code; keeps a conflict-free count (a :class:`Length`).

    NB: the codes grow with time: they are spread over shards (records.spread),
    or every intake would write the tree's last bucket."""

    def __init__(self):
        super().__init__()
        self.data = SpreadTree()
        self.count = Length()

    def add(self, name, obj):
        super().add(name, obj)
        self.count.change(1)
        return obj

    def remove(self, name):
        """Take a dossier out (a bag taken back before its import); the catalog forgets it."""
        catalog = getattr(self.__parent__, "catalog", None)
        obj = super().remove(name)
        self.count.change(-1)
        if catalog is not None:
            catalog.unindex(name)
        return obj

    def __len__(self):
        return self.count()


class Sequence(Persistent):
    """The store's own counter of one unit and day (see :class:`Sequences`)."""

    def __init__(self):
        self.value = 0

    def take(self):
        self.value += 1
        return self.value


class Sequences(Persistent):
    """The store's own day counters: ``records.numbering``'s implementation for a single
    writer (the test data generator). Intake takes its numbers outside the store
    (:func:`records.numbering.numbers_from_settings`) and reads these only as a floor
    (:meth:`last`), so that a number once given out here is never given again.

    NB: deliberately no conflict resolution: two transactions taking a number here at the
    same moment conflict, so that the retry gives the second one the next number."""

    def __init__(self):
        self.data = OOBTree()

    def next(self, key):
        seq = self.data.get(key)
        if seq is None:
            seq = self.data[key] = Sequence()
        return seq.take()

    def take(self, key, after=0):
        number = self.next(key)
        if number <= after:
            number = self.data[key].value = after + 1
        return number

    def last(self, key):
        """The last number taken here under ``key`` (0: none); a read, never a write."""
        seq = self.data.get(key)
        return seq.value if seq is not None else 0
