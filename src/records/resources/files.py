"""File versions: bytes in a ZODB blob plus what we know about them.

A :class:`FileVersion` is written once: its bytes and metadata never change after the
transaction that created it commits. What the workers read out of it lives beside it in a
:class:`Reading`, so reading never touches the version itself.
"""
import hashlib
import os
import tempfile
import uuid

from BTrees.IOBTree import IOBTree
from persistent import Persistent
from ZODB.blob import Blob

from records.i18n import TranslationString, english

CHUNK = 1 << 20


def staging_dir():
    """Where ZODB puts the file of a new blob before it is in a connection.

    NB: ``Blob.consumeFile`` moves a file there (ZODB.blob: ``tempfile.gettempdir()`` for a
    blob not yet in a connection, as a new FileVersion's is) and the commit moves it on into
    the blob dir; files made here are adopted by renames, with no copy, as long as this
    directory is on the blob dir's filesystem (else ZODB copies, as it always did).
    """
    return tempfile.gettempdir()


class FileTooLarge(ValueError):
    """The stream was longer than the allowed size: ``size`` bytes were read (and hash to
    ``sha256``) when it stopped."""

    def __init__(self, size, sha256=None):
        super().__init__(size)
        self.size = size
        self.sha256 = sha256


class Hashing:
    """SHA-256 and byte count of a stream fed piece by piece (push style): :meth:`update`
    with each piece as it comes, then ``size`` and :meth:`hexdigest`.

    The one place the bytes of stored files are hashed: :func:`copy_hashed` pulls a stream
    through it, and the multipart spooler (records.intake.multipart) pushes each file part
    into it while parsing.
    """

    def __init__(self):
        self._digest = hashlib.sha256()
        self.size = 0

    def update(self, data):
        self._digest.update(data)
        self.size += len(data)

    def hexdigest(self):
        return self._digest.hexdigest()


def copy_hashed(source, out=None, limit=None):
    """Read ``source`` to its end in :data:`CHUNK` pieces, hashing them (SHA-256) and
    writing each to ``out`` when given; never holds the stream whole in memory.

    Returns ``(size, hex digest)``. Past ``limit`` bytes it stops and raises
    :class:`FileTooLarge` (the piece that went past the limit is not written).
    The one streaming hash loop (over :class:`Hashing`): uploads, fixity, exports and the
    verify page use it.
    """
    hashing = Hashing()
    for chunk in iter(lambda: source.read(CHUNK), b""):
        hashing.update(chunk)
        if limit is not None and hashing.size > limit:
            raise FileTooLarge(hashing.size, hashing.hexdigest())
        if out is not None:
            out.write(chunk)
    return hashing.size, hashing.hexdigest()


class FileVersion(Persistent):
    """One immutable version of a file.

    ``file_id`` is a stable random id: tasks and URLs name versions by it, never by object.
    """

    signatures = None  # NB: a class default for versions stored before signature checks

    def __init__(self, filename, media_type, uploaded_by, uploaded_at, unit_id=None,
                 owner=None):
        self.file_id = uuid.uuid4().hex
        self.filename = filename
        self.media_type = media_type
        self.uploaded_by = uploaded_by
        self.uploaded_at = uploaded_at
        self.unit_id = unit_id
        self.owner = owner        # code of the dossier the version belongs to
        self.blob = Blob()
        self.size = 0
        self.sha256 = None
        self.number = None       # 1-based position among its component's versions
        self.derived_from = None  # file_id of the original for derived files (stamped, OCR PDF)
        self.derivation = None    # e.g. "searchable-pdf", "e-result"
        self.reading = Reading()
        self.signatures = SignatureCheck()

    def write_from(self, stream, limit=None):
        """Stream ``stream`` into the blob, hashing as it goes; never holds it whole in memory.

        Raises :class:`FileTooLarge` past ``limit`` bytes (the caller aborts the transaction,
        so nothing is kept).
        """
        with self.blob.open("w") as out:
            size, sha256 = copy_hashed(stream, out, limit)
            # NB: a citizen's document must survive a power cut once we said "received".
            out.flush()
            os.fsync(out.fileno())
        self.size = size
        self.sha256 = sha256

    def adopt(self, path, size, sha256):
        """Take the file at ``path`` as the bytes of this version, moving it into the blob.

        For bytes already written, hashed and fsynced while they were received (see
        :mod:`records.intake.multipart`): the file is renamed, not copied, so ``path`` is gone
        afterwards. The caller vouches for ``size`` and ``sha256``; the size is checked.
        """
        actual = os.stat(path).st_size
        if actual != size:
            raise ValueError(f"{path} holds {actual} bytes, not {size}")
        self.blob.consumeFile(path)
        self.size = size
        self.sha256 = sha256

    def open(self):
        """A readable binary file object over the committed bytes."""
        return self.blob.open("r")

    def path(self):
        """A filesystem path to the committed bytes (for tools that want a path, e.g. OCR)."""
        return self.blob.committed()

    def check_fixity(self):
        """Re-hash the stored bytes; True when they still match the recorded SHA-256."""
        with self.open() as f:
            return copy_hashed(f)[1] == self.sha256


