"""A second OCR engine for the handwritten digits of the header blanks: PP-OCR's recogniser.

Tesseract reads the handwritten number and day of a scan's header poorly (1039 -> 4033,
99 -> 9, 358 -> 3) whatever the crop or setting (:mod:`workers.ocr.blanks`). PaddleOCR's
PP-OCRv4 text-line recogniser reads them far better, and it ships as an ONNX file inside
the ``rapidocr-onnxruntime`` wheel (``models/ch_PP-OCRv4_rec_infer.onnx``, 10 MB, its
characters in the model's metadata), run by ``onnxruntime``: nothing is downloaded at run
time. Only the recogniser is used (no text detection), on a crop tight around the blank's
ink, and its CTC output is decoded over the digits alone (and the slash, when the crop runs
past it), which is what a digit-only Tesseract whitelist does.

NB: measured on the 98 number, day and month blanks of the 33 scans and page images of
../shared/realdocs (``tests/bench/bench_blanks.py``): Tesseract's crop readings
(blanks.read_blanks) got 23 of 32 numbers and 21 of 33 days, this recogniser on the tight
crop 27 and 25; the two agree on 62 blanks, 60 of them right. About 30 ms of CPU per blank,
one thread; the model is loaded once per process (~0.2 s).

Contract: :func:`read_digits` takes a grey or black-and-white PIL image of one line of
digits (tight around the ink) and returns ``(digits, confidence)``: the digits read (with
``slash``: those before the first slash, ``""`` when no slash was read), and the lowest
probability the recogniser gave any of them (0.0 for none). It raises :class:`Unavailable`
when the model cannot be loaded (onnxruntime or the wheel missing, a damaged file) or the
recogniser fails on the image: the caller reads the blank without it.
"""
import functools
import importlib.util
import logging
from pathlib import Path

import numpy as np
from PIL import Image

try:
    import onnxruntime
except ImportError:  # NB: the second engine is optional; Tesseract reads the blanks alone
    onnxruntime = None

log = logging.getLogger(__name__)

MODEL = ("rapidocr_onnxruntime", "models/ch_PP-OCRv4_rec_infer.onnx")
HEIGHT = 48             # the recogniser's input height
DIGITS = "0123456789"
SLASH = "/"


class Unavailable(Exception):
    """The second engine cannot read: its model did not load, or it failed on an image."""


@functools.lru_cache(maxsize=1)
def _loaded():
    """``(model, None)`` or ``(None, reason)``: the model (:func:`_model`) loaded once, or
    why it could not be (told once, not on every blank)."""
    try:
        return _model(), None
    except Exception as error:  # NB: any failure to load only leaves Tesseract alone
        log.warning("second engine for the header blanks unavailable: %s", error)
        return None, f"{type(error).__name__}: {error}"


def _model():
    """``(session, {class index: character})`` of the digits and the slash."""
    if onnxruntime is None:
        raise ImportError("onnxruntime is not installed")
    # NB: the package is found, not imported: importing it loads OpenCV (its own pipeline),
    # which needs libGL and is not used here.
    spec = importlib.util.find_spec(MODEL[0])
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"{MODEL[0]} is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / MODEL[1]
    options = onnxruntime.SessionOptions()
    # NB: one thread: the workers run one per core, and Tesseract runs with
    # OMP_THREAD_LIMIT=1 for the same reason (see BASELINES.md).
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 4
    session = onnxruntime.InferenceSession(str(path), sess_options=options,
                                           providers=["CPUExecutionProvider"])
    characters = session.get_modelmeta().custom_metadata_map["character"].splitlines()
    # NB: class 0 is CTC's blank; the model's characters follow from 1.
    wanted = {index + 1: ch for index, ch in enumerate(characters) if ch in DIGITS + SLASH}
    return session, wanted


def _input(image):
    image = image.convert("RGB")
    width = max(HEIGHT // 4, round(image.width * HEIGHT / max(1, image.height)))
    image = image.resize((width, HEIGHT), Image.Resampling.BILINEAR)
    pixels = np.asarray(image, dtype=np.float32).transpose(2, 0, 1) / 255.0
    return ((pixels - 0.5) / 0.5)[np.newaxis]


def decode(probabilities, classes):
    """``[(character, probability)]``: greedy CTC decoding of ``probabilities`` (time steps
    x classes) over the blank (class 0) and ``classes`` (``{index: character}``) only."""
    keep = [0] + sorted(classes)
    restricted = probabilities[:, keep]
    best = restricted.argmax(axis=1)
    out, previous = [], 0
    for step, choice in enumerate(best):
        if choice != previous and choice != 0:
            out.append((classes[keep[choice]], float(restricted[step, choice])))
        previous = choice
    return out


def read_digits(image, *, slash=False):
    """``(digits, confidence)`` of ``image``: see the module docstring."""
    model, reason = _loaded()
    if model is None:
        raise Unavailable(reason)
    session, wanted = model
    classes = wanted if slash else {i: ch for i, ch in wanted.items() if ch != SLASH}
    try:
        probabilities = session.run(None, {session.get_inputs()[0].name: _input(image)})[0][0]
    except Exception as error:  # NB: onnxruntime's own errors share no base class
        raise Unavailable(f"{type(error).__name__}: {error}") from error
    read = decode(probabilities, classes)
    if slash:
        cut = next((i for i, (ch, _) in enumerate(read) if ch == SLASH), None)
        read = read[:cut] if cut is not None else []
    if not read:
        return "", 0.0
    return "".join(ch for ch, _ in read), min(p for _, p in read)
