"""The root of the content tree and its lookup tables."""
import time

from BTrees.OOBTree import OOBTree, OOTreeSet

from records.catalog import Catalog
from records.resources.base import Folder
from records.resources.dossiers import Dossiers, Sequences
from records.resources.outbox import Outbox
from records.resources.procedures import Procedures
from records.resources.readingqueue import ReadingQueue
from records.spread import SpreadTree
from records.resources.submissions import Submissions
from records.resources.units import Units
from records.resources.users import Users
from records.textnorm import fold


class Portal(Folder):
    """Portal → units, procedures, dossiers, users.

    Lookup tables (not traversable): ``files`` maps a file id to its :class:`FileVersion`,
    ``tokens`` maps a result's verification token to ``(dossier code, result id)``,
    ``submissions`` maps a form's one-time token to the dossier it created (double clicks,
    kept a day),
    ``applicants`` maps an applicant's identifier to the codes of their dossiers (reuse),
    ``outbox`` holds the dossiers whose search documents must be (re)delivered,
    ``reading_queue`` the files registered to be read (see records.requeue),
    ``catalog`` the dossier indexes the lists and figures ask (records.catalog),
    ``issuer_names`` the centre's own issuer vocabulary: folded name -> the name as an
    officer typed it in a correction, matched beside ``records/data`` in later readings.
    """

    __name__ = ""
    __parent__ = None

    def __init__(self):
        super().__init__()
        self.add("units", Units())
        self.add("procedures", Procedures())
        self.add("dossiers", Dossiers())
        self.add("users", Users())
        self.files = SpreadTree()  # NB: every upload adds one (records.spread)
        self.tokens = OOBTree()
        self.submissions = Submissions()
        self.sequences = Sequences()
        self.applicants = SpreadTree()  # NB: every intake of a new applicant adds one
        self.outbox = Outbox()
        self.ingested = OOBTree()   # paper archive reference -> dossier code (records ingest)
        self.reading_queue = ReadingQueue()
        self.catalog = Catalog()
        self.issuer_names = OOBTree()
        self.generation = 0

    @property
    def units(self):
        return self["units"]

    @property
    def procedures(self):
        return self["procedures"]

    @property
    def dossiers(self):
        return self["dossiers"]

    @property
    def users(self):
        return self["users"]

    def register_file(self, version):
        """Make ``version`` findable by its id; one still to be read joins the queue."""
        self.files[version.file_id] = version
        if version.reading.state == "queued":
            self.reading_queue.note(version.file_id, time.time())
        return version

    def dossiers_of(self, applicant_id):
        """Codes of the dossiers filed by this applicant (CCCD / tax code)."""
        return tuple(self.applicants.get(applicant_id, ()))

    def note_applicant(self, applicant_id, code):
        codes = self.applicants.get(applicant_id)
        if codes is None:
            codes = self.applicants[applicant_id] = OOTreeSet()
        codes.add(code)

    def learn_issuer(self, name):
        """Keep ``name`` (an issuer an officer typed) in the centre's issuer vocabulary."""
        key = fold(name)
        if key and self.issuer_names.get(key) != name:
            self.issuer_names[key] = name

    def known_issuers(self):
        """The centre's own issuer names, as typed (see ``issuer_names``)."""
        # NB: a portal not yet evolved (generation 14) has none.
        return tuple(getattr(self, "issuer_names", {}).values())
