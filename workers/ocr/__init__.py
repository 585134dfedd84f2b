"""OCR and text-layer reading of page images and PDF pages.

``engine`` (Protocol + registry), ``tesseract`` (the default engine, registered on import),
``textlayer`` (judging a PDF text layer), ``render`` (page images), ``layout`` (reading
order), ``regions`` (a blank number filled by OCR), ``blanks`` (a scan's header blanks
re-read from crops), ``glyphs`` (their digits' shapes), ``digits`` (the second engine that
reads them), ``engine_vote`` (the two engines' vote), ``searchable`` (derived PDF with an
invisible text layer), ``sources`` (opening files safely), ``errors`` (ReadError).
"""
from . import tesseract  # noqa: F401  registers the "tesseract" engine
from .engine import Engine, OcrResult, Word, get_engine, register
from .errors import ReadError

__all__ = ["Engine", "OcrResult", "Word", "ReadError", "get_engine", "register"]
