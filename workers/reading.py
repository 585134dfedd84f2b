"""Reading one file (PDF, JPEG, PNG, multi-page TIFF) into pages of text and fields.

No store, broker or portal here: a Celery task calls :func:`count_pages`, then
:func:`read_page` once per page (possibly in several workers), then :func:`extract_fields`
over the page dicts; or everything at once with :func:`read_document`. A task that reads
several pages of one file in turn opens it once (:func:`opened`, :func:`read_opened_page`):
re-opening a PDF for each page cost a born-digital page as much as reading it.

Page dict (stable)::

    {"number": 1, "source": "text-layer" | "ocr", "confidence": 0.93, "text": "..."}

plus ``"reads": {"number" | "day" | "month": [value, confidence]}`` on an OCR'd first page
whose header blanks were re-read from crops (:mod:`workers.ocr.blanks`), and
``"words": [[x0, y0, x1, y1, text], ...]`` (fractions of the page size) when asked for
with ``with_words=True``, which :func:`make_searchable_pdf` needs for OCR pages.

Every page of a PDF is judged on its own (:mod:`workers.ocr.textlayer`): a good text layer is
read directly (~2 ms), anything else is rendered and OCR'd (~2 s). A born-digital first page
whose number, or day/month of the date line, was left blank for a stamp or handwriting gets
that gap OCR'd. Scans are straightened (skew over 0.3 degree) before OCR; word boxes are given
in the coordinates of the page as it was.

Bad input raises :class:`ReadError` with a reason a person understands; a blank page is a
page with empty text.
"""
from contextlib import contextmanager

from records.settings import MAX_PAGES as SETTINGS_MAX_PAGES
from records.textnorm import nfc

from .fields import extract_fields
from .ocr import blanks, layout, textlayer
from .ocr.engine import get_engine
from .ocr.errors import ReadError
from .ocr.regions import fill_blank_date, fill_blank_number
from .ocr.render import page_image, prepare_page, rotate_point
from .ocr.searchable import make_searchable_pdf
from .ocr.sources import PIXEL_LIMIT, PdfSource, open_source

__all__ = ["MAX_PAGES", "ReadError", "count_pages", "read_page", "read_document",
           "opened", "read_opened_page", "extract_fields", "make_searchable_pdf"]

# NB: one value for the page limit: the settings default (records.max_pages).
MAX_PAGES = SETTINGS_MAX_PAGES
# NB: the best_int Vietnamese model alone reads real scans as well as vie+eng (CER median
# 1.33 % both, mean 2.82 % vs 2.76 %) at about 30 % less time (see ocr/tesseract.py).
DEFAULT_LANG = "vie"
BLANK_MAX_CHARS = 40
BLANK_MAX_CONFIDENCE = 0.4
# The page whose header's number and day blanks are re-read from crops (workers.ocr.blanks).
HEADER_PAGE = 1


def count_pages(path, *, max_pages=MAX_PAGES):
    """Number of pages of ``path``; raises :class:`ReadError` if it cannot be read or has
    more than ``max_pages``."""
    source = open_source(path, max_pages=max_pages)
    try:
        return source.count
    finally:
        source.close()


def _norm_words(words, width, height, angle=0.0):
    """Word boxes as fractions of the page; ``angle``: the page image was rotated by that
    much before OCR, so each box is moved back to where its centre was on the page."""
    out = []
    for w in words:
        left, top = w.left, w.top
        if angle:
            cx, cy = rotate_point(w.left + w.width / 2, w.top + w.height / 2, angle,
                                  width, height)
            left, top = cx - w.width / 2, cy - w.height / 2
        out.append([round(max(0.0, left / width), 5), round(max(0.0, top / height), 5),
                    round(min(1.0, (left + w.width) / width), 5),
                    round(min(1.0, (top + w.height) / height), 5), w.text])
    return out


def _ocr(image, dpi, engine, lang, number, with_words):
    image, angle = prepare_page(image, dpi)
    result = engine.recognize(image, lang=lang, psm=3)
    text = nfc(layout.order_text(result.words, result.width))
    if len(text) < BLANK_MAX_CHARS and result.confidence < BLANK_MAX_CONFIDENCE:
        text = ""  # a few unsure "words" read from paper texture: the page is blank
    reads = {}
    if text and number == HEADER_PAGE:
        text, reads = blanks.reread(image, result.words, text, engine)
    # NB: a blank scan yields no words; that is an empty page, not a failure.
    page = {"number": number, "source": "ocr",
            "confidence": round(result.confidence, 3) if text else 0.0, "text": text}
    if reads:
        page["reads"] = reads
    if with_words:
        page["words"] = _norm_words(result.words, result.width or 1, result.height or 1, angle)
    return page


