"""Opening an input file as pages: PDF through PyMuPDF, JPEG/PNG/TIFF through Pillow.

Everything that makes a file unreadable is found here and raised as
:class:`~workers.ocr.errors.ReadError` with a reason a person understands, before any
expensive work: unsupported type, corrupt or encrypted PDF, no pages, more pages than
allowed, an image too large to decode safely (a decompression bomb).
"""
import io
import os
import warnings

import pymupdf
from PIL import Image, UnidentifiedImageError

from records.i18n import _

from .errors import ReadError

# NB: A4 at 600 dpi is 35 Mpx; a page image beyond 80 Mpx is a bomb or a mistake, and
# decoding one would take 240 MB+ of memory per worker.
PIXEL_LIMIT = 80_000_000
DEFAULT_DPI = 300

_SIGNATURES = ((b"%PDF", "pdf"), (b"\xff\xd8\xff", "jpeg"), (b"\x89PNG\r\n\x1a\n", "png"),
               (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"))


def sniff(path):
    """``"pdf"``, ``"jpeg"``, ``"png"`` or ``"tiff"`` from the file's first bytes."""
    try:
        with open(path, "rb") as f:
            head = f.read(1024)
    except OSError as exc:
        raise ReadError(_("The file cannot be opened: ${error}.",
                          mapping={"error": str(exc.strerror or exc)})) from exc
    if not head:
        raise ReadError(_("The file is empty."))
    for magic, kind in _SIGNATURES:
        # NB: some PDF writers put junk before %PDF; readers accept it within the first KiB.
        if head.startswith(magic) or (kind == "pdf" and magic in head):
            return kind
    raise ReadError(_("Unsupported file type: only PDF, JPEG, PNG and TIFF files can be read."))


class PdfSource:
    """A PDF opened with PyMuPDF; ``page(i)`` is 0-based."""
    kind = "pdf"

    def __init__(self, path):
        try:
            self.doc = pymupdf.open(path, filetype="pdf")
        except Exception as exc:  # PyMuPDF raises several types for a broken file
            raise ReadError(_("The PDF is damaged and cannot be opened.")) from exc
        if self.doc.needs_pass or self.doc.is_encrypted:
            self.doc.close()
            raise ReadError(_("The PDF is password-protected (encrypted); "
                              "please upload it without a password."))
        try:
            self.count = self.doc.page_count
        except Exception as exc:
            raise ReadError(_("The PDF is damaged and its pages cannot be counted.")) from exc

    def page(self, index):
        try:
            return self.doc.load_page(index)
        except Exception as exc:
            raise ReadError(_("Page ${page} of the PDF is damaged.",
                              mapping={"page": index + 1})) from exc

    def close(self):
        self.doc.close()


class ImageSource:
    """A JPEG, PNG or (multi-page) TIFF; ``image(i)`` is the decoded frame, 0-based."""
    kind = "image"

    def __init__(self, path, pixel_limit=PIXEL_LIMIT):
        self.pixel_limit = pixel_limit
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                self.image = Image.open(path)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ReadError(_("The image is too large to read safely "
                              "(its pixel count suggests a decompression bomb).")) from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise ReadError(_("The image is damaged or not a supported image.")) from exc
        self.format = self.image.format
        self.count = getattr(self.image, "n_frames", 1)

    def _check_size(self, index):
        width, height = self.image.size
        if width * height > self.pixel_limit:
            raise ReadError(_("Page ${page} is too large to read safely: ${width} x ${height} "
                              "pixels (limit ${limit}).",
                              mapping={"page": index + 1, "width": width, "height": height,
                                       "limit": f"{self.pixel_limit:,}"}))
        if width < 1 or height < 1:
            raise ReadError(_("Page ${page} has no pixels.", mapping={"page": index + 1}))

    def image_at(self, index):
        """The decoded frame ``index`` and its dpi (``DEFAULT_DPI`` when the file says none)."""
        try:
            self.image.seek(index)
            self._check_size(index)
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                frame = self.image.copy()
                frame.load()
        except ReadError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ReadError(_("The image is too large to read safely.")) from exc
        except (OSError, EOFError, SyntaxError, ValueError) as exc:
            raise ReadError(_("Page ${page} of the image is damaged.",
                              mapping={"page": index + 1})) from exc
        dpi = frame.info.get("dpi") or self.image.info.get("dpi")
        try:
            dpi = float(dpi[0]) if dpi else 0.0
        except (TypeError, ValueError, IndexError):
            dpi = 0.0
        # NB: 72 and 96 are what writers put when they don't know; a scan is never that.
        if not dpi or dpi in (72.0, 96.0) or dpi > 1200:
            dpi = DEFAULT_DPI
        return frame, dpi

    def close(self):
        self.image.close()


def open_source(path, *, max_pages=None, pixel_limit=PIXEL_LIMIT):
    """Open ``path`` and check its page count; the caller closes the result.

    :raises ReadError: see module docstring.
    """
    path = os.fspath(path)
    kind = sniff(path)
    source = PdfSource(path) if kind == "pdf" else ImageSource(path, pixel_limit)
    if source.count < 1:
        source.close()
        raise ReadError(_("The file has no pages."))
    if max_pages is not None and source.count > max_pages:
        count = source.count
        source.close()
        raise ReadError(_("The file has ${count} pages; at most ${limit} can be read.",
                          mapping={"count": count, "limit": max_pages}))
    return source


def load_image_bytes(data, pixel_limit=PIXEL_LIMIT):
    """Decode an embedded image (bytes) with the same safety checks as a file."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > pixel_limit:
                raise ReadError(_("An image in the PDF is too large to read safely."))
            image.load()
    except ReadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ReadError(_("An image in the PDF is too large to read safely.")) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ReadError(_("An image in the PDF is damaged.")) from exc
    return image
