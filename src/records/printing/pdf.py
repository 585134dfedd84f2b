"""Shared pieces for the PDFs the portal prints: a font with Vietnamese glyphs, QR codes."""
import io
import weakref
from functools import lru_cache
from pathlib import Path

import pymupdf
import segno

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)
BOLD_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
)


def _first(paths):
    for p in paths:
        if Path(p).exists():
            return p
    raise RuntimeError("no font with Vietnamese glyphs: install fonts-dejavu-core")


@lru_cache(maxsize=None)
def font_file(bold=False):
    return _first(BOLD_CANDIDATES if bold else FONT_CANDIDATES)


def qr_png(data, scale=6):
    """PNG bytes of a QR code for ``data`` (error correction M: survives a stamp or a fold)."""
    out = io.BytesIO()
    segno.make(data, error="m", micro=False).save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


# NB: Vietnamese letters go up to U+1EF9 (Latin Extended Additional)
GLYPH_LIMIT = 0x2000
_measured = {}  # font file → PyMuPDF's font info (glyph widths), measured once per process
# NB: page → the font names inserted in it. Asking the page (``get_fonts``) parses its
# resources each time: a third of a receipt's time, for every line written.
_inserted = weakref.WeakKeyDictionary()


def _font(page, bold):
    """The page's resource name for the regular or bold font, inserting it the first time.

    NB: ``insert_font`` embeds the whole font file again each time it is called, and PyMuPDF
    measures a new copy's glyphs in Python (≈ 8,000 for Vietnamese, again each time a line
    needs a higher code point): that was 0.5–1 s of every receipt. So: once per page, and the
    widths, which depend on the font file alone, measured once per process."""
    name = "rb" if bold else "rr"
    inserted = _inserted.setdefault(page, set())
    if name in inserted:
        return name
    inserted.add(name)
    path = font_file(bold)
    xref = page.insert_font(fontname=name, fontfile=path)
    doc = page.parent
    known = _measured.get(path)
    if known is None:
        doc.get_char_widths(xref, limit=GLYPH_LIMIT)
        info = pymupdf.CheckFontInfo(doc, xref)
        if info is not None:
            _measured[path] = dict(info[1])
    else:
        pymupdf.UpdateFontInfo(doc, [xref, dict(known)])
    return name


def text(page, point, value, size=11, bold=False, color=(0, 0, 0)):
    """Write one line of Vietnamese text at ``point`` (font embedded once per page)."""
    page.insert_text(point, value, fontname=_font(page, bold), fontsize=size, color=color)


def text_box(page, rect, value, size=11, bold=False, align=0):
    return page.insert_textbox(pymupdf.Rect(rect), value, fontname=_font(page, bold),
                               fontsize=size, align=align)


def heading(page, unit_name):
    """The issuing unit (left) and the national heading (right), as on every form."""
    text_box(page, (40, 40, 290, 90), unit_name.upper(), size=10, bold=True, align=1)
    text_box(page, (300, 40, 560, 90),
             "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc", size=10,
             bold=True, align=1)
