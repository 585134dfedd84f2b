"""The Tesseract engine, through pytesseract, one Tesseract run per page.

NB: Tesseract's OpenMP threading makes a page five times slower on two cores, so every run
has ``OMP_THREAD_LIMIT=1`` (pytesseract passes ``os.environ`` to the child). Parallelism
comes from running several single-threaded workers instead.
NB: pytesseract given a PIL image saves it to a temporary file in the image's ``format``,
PNG by default, which costs ~1.6 s a page to compress; we hand it a path, or an image marked
PPM, which is written uncompressed in milliseconds.
"""
import os
import shutil
from pathlib import Path

import pytesseract

from records.textnorm import nfc

from .engine import OcrResult, Word, register

FAST_FORMAT = "PPM"
# NB: the Vietnamese model is the best_int one of npm's @tesseract.js-data/vie, which
# scripts/install.sh puts here (with Debian's eng and osd). On the first pages of the 33
# scans and page images of ../shared/realdocs it read text at median CER 1.33 % (mean 2.82 %)
# against 1.67 % (3.31 %) for Debian's tesseract-ocr-vie with vie+eng, in less time
# (vie alone: one model to run). Without it Debian's model is used.
PROJECT_TESSDATA = Path(__file__).resolve().parents[2] / "var" / "tessdata"


def tessdata_dir():
    """The project's tessdata folder when install.sh made it, else None (Tesseract's own)."""
    return str(PROJECT_TESSDATA) if (PROJECT_TESSDATA / "vie.traineddata").exists() else None


def available():
    """True when the ``tesseract`` command is installed."""
    return shutil.which(pytesseract.pytesseract.tesseract_cmd) is not None


def as_fast_image(image):
    """``image`` as 8-bit grey or RGB marked PPM, so pytesseract writes it uncompressed."""
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB" if "A" not in image.getbands() and image.mode != "1"
                              and image.mode != "I;16" else "L")
    image.format = FAST_FORMAT
    return image


class TesseractEngine:
    """:class:`~workers.ocr.engine.Engine` over the ``tesseract`` command."""
    name = "tesseract"

    def recognize(self, image, *, lang="vie+eng", psm=3, charset=None):
        os.environ["OMP_THREAD_LIMIT"] = "1"
        if isinstance(image, (str, os.PathLike)):
            source, size = os.fspath(image), None
        else:
            source, size = as_fast_image(image), image.size
        # image_to_data gives text, boxes and confidences in one run.
        config = f"--psm {psm}"
        if tessdata_dir():
            config += f' --tessdata-dir "{tessdata_dir()}"'
        if charset:
            config += f" -c tessedit_char_whitelist={charset}"
        data = pytesseract.image_to_data(source, lang=lang, config=config,
                                         output_type=pytesseract.Output.DICT)
        words = []
        width = height = 0
        for i, text in enumerate(data["text"]):
            if data["level"][i] == 1:  # the page row carries the image size
                width, height = data["width"][i], data["height"][i]
            text = nfc(text or "")
            if not text:
                continue
            words.append(Word(text=text, left=data["left"][i], top=data["top"][i],
                              width=data["width"][i], height=data["height"][i],
                              conf=max(0.0, float(data["conf"][i])) / 100.0,
                              block=data["block_num"][i], par=data["par_num"][i],
                              line=data["line_num"][i]))
        if size:
            width, height = size
        return OcrResult(width=width, height=height, words=words)


register("tesseract", TesseractEngine)
