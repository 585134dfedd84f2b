"""Shared pieces for the PDFs the portal prints: a font with Vietnamese glyphs, QR codes."""
import io
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


def text(page, point, value, size=11, bold=False, color=(0, 0, 0)):
    """Write one line of Vietnamese text at ``point`` (font embedded once per document)."""
    name = "rb" if bold else "rr"
    page.insert_font(fontname=name, fontfile=font_file(bold))
    page.insert_text(point, value, fontname=name, fontsize=size, color=color)


def text_box(page, rect, value, size=11, bold=False, align=0):
    name = "rb" if bold else "rr"
    page.insert_font(fontname=name, fontfile=font_file(bold))
    return page.insert_textbox(pymupdf.Rect(rect), value, fontname=name, fontsize=size,
                               align=align)


def heading(page, unit_name):
    """The issuing unit (left) and the national heading (right), as on every form."""
    text_box(page, (40, 40, 290, 90), unit_name.upper(), size=10, bold=True, align=1)
    text_box(page, (300, 40, 560, 90),
             "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc", size=10,
             bold=True, align=1)
