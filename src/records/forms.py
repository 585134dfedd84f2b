"""Parsing multipart form bodies without the standard library's ``cgi``.

NB: WebOb 1.8 parses ``request.POST`` with ``cgi.FieldStorage``, which reads a file part line
by line (a line every ~256 bytes of binary data, ~100 MB/s) and copies it into yet another
temp file. The body waitress hands us is already a seekable file on disk, so this tween
parses it with ``multipart`` (block-wise, ``bytes.find`` for the boundary) keeping only text
fields; a file field becomes a :class:`PartFile` that reads that part's bytes straight out of
the body when the view streams it into a blob: no copy of the upload before the blob.
"""
import io

import multipart
from webob.multidict import MultiDict

CHUNK = 1 << 20
MAX_FIELD = 1 << 20  # text fields are kept in memory


class FormError(ValueError):
    """A malformed multipart body or a text field over MAX_FIELD."""


def _segments(body, boundary):
    """(segment, data chunks generator) for each part of ``body``, read from its start."""
    body.seek(0)
    parser = multipart.PushMultipartParser(boundary, max_segment_size=float("inf"))
    with parser:
        for chunk in iter(lambda: body.read(CHUNK), b""):
            yield from parser.parse(chunk)


class PartFile(io.RawIOBase):
    """The bytes of the ``index``-th part of a multipart body (read-only, re-readable)."""

    def __init__(self, body, boundary, index):
        self.body, self.boundary, self.index = body, boundary, index
        self.seek(0)

    def readable(self):
        return True

    def seekable(self):
        return True  # NB: only seek(0), which store_upload uses on a retried request

    def seek(self, offset, whence=0):
        if (offset, whence) != (0, 0):
            raise io.UnsupportedOperation("PartFile can only seek to its start")
        self._events = self._data()
        self._buf = b""
        return 0

    def _data(self):
        seen = -1
        for event in _segments(self.body, self.boundary):
            if isinstance(event, multipart.MultipartSegment):
                seen += 1
            elif event is None:
                if seen == self.index:
                    return
            elif seen == self.index:
                yield bytes(event)

    def read(self, size=-1):
        if size is None or size < 0:
            out, self._buf = self._buf + b"".join(self._events), b""
            return out
        while len(self._buf) < size:
            more = next(self._events, None)
            if more is None:
                break
            self._buf += more
        out, self._buf = self._buf[:size], self._buf[size:]
        return out


class FilePart:
    """What ``request.POST`` holds for a file field (the attributes of cgi's FieldStorage)."""

    def __init__(self, segment, file):
        self.name = segment.name
        self.filename = segment.filename
        self.type = segment.content_type or "application/octet-stream"
        self.headers = dict(segment.headerlist)
        self.file = file


def parse_form(body, boundary):
    """A MultiDict of the text fields and :class:`FilePart` of a multipart ``body``."""
    vars = MultiDict()
    index, segment, value = -1, None, []
    try:
        for event in _segments(body, boundary):
            if isinstance(event, multipart.MultipartSegment):
                index, segment, value = index + 1, event, []
            elif event is None:
                if segment.filename is not None:
                    vars.add(segment.name, FilePart(segment, PartFile(body, boundary, index)))
                else:
                    vars.add(segment.name, b"".join(value).decode(segment.charset or "utf-8"))
            elif segment.filename is None:
                value.append(bytes(event))
                if segment.bytes_received > MAX_FIELD:
                    raise FormError(f"field {segment.name!r} is too long")
    except multipart.MultipartError as e:
        raise FormError(str(e)) from None
    return vars


def form_tween_factory(handler, registry):
    def form_tween(request):
        env = request.environ
        if (request.method == "POST" and request.content_type == "multipart/form-data"
                and "webob._parsed_post_vars" not in env):
            _, options = multipart.parse_options_header(env.get("CONTENT_TYPE", ""))
            if options.get("boundary"):
                if getattr(env.get("wsgi.input"), "seekable", lambda: False)():
                    # NB: waitress hands over the body as a file of exactly that body;
                    # telling WebOb so spares pyramid_retry another copy of it.
                    env["webob.is_body_seekable"] = True
                request.make_body_seekable()
                raw = request.body_file_raw
                try:
                    env["webob._parsed_post_vars"] = (parse_form(raw, options["boundary"]), raw)
                except FormError:
                    raw.seek(0)  # NB: let WebOb parse (and fail) as it did
        return handler(request)
    return form_tween


def includeme(config):
    config.add_tween("records.forms.form_tween_factory")
