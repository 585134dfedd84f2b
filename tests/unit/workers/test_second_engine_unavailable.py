"""A page whose header blanks are read without the second engine (workers.ocr.digits): its
model does not load, or it fails on a crop; Tesseract's reading of the blanks stands."""
import pytest
from PIL import Image, ImageDraw, ImageFont

from records.workers import reading
from records.workers.ocr import digits
from tests.docgen import Fixtures

pytestmark = pytest.mark.reading
_LOADED = digits._loaded   # the cached load, whatever a test puts in its place


@pytest.fixture
def reload_model():
    """The model loaded afresh before and after the test (it is loaded once per process)."""
    _LOADED.cache_clear()
    yield
    _LOADED.cache_clear()


def _broken_session(*args, **kwargs):
    raise RuntimeError("[ONNXRuntimeError] : 7 : INVALID_PROTOBUF : Load model failed")


def _printed(text):
    font = ImageFont.truetype("DejaVuSans.ttf", 40)
    image = Image.new("L", (40 + 30 * len(text), 64), 255)
    ImageDraw.Draw(image).text((12, 6), text, font=font, fill=0)
    return image


def test_a_model_that_does_not_load_says_so_once(monkeypatch, reload_model):
    monkeypatch.setattr(digits.onnxruntime, "InferenceSession", _broken_session)
    with pytest.raises(digits.Unavailable, match="INVALID_PROTOBUF"):
        digits.read_digits(_printed("15"))
    monkeypatch.setattr(digits.onnxruntime, "InferenceSession",
                        lambda *a, **k: pytest.fail("the load is not retried on each blank"))
    with pytest.raises(digits.Unavailable):
        digits.read_digits(_printed("15"))


def test_a_failure_on_a_crop_is_the_engine_unavailable_for_that_crop(monkeypatch, reload_model):
    session, wanted = digits._loaded()[0]

    class Failing:
        def get_inputs(self):
            return session.get_inputs()

        def run(self, *args, **kwargs):
            raise RuntimeError("Non-zero status code returned while running Conv node")

    monkeypatch.setattr(digits, "_loaded", lambda: ((Failing(), wanted), None))
    with pytest.raises(digits.Unavailable, match="Conv node"):
        digits.read_digits(_printed("15"))


@pytest.mark.parametrize("failure", ["load", "crop"])
def test_the_fields_of_a_scan_come_back_without_the_second_engine(
        monkeypatch, reload_model, failure):
    fixtures = Fixtures()
    doc = fixtures.docs[0]
    if failure == "load":
        monkeypatch.setattr(digits.onnxruntime, "InferenceSession", _broken_session)
    else:
        def run(*args, **kwargs):
            raise RuntimeError("Non-zero status code returned while running Conv node")
        session, wanted = digits._loaded()[0]
        monkeypatch.setattr(session, "run", run)
    result = reading.read_document(fixtures.scan(0))
    fields, page = result["fields"], result["pages"][0]
    assert "number" in page["reads"] and "day" in page["reads"]   # the blanks were re-read
    for name in ("number_symbol", "issue_date"):
        assert fields[name]["value"] == doc.fields[name]
