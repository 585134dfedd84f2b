"""Which engine reads the header blanks (number, day, month) of the real scans and images:
Tesseract's crop readings, the second engine (PP-OCR's recogniser, workers.ocr.digits), and
their combination (workers.ocr.engine_vote.combine), blank by blank against the truth.

Run: ``.venv/bin/python -m tests.bench.bench_blanks [--only STEM ...] [--folder DIR]``

Page 1 of every scan and image of the folder is rendered and OCR'd as the reader does
(``prepare_page``, Tesseract ``psm 3``), then its blanks are read by
:func:`blanks.blank_readings`. One line per blank: the truth, each engine's value and
confidence (``+`` right), the combined value; then per blank kind how many each got right,
how many the combination gave confidently (>= 0.8) right and wrong, and the CPU time the
second engine took per blank.
"""
import argparse
import os
import time

from records.workers.ocr import blanks, digits
from records.workers.ocr.engine import get_engine
from records.workers.ocr.render import page_image, prepare_page
from records.workers.ocr.sources import PIXEL_LIMIT, PdfSource, open_source
from tests.bench.bench_realdocs import DEFAULT_FOLDER, documents

CONFIDENT = 0.8


def page_one(path):
    """Page 1 of ``path`` as the reader OCRs it: ``(image, words)``."""
    source = open_source(path)
    try:
        if isinstance(source, PdfSource):
            image, dpi = page_image(source.page(0), 300, PIXEL_LIMIT)
        else:
            image, dpi = source.image_at(0)
    finally:
        source.close()
    image, _ = prepare_page(image, dpi)
    return image, get_engine("tesseract").recognize(image, lang="vie", psm=3).words


def wanted(truth):
    """``{"number": digits, "day": dd, "month": mm}`` of a truth file."""
    year, month, day = (truth["ngay_ban_hanh"] or "--").split("-")
    return {"number": truth["so_ky_hieu"].split("/")[0], "day": day, "month": month}


def right(name, value, want):
    if not value or not value.isdigit() or not want.isdigit():
        return False
    return value == want if name == "number" else int(value) == int(want)


class _Timed:
    """The second engine's reading, its CPU time added up."""

    def __init__(self):
        self.seconds, self.calls = 0.0, 0
        self._read = digits.read_digits

    def __call__(self, *args, **kwargs):
        start = time.process_time()
        try:
            return self._read(*args, **kwargs)
        finally:
            self.seconds += time.process_time() - start
            self.calls += 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", default=str(DEFAULT_FOLDER))
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    digits._loaded()  # loaded before the clock, as a worker does once
    timed = _Timed()
    digits.read_digits = timed
    engine = get_engine("tesseract")
    totals = {}
    print("doc\tblank\twant\ttesseract\tsecond\tcombined")
    for stem, path, truth in documents(args.folder, args.only):
        if stem[0] == "d":
            continue  # born-digital: a text layer, no blanks to re-read from the page image
        image, words = page_one(path)
        want = wanted(truth)
        for name, first, second, combined in blanks.blank_readings(image, words, engine):
            marks = [right(name, v, want[name]) for v in (first[0], second[0], combined[0])]
            row = totals.setdefault(name, [0, 0, 0, 0, 0, 0])
            row[0] += 1
            for i, mark in enumerate(marks):
                row[1 + i] += mark
            row[4] += marks[2] and combined[1] >= CONFIDENT
            row[5] += not marks[2] and combined[1] >= CONFIDENT and bool(combined[0])
            cells = [f"{v or '-'} {c:.2f}{'+' if m else ''}"
                     for (v, c), m in zip((first, second[:2], combined), marks)]
            print(f"{stem[:4]}\t{name}\t{want[name]}\t" + "\t".join(cells))
    print("\nblank\tcount\ttesseract\tsecond\tcombined\tconfident right\tconfident wrong")
    for name, row in totals.items():
        print(name, *row, sep="\t")
    print(f"second engine: {timed.seconds / max(1, timed.calls) * 1000:.0f} ms CPU per "
          f"reading, {timed.calls} readings")


if __name__ == "__main__":
    main()
