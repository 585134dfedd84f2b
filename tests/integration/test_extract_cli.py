"""`records extract FILE --json`: the reading pipeline in-process, with a stable shape."""
import json
import shutil
import subprocess
import sys

import pytest

from tests import docgen
from tests.rig import unavailable

pytestmark = [pytest.mark.digitization, pytest.mark.integration]


@pytest.fixture(scope="module")
def fixtures():
    if shutil.which("tesseract") is None:
        unavailable("Tesseract", "the tesseract command is not installed")
    return docgen.Fixtures()


def extract(path):
    out = subprocess.run([sys.executable, "-m", "records.cli", "extract", str(path), "--json"],
                         capture_output=True, text=True, timeout=300,
                         env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"})
    return out


def test_born_digital_and_scan_give_the_documented_shape(fixtures):
    doc = fixtures.docs[2]
    for path, source in ((fixtures.born_digital((2,)), "text-layer"),
                         (fixtures.scan_png(2), "ocr")):
        out = extract(path)
        assert out.returncode == 0, out.stderr
        data = json.loads(out.stdout)
        assert set(data) == {"pages", "fields"}
        (page,) = data["pages"]
        # "reads" (blanks re-read from crops, with their confidence) is there when found
        assert set(page) - {"reads"} == {"number", "source", "confidence", "text"}
        assert page["number"] == 1 and page["source"] == source
        assert 0 <= page["confidence"] <= 1
        fields = data["fields"]
        for name in ("number_symbol", "doc_type", "issuer", "issue_date", "summary"):
            assert set(fields[name]) >= {"value", "confidence", "page"}
        for name in ("citizen_ids", "tax_codes", "person_names", "birth_dates"):
            assert isinstance(fields[name], list)
        assert fields["number_symbol"]["value"] == doc.fields["number_symbol"]
        assert fields["issue_date"]["value"] == doc.fields["issue_date"]


def test_unreadable_file_exits_with_a_reason(tmp_path):
    bad = tmp_path / "locked.pdf"
    bad.write_bytes(docgen.encrypted_pdf_bytes())
    out = extract(bad)
    assert out.returncode != 0
    assert "password" in out.stderr.lower()
