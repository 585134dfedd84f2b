"""Accepting uploaded bytes: media type from content, size limits, streaming into blobs.

The original bytes are stored exactly as received before anything reads them.
"""
import io
import os

import magic

from records.errors import UserError
from records.i18n import _
from records.resources.files import FileTooLarge, FileVersion
from records.textnorm import clean

HEAD = 8192


class UploadError(UserError):
    """A file that cannot be accepted; the message is shown to the user (HTTP 4xx)."""


class _Prefixed(io.RawIOBase):
    """The bytes already peeked at, then the rest of the stream."""

    def __init__(self, head, rest):
        self.head = head
        self.rest = rest

    def readable(self):
        return True

    def read(self, size=-1):
        if self.head:
            if size is None or size < 0 or size >= len(self.head):
                out, self.head = self.head, b""
                if size is not None and size >= 0:
                    more = self.rest.read(size - len(out))
                    return out + (more or b"")
                return out + self.rest.read()
            out, self.head = self.head[:size], self.head[size:]
            return out
        return self.rest.read(size)


def detect_media_type(head):
    """The media type of a file judged from its first bytes (never from its name)."""
    return magic.from_buffer(head, mime=True)


def safe_filename(name):
    name = clean(name or "") or "file"
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?')[:200] or "file"


def _spooled(stream):
    """True for a file whose bytes were already spooled, hashed and fsynced while received
    (:class:`records.intake.multipart.SpooledFile`): it can be adopted instead of copied."""
    return all(getattr(stream, a, None) is not None for a in ("path", "size", "sha256", "head"))


def store_upload(stream, filename, *, uploaded_by, uploaded_at, allowed_types, limit,
                 unit_id=None, owner=None):
    """Stream one upload into a new :class:`FileVersion` (not yet attached anywhere).

    Raises :class:`UploadError` for an empty file, a type not allowed, or a file over the
    limit; the caller's transaction is then aborted so nothing half-stored remains.
    """
    if _spooled(stream):
        version = _adopt(stream, filename, uploaded_by=uploaded_by, uploaded_at=uploaded_at,
                         allowed_types=allowed_types, limit=limit, unit_id=unit_id,
                         owner=owner)
        if version is not None:
            return version
    # NB: a request retried after a conflict hands us the same, already read, temp file.
    if getattr(stream, "seekable", lambda: False)():
        stream.seek(0)
    head = stream.read(HEAD)
    media_type = _check(filename, len(head), head, allowed_types)
    version = FileVersion(safe_filename(filename), media_type, uploaded_by, uploaded_at,
                          unit_id=unit_id, owner=owner)
    try:
        version.write_from(_Prefixed(head, stream), limit=limit)
    except FileTooLarge:
        raise _too_large(filename, limit) from None
    return version


def _check(filename, size, head, allowed_types):
    if not size:
        raise UploadError(_("the file ${name} is empty", mapping={"name": _quoted(filename)}))
    media_type = detect_media_type(head)
    if allowed_types and media_type not in allowed_types:
        raise UploadError(_(
            "the file ${name} is ${type}, which is not accepted (accepted: ${accepted})",
            mapping={"name": _quoted(filename), "type": media_type,
                     "accepted": ", ".join(sorted(allowed_types))}), status=415)
    return media_type


def _quoted(filename):
    return repr(safe_filename(filename))


def _too_large(filename, limit):
    return UploadError(_("the file ${name} is larger than the limit of ${mb} MB",
                         mapping={"name": _quoted(filename), "mb": limit // (1024 * 1024)}),
                       status=413)


def _adopt(spooled, filename, *, uploaded_by, uploaded_at, allowed_types, limit, unit_id,
           owner):
    """A version adopting the spooled bytes (a rename); None where a hard link is impossible
    (the caller then copies them)."""
    media_type = _check(filename, spooled.size, spooled.head[:HEAD], allowed_types)
    if limit is not None and spooled.size > limit:
        raise _too_large(filename, limit)
    try:
        # NB: the blob moves its file away; a retried request adopts a fresh link.
        path = spooled.link()
    except OSError:
        return None
    version = FileVersion(safe_filename(filename), media_type, uploaded_by, uploaded_at,
                          unit_id=unit_id, owner=owner)
    try:
        version.adopt(path, spooled.size, spooled.sha256)
    finally:
        if os.path.exists(path):  # not consumed (an error): do not leave it behind
            os.unlink(path)
    return version