READING_STATES = ("queued", "running", "done", "failed")


class Reading(Persistent):
    """OCR and field extraction results of one file version (derived data, rewritable).

    Pages are kept in a BTree keyed by page number so that workers finishing different pages
    at the same time touch different buckets.
    """

    reason_message = None  # NB: a class default for readings stored before it existed

    def __init__(self):
        self.state = "queued"
        self.reason = None          # why reading failed, in English (the API's "reason")
        self.reason_message = None  # the same as {"msgid", "mapping"}: pages translate it
        self.pages_total = None
        self.pages = IOBTree()
        self.page_count = 0     # NB: a plain int, see workers.pipeline.page
        self.fields = {}
        self.corrections = ()   # tuple of dicts: field, value, previous, by, at
        self.derived_pdf = None  # FileVersion of the searchable PDF, for scans
        self.attempts = 0
        self.updated_at = None

    @property
    def pages_done(self):
        return self.page_count

    def reset(self):
        """Forget what was read (to read again after a failure); the bytes are untouched."""
        self.state = "queued"
        self.set_reason(None)
        self.pages = IOBTree()
        self.page_count = 0
        self.fields = {}

    def set_reason(self, reason):
        """Record why reading failed: a translation string (records.i18n) or plain text."""
        self.reason = english(reason)
        self.reason_message = ({"msgid": str(reason), "mapping": dict(reason.mapping or {})}
                               if isinstance(reason, TranslationString) else None)

    def reason_shown(self):
        """The reason as a translation string for pages (plain text for older records)."""
        message = self.reason_message
        if message is None:
            return self.reason
        return TranslationString(message["msgid"], domain="records",
                                 mapping=dict(message["mapping"]))

    def progress(self):
        return {"state": self.state, "reason": self.reason,
                "pages_done": self.pages_done, "pages_total": self.pages_total}

    def correct(self, field, value, by, at):
        """Record an officer's correction; the extracted value stays in the history."""
        previous = self.field_value(field)
        self.corrections = self.corrections + (
            {"field": field, "value": value, "previous": previous, "by": by, "at": at},)

    def field_value(self, field):
        for c in reversed(self.corrections):
            if c["field"] == field:
                return c["value"]
        found = self.fields.get(field)
        if isinstance(found, dict):
            return found.get("value")
        return found


class SignatureCheck(Persistent):
    """What the digital signatures of a PDF version say (derived data, rewritable; see
    :mod:`records.signing.status`). ``report`` is the JSON-ready report of
    :func:`records.signing.verify.verify_pdf` once ``state`` is "done"; ``reason`` says in
    English why the file could not be examined when ``state`` is "failed"."""

    def __init__(self):
        self.state = "unchecked"
        self.report = None
        self.reason = None
        self.checked_at = None

    def record(self, report, at):
        self.state, self.report, self.reason, self.checked_at = "done", report, None, at

    def refuse(self, reason, at):
        self.state, self.report, self.reason, self.checked_at = "failed", None, reason, at
