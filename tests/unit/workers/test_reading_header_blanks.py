"""Which pages' blanks the reading OCRs (workers.reading)."""
import pytest

from records.workers import reading
from records.workers.ocr.engine import OcrResult, register
from tests.docgen import born_digital_bytes, documents

pytestmark = pytest.mark.reading


class CountingEngine:
    """An engine that reads nothing and counts the images it was given."""
    name = "counting"
    calls = 0

    def recognize(self, image, *, lang="vie", psm=3, charset=None):
        CountingEngine.calls += 1
        return OcrResult(width=image.width, height=image.height)


register("counting", CountingEngine)


def _calls(read):
    CountingEngine.calls = 0
    read()
    return CountingEngine.calls


def test_only_the_header_page_s_blank_number_is_ocrd(tmp_path):
    # Two born-digital pages, each with its number left blank (an annexed form's "Số:
    # ..../QĐ-UBND" looks the same): the second page's gap is not OCR'd.
    path = tmp_path / "two-blanks.pdf"
    path.write_bytes(born_digital_bytes(documents(2), blank_number=True))
    first_page = _calls(lambda: reading.read_page(path, 1, engine="counting"))
    assert first_page > 0
    assert _calls(lambda: reading.read_page(path, 2, engine="counting")) == 0
    assert _calls(lambda: reading.read_document(path, engine="counting")) == first_page
