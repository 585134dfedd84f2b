"""Reading real files with real Tesseract: generated fixtures from tests/docgen.py."""
import os
import shutil

import pymupdf
import pytest

from records.workers import reading
from records.workers.reading import ReadError
from tests.bench.bench_accuracy import cer
from tests.docgen import Fixtures

pytestmark = [pytest.mark.digitization, pytest.mark.integration]


@pytest.fixture(scope="module", autouse=True)
def tesseract():
    if shutil.which("tesseract") is None:
        message = "tesseract is not installed (Debian: tesseract-ocr tesseract-ocr-vie)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def fx():
    return Fixtures()


def test_born_digital_reads_the_text_layer_exactly(fx):
    doc = fx.docs[0]
    result = reading.read_document(fx.born_digital([0]))
    [page] = result["pages"]
    assert page["source"] == "text-layer" and page["number"] == 1
    assert page["text"] == doc.text
    got = {name: (f["value"] if isinstance(f, dict) else
                  None if f is None else sorted(x["value"] for x in f))
           for name, f in result["fields"].items()}
    expected = {name: (sorted(v) if isinstance(v, list) else v) for name, v in doc.fields.items()}
    assert got == expected


def test_scan_is_read_by_ocr_in_column_order(fx):
    doc = fx.docs[1]
    result = reading.read_document(fx.scan_pdf([1]))
    [page] = result["pages"]
    assert page["source"] == "ocr" and 0.5 < page["confidence"] <= 1.0
    assert cer(doc.text, page["text"]) < 0.08
    lines = page["text"].splitlines()
    number_line = next(i for i, line in enumerate(lines) if "Số:" in line)
    heading = next(i for i, line in enumerate(lines) if "CHỦ NGHĨA" in line)
    assert number_line < heading  # the left column is read before the right one
    assert result["fields"]["number_symbol"]["value"] == doc.fields["number_symbol"]
    assert result["fields"]["issue_date"]["value"] == doc.fields["issue_date"]


@pytest.mark.parametrize("make", ["garbage_layer_pdf", "signature_overlay_pdf"])
def test_scan_with_an_untrustworthy_text_layer_is_ocrd(fx, make):
    doc = fx.docs[2]
    page = reading.read_page(getattr(fx, make)(2), 1)
    assert page["source"] == "ocr"
    assert cer(doc.text, page["text"]) < 0.08


def test_blank_number_is_filled_from_the_handwriting(fx):
    for index in (0, 1):
        doc = fx.docs[index]
        with pymupdf.open(fx.blank_number_pdf(index)) as pdf:
            assert doc.fields["number_symbol"] not in pdf[0].get_text()
        page = reading.read_page(fx.blank_number_pdf(index), 1)
        assert page["source"] == "text-layer"
        fields = reading.extract_fields([page])
        assert fields["number_symbol"]["value"] == doc.fields["number_symbol"]


def test_multipage_tiff_reads_every_page(fx):
    path = fx.scan_tiff([3, 4])
    assert reading.count_pages(path) == 2
    result = reading.read_document(path)
    assert [p["number"] for p in result["pages"]] == [1, 2]
    for page, doc in zip(result["pages"], (fx.docs[3], fx.docs[4])):
        assert page["source"] == "ocr"
        assert cer(doc.text, page["text"]) < 0.12
    assert result["fields"]["number_symbol"]["value"] == fx.docs[3].fields["number_symbol"]


def test_blank_scan_is_an_empty_page_not_an_error(fx):
    [page] = reading.read_document(fx.blank_scan_png())["pages"]
    assert page == {"number": 1, "source": "ocr", "confidence": 0.0, "text": ""}


@pytest.mark.parametrize("make, words", [
    ("encrypted_pdf", "password"),
    ("corrupt_pdf", "damaged"),
    ("zero_page_pdf", "no pages"),
    ("bomb_png", "too large"),
    ("text_file", "Unsupported file type"),
])
def test_bad_input_raises_read_error_with_a_reason(fx, make, words):
    path = getattr(fx, make)()
    with pytest.raises(ReadError) as raised:
        reading.read_document(path)
    assert words in raised.value.reason
    with pytest.raises(ReadError):
        reading.count_pages(path)


def test_too_many_pages(fx):
    path = fx.many_pages_pdf(5)
    with pytest.raises(ReadError, match="5 pages; at most 4"):
        reading.read_document(path, max_pages=4)
    assert reading.count_pages(path, max_pages=5) == 5


def test_page_functions_match_the_whole_document(fx):
    path = fx.born_digital([5, 6])
    whole = reading.read_document(path)
    assert reading.count_pages(path) == 2
    pages = [reading.read_page(path, n) for n in (1, 2)]
    assert pages == whole["pages"]
    assert reading.extract_fields(pages) == whole["fields"]
    with pytest.raises(IndexError):
        reading.read_page(path, 3)


def _invisible_text(pdf_path):
    with pymupdf.open(pdf_path) as pdf:
        page = pdf[0]
        spans = page.get_texttrace()
        return page.get_text(), spans


def test_searchable_pdf_from_a_scanned_pdf(fx, tmp_path):
    source = fx.garbage_layer_pdf(2)
    pages = reading.read_document(source, with_words=True)["pages"]
    out = reading.make_searchable_pdf(source, pages, str(tmp_path / "out.pdf"))
    text, spans = _invisible_text(out)
    assert "QUYẾT ĐỊNH" in text or fx.docs[2].fields["doc_type"] in text
    assert fx.docs[2].fields["number_symbol"].split("/")[0] in text
    assert spans and all(span["type"] == 3 for span in spans)  # invisible, render mode 3
    # the garbage layer is gone: no undiacritised heading left
    assert "CONG HOA" not in text
    with pymupdf.open(out) as pdf:
        assert pdf[0].get_images()  # the scan itself is kept


def test_searchable_pdf_from_an_image_and_its_words_land_in_place(fx, tmp_path):
    source = fx.scan_png(1)
    pages = reading.read_document(source, with_words=True)["pages"]
    out = reading.make_searchable_pdf(source, pages, str(tmp_path / "out.pdf"))
    with pymupdf.open(out) as pdf:
        page = pdf[0]
        assert page.rect.width == pytest.approx(595, abs=2)  # 2480 px at 300 dpi
        hits = page.search_for("CỘNG HÒA")
        assert hits and hits[0].x0 > page.rect.width / 2  # the heading is top right
        assert hits[0].y1 < page.rect.height / 5


def test_searchable_pdf_needs_the_words(fx, tmp_path):
    source = fx.scan_png(1)
    page = {"number": 1, "source": "ocr", "confidence": 0.9, "text": "x"}
    with pytest.raises(ValueError, match="with_words"):
        reading.make_searchable_pdf(source, [page], str(tmp_path / "out.pdf"))
