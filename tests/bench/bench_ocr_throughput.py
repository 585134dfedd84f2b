"""Throughput of the reading against Tesseract run directly, measured in the same run.

Run: ``.venv/bin/python -m tests.bench.bench_ocr_throughput [--pages 20] [--procs 2]``

1. ``read_page`` over a 20-page scanned (image-only) PDF with a pool of 2 long-lived worker
   processes, against the ``tesseract`` command on the same 20 page images, 2 at a time,
   ``OMP_THREAD_LIMIT=1``. Prints pages/min of both and the ratio (target >= 0.9).
2. ``read_page`` over a 100-page born-digital PDF in one process: pages/s (target >= 50).
"""
import argparse
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

TARGET_RATIO = 0.9
TARGET_BORN_DIGITAL = 50.0


def _warm(_):
    from records.workers import reading  # noqa: F401  import once per worker (PyMuPDF ~0.7 s)
    return os.getpid()


def _read(args):
    from records.workers import reading
    path, number = args
    return len(reading.read_page(path, number)["text"])


def _tesseract(image_path):
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    subprocess.run(["tesseract", image_path, "-", "-l", "vie+eng"], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--born", type=int, default=100)
    args = parser.parse_args(argv)
    from tests.docgen import Fixtures
    fx = Fixtures()
    indices = [i % len(fx.docs) for i in range(args.pages)]
    pdf = fx.scan_pdf(indices)
    born = fx.born_digital_repeated(args.born)
    # The same page images the PDF holds, as files for the tesseract command.
    import pymupdf
    tmp = tempfile.mkdtemp(prefix="bench-ocr-")
    images = []
    with pymupdf.open(pdf) as doc:
        for page in doc:
            xref = page.get_images()[0][0]
            data = doc.extract_image(xref)
            path = os.path.join(tmp, f"p{page.number:02d}.{data['ext']}")
            with open(path, "wb") as f:
                f.write(data["image"])
            images.append(path)

    with multiprocessing.get_context("spawn").Pool(args.procs) as pool:
        pool.map(_warm, range(args.procs))  # long-lived workers, imports done
        started = time.perf_counter()
        pool.map(_read, [(pdf, n) for n in range(1, args.pages + 1)], chunksize=1)
        ours = time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(args.procs) as pool:
        list(pool.map(_tesseract, images))
    raw = time.perf_counter() - started

    ours_rate, raw_rate = args.pages / ours * 60, args.pages / raw * 60
    ratio = ours_rate / raw_rate
    print(f"scanned PDF, {args.pages} pages, {args.procs} processes:")
    print(f"  read_page          {ours_rate:6.1f} pages/min ({ours:.1f} s)")
    print(f"  tesseract command  {raw_rate:6.1f} pages/min ({raw:.1f} s)")
    print(f"  ratio {ratio:.2f} (target >= {TARGET_RATIO}) "
          f"[{'ok' if ratio >= TARGET_RATIO else 'MISS'}]")

    from records.workers import reading
    reading.read_page(born, 1)  # imports and first-open costs out of the measurement
    started = time.perf_counter()
    for n in range(1, args.born + 1):
        reading.read_page(born, n)
    elapsed = time.perf_counter() - started
    rate = args.born / elapsed
    verdict = "ok" if rate >= TARGET_BORN_DIGITAL else "MISS"
    print(f"born-digital PDF, {args.born} pages, 1 process: {rate:.0f} pages/s "
          f"(target >= {TARGET_BORN_DIGITAL:.0f}) [{verdict}]")
    return 0 if ratio >= TARGET_RATIO and rate >= TARGET_BORN_DIGITAL else 1


if __name__ == "__main__":
    sys.exit(main())
