"""Small sample files made on the fly (the OCR fixtures live in tests/docgen.py)."""
import io
import os
from pathlib import Path

import pymupdf
import pytest
from PIL import Image

from records.printing.pdf import font_file


def pdf_bytes(text="QUYẾT ĐỊNH\nSố: 15/QĐ-UBND", pages=1):
    doc = pymupdf.open()
    for n in range(pages):
        page = doc.new_page()
        page.insert_font(fontname="f", fontfile=font_file())
        page.insert_text((72, 72), f"{text}\n{n + 1}", fontname="f", fontsize=12)
    doc.subset_fonts()
    data = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return data


def png_bytes(size=(200, 100), color="white"):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def page_text(pdf):
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        return "\n".join(page.get_text() for page in doc)


REALDOCS = Path(__file__).resolve().parents[1].parent / "shared" / "realdocs"


def realdoc(name):
    path = REALDOCS / name
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing (shared/ beside the clone)")
        pytest.skip(f"{path} is missing")
    return path.read_bytes()
