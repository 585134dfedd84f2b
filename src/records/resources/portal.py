"""The root of the content tree and its lookup tables."""
from BTrees.OOBTree import OOBTree, OOTreeSet

from records.resources.base import Folder
from records.resources.dossiers import Dossiers, Sequences
from records.resources.outbox import Outbox
from records.resources.procedures import Procedures
from records.resources.submissions import Submissions
from records.resources.units import Units
from records.resources.users import Users


class Portal(Folder):
    """Portal → units, procedures, dossiers, users.

    Lookup tables (not traversable): ``files`` maps a file id to its :class:`FileVersion`,
    ``tokens`` maps a result's verification token to ``(dossier code, result id)``,
    ``submissions`` maps a form's one-time token to the dossier it created (double clicks,
    kept a day),
    ``applicants`` maps an applicant's identifier to the codes of their dossiers (reuse),
    ``outbox`` holds the dossiers whose search documents must be (re)delivered.
    """

    __name__ = ""
    __parent__ = None

    def __init__(self):
        super().__init__()
        self.add("units", Units())
        self.add("procedures", Procedures())
        self.add("dossiers", Dossiers())
        self.add("users", Users())
        self.files = OOBTree()
        self.tokens = OOBTree()
        self.submissions = Submissions()
        self.sequences = Sequences()
        self.applicants = OOBTree()
        self.outbox = Outbox()
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
        self.files[version.file_id] = version
        return version

    def dossiers_of(self, applicant_id):
        """Codes of the dossiers filed by this applicant (CCCD / tax code)."""
        return tuple(self.applicants.get(applicant_id, ()))

    def note_applicant(self, applicant_id, code):
        codes = self.applicants.get(applicant_id)
        if codes is None:
            codes = self.applicants[applicant_id] = OOTreeSet()
        codes.add(code)