def _read_pdf_page(source, index, dpi, engine, lang, with_words, ocr=True):
    page = source.page(index)
    # NB: one text page for the words and the image boxes the judging needs (two cost a
    # born-digital page twice the extraction).
    textpage = textlayer.textpage(page)
    words = textlayer.page_words(page, textpage)
    verdict = textlayer.judge(page, words, textpage=textpage)
    if verdict.source == "text-layer":
        text = nfc(layout.order_text(words, page.rect.width))
        # NB: what was read from a blank's crop is doubted on its own (the page's "reads"),
        # not by lowering the whole page: the printed text around it is still exact.
        reads = {}
        # NB: only the header page's blanks are the document's (extract_fields takes the
        # header from it); later pages' "Số: ..../QĐ-UBND" are annexed forms left blank,
        # and trying six crops of each cost a 72-page decree 13 s of OCR for nothing.
        if index + 1 == HEADER_PAGE:
            text, number_conf = fill_blank_number(page, words, text, engine)
            if number_conf is not None:
                reads["number"] = [None, number_conf]
            text, date_conf = fill_blank_date(page, words, text, engine)
            if date_conf is not None:
                reads["day"] = [None, date_conf]
        result = {"number": index + 1, "source": "text-layer",
                  "confidence": verdict.confidence, "text": text}
        if reads:
            result["reads"] = reads
        if with_words:
            result["words"] = _norm_words(words, page.rect.width, page.rect.height)
        return result
    if not ocr:
        return None
    image, image_dpi = page_image(page, dpi, PIXEL_LIMIT)
    return _ocr(image, image_dpi, engine, lang, index + 1, with_words)


def _read(source, index, dpi, engine, lang, with_words, ocr=True):
    if isinstance(source, PdfSource):
        return _read_pdf_page(source, index, dpi, engine, lang, with_words, ocr)
    if not ocr:
        return None
    image, image_dpi = source.image_at(index)
    return _ocr(image, image_dpi, engine, lang, index + 1, with_words)


@contextmanager
def opened(path, *, max_pages=MAX_PAGES):
    """``path`` opened (and checked) once, for :func:`read_opened_page`; closed on leaving.

    :raises ReadError: as :func:`count_pages`.
    """
    source = open_source(path, max_pages=max_pages)
    try:
        yield source
    finally:
        source.close()


def read_opened_page(source, page_number, *, dpi=300, lang=DEFAULT_LANG, engine="tesseract",
                     with_words=False, ocr=True):
    """:func:`read_page` of a file :func:`opened` once. With ``ocr=False`` a page that needs
    OCR is not rendered or OCR'd: ``None`` says so (a text-layer page is read as usual).
    """
    if not 1 <= page_number <= source.count:
        raise IndexError(f"page {page_number} of {source.count}")
    return _read(source, page_number - 1, dpi, get_engine(engine), lang, with_words, ocr)


def read_page(path, page_number, *, dpi=300, lang=DEFAULT_LANG, max_pages=MAX_PAGES,
              engine="tesseract", with_words=False):
    """The page dict of page ``page_number`` (1-based) of ``path``.

    :raises ReadError: the file cannot be read (see module docstring).
    :raises IndexError: ``page_number`` is out of range.
    """
    with opened(path, max_pages=max_pages) as source:
        return read_opened_page(source, page_number, dpi=dpi, lang=lang, engine=engine,
                                with_words=with_words)


def read_document(path, *, max_pages=MAX_PAGES, dpi=300, lang=DEFAULT_LANG,
                  engine="tesseract", with_words=False, known_issuers=()):
    """``{"pages": [page dict, ...], "fields": extract_fields(pages, known_issuers)}`` for
    ``path`` (``known_issuers``: the centre's own issuer names, see :func:`extract_fields`).

    :raises ReadError: the file cannot be read or has more than ``max_pages`` pages.
    """
    source = open_source(path, max_pages=max_pages)
    ocr = get_engine(engine)
    try:
        pages = [_read(source, i, dpi, ocr, lang, with_words) for i in range(source.count)]
    finally:
        source.close()
    return {"pages": pages, "fields": extract_fields(pages, known_issuers)}
