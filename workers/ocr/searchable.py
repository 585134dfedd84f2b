"""A derived PDF with an invisible text layer, built from the words of the OCR pass.

NB: ``tesseract ... pdf`` would cost another full OCR run (2.9 s instead of 1.8 s a page);
we already have every word's box, so we place the words as invisible text (render mode 3)
with PyMuPDF. Pages whose source is the text layer are copied untouched. An OCR page's old
text layer (garbage or an overlay) is removed first, so search finds only our words.
"""
import io
import os

import pymupdf

from .sources import DEFAULT_DPI, PdfSource, open_source

FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _font():
    # NB: the invisible text still needs glyphs for Vietnamese letters to be extractable;
    # Base-14 Helvetica would turn "ố" into "?".
    if os.path.exists(FONT_FILE):
        return pymupdf.Font(fontfile=FONT_FILE)
    return pymupdf.Font("helv")


def _place_words(page, words, font):
    rect = page.rect
    writer = pymupdf.TextWriter(rect)
    for x0, y0, x1, y1, text in words:
        box = pymupdf.Rect(rect.x0 + x0 * rect.width, rect.y0 + y0 * rect.height,
                           rect.x0 + x1 * rect.width, rect.y0 + y1 * rect.height)
        unit = font.text_length(text, fontsize=1) or 1.0
        size = max(1.0, min(box.height * 1.1, box.width / unit))
        writer.append((box.x0, box.y1 - 0.2 * box.height), text, font=font, fontsize=size)
    writer.write_text(page, render_mode=3)


def _check(pages):
    by_number = {}
    for page in pages:
        if page["source"] == "ocr" and "words" not in page:
            raise ValueError(f"page {page['number']} was read by OCR without its words; "
                             "read it with with_words=True")
        by_number[page["number"]] = page
    return by_number


def make_searchable_pdf(path, pages, out_path):
    """Write ``out_path``: the pages of ``path`` with the OCR words of ``pages`` as invisible
    text. ``pages`` are page dicts read with ``with_words=True``. Returns ``out_path``.

    :raises ValueError: an OCR page lacks its words.
    :raises ReadError: ``path`` cannot be read.
    """
    by_number = _check(pages)
    font = _font()
    source = open_source(path)
    try:
        out = pymupdf.open()
        if isinstance(source, PdfSource):
            out.insert_pdf(source.doc)
            for page in out:
                read = by_number.get(page.number + 1)
                if not read or read["source"] != "ocr":
                    continue
                page.add_redact_annot(page.rect)
                page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE,
                                      graphics=pymupdf.PDF_REDACT_LINE_ART_NONE)
                _place_words(page, read["words"], font)
        else:
            for index in range(source.count):
                image, dpi = source.image_at(index)
                dpi = dpi or DEFAULT_DPI
                width, height = image.width * 72.0 / dpi, image.height * 72.0 / dpi
                page = out.new_page(width=width, height=height)
                if image.mode not in ("L", "RGB"):
                    image = image.convert("RGB")
                fmt = "JPEG" if source.format == "JPEG" else "PNG"
                buf = io.BytesIO()
                image.save(buf, format=fmt, **({"quality": 90} if fmt == "JPEG" else {}))
                page.insert_image(page.rect, stream=buf.getvalue())
                read = by_number.get(index + 1)
                if read and read["source"] == "ocr":
                    _place_words(page, read["words"], font)
        out.subset_fonts()
        out.save(out_path, garbage=3, deflate=True)
        out.close()
    finally:
        source.close()
    return out_path
