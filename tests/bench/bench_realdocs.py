"""The reading on real documents, scored by ``../shared/realdocs/score.py``'s rules, and its
time against a raw "text layer, else ``tesseract -l vie``" reader on the same pages.

Run: ``.venv/bin/python -m tests.bench.bench_realdocs [--only STEM ...] [--save DIR]
[--folder ../shared/realdocs] [--procs 2] [--no-raw]``

1. Every document is read by :func:`records.workers.reading.read_document` (what
   ``records extract`` and the workers run), in a pool of ``--procs`` long-lived processes;
   one line per document, then the summary by score.py's rules (its ``same()``,
   ``cer_in()`` and ``value()`` are imported, not copied).
2. The baseline, in the same run and with as many processes: each page the reading OCR'd is
   rendered at 300 dpi grey (an image file is taken as it is), and the ``tesseract`` command
   (``-l vie --oem 1``, ``OMP_THREAD_LIMIT=1``) reads it; a page read from its text layer
   costs the baseline a ``get_text()``. Rendering is done before the clock starts, so the
   ratio is, if anything, unkind to the reading. The baseline's own CER is printed too.
3. Per document, beside the reading's line: the reading's wall and CPU seconds (its process
   and the ``tesseract`` children it waited for), the baseline's on the same pages, and the
   baseline's CER; then the CPU-time ratio of the whole run next to the wall-time one.
   NB: the wall-time ratio (the issue's measure) compares two halves run at different
   moments; on a shared machine whose load changes the CPU-time one is the steadier.
"""
import argparse
import importlib.util
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_FOLDER = Path(__file__).resolve().parents[2] / ".." / "shared" / "realdocs"
TARGET_RATIO = 1.5
RAW_DPI = 300


def load_score(folder):
    """score.py of the document folder, as a module."""
    spec = importlib.util.spec_from_file_location("realdocs_score", Path(folder) / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def documents(folder, only=None):
    """``[(stem, document path, truth dict)]`` of ``folder``, sorted by stem."""
    out = []
    for truth in sorted(Path(folder).glob("*.truth.json")):
        stem = truth.name[:-len(".truth.json")]
        if only and not any(stem.startswith(o) for o in only):
            continue
        doc = next(p for p in Path(folder).iterdir()
                   if p.stem == stem and not p.name.endswith(".json"))
        out.append((stem, str(doc), json.loads(truth.read_text())))
    return out


def _warm(_):
    from records.workers import reading  # noqa: F401  import once per process
    return os.getpid()


def _cpu():
    """CPU seconds of this process and of the children it has waited for (``tesseract``)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _timed(function, arg):
    """``(function(arg), wall seconds, CPU seconds)``."""
    wall, cpu = time.perf_counter(), _cpu()
    result = function(arg)
    return result, time.perf_counter() - wall, _cpu() - cpu


def _read_one(path):
    from records.workers import reading
    try:
        return reading.read_document(path)
    except Exception as exc:  # a reading failure is a result to print, not a crash
        return {"error": f"{type(exc).__name__}: {exc}"}


def _read(path):
    return _timed(_read_one, path)


def _raw_one(job):
    if job[0] == "ocr":
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        run = subprocess.run(["tesseract", job[1], "-", "-l", "vie", "--oem", "1"], env=env,
                             capture_output=True, text=True)
        return run.stdout
    import pymupdf
    with pymupdf.open(job[1]) as doc:
        return doc[job[2]].get_text()


def _raw(job):
    """One baseline page: ``("ocr", image path)`` or ``("layer", pdf path, index)``; as
    :func:`_timed`."""
    return _timed(_raw_one, job)


def raw_jobs(path, pages, folder):
    """The baseline's jobs for the pages of ``path`` as the reading read them."""
    jobs = []
    if not path.lower().endswith(".pdf"):
        return [("ocr", path)] * bool(pages)
    import pymupdf
    with pymupdf.open(path) as doc:
        for page in pages:
            index = page["number"] - 1
            if page["source"] == "ocr":
                image = os.path.join(folder, f"{Path(path).stem}-{index:03d}.pgm")
                doc[index].get_pixmap(dpi=RAW_DPI, colorspace=pymupdf.csGRAY).save(image)
                jobs.append(("ocr", image))
            else:
                jobs.append(("layer", path, index))
    return jobs


def score_one(score, name_truth, out):
    """``(hits {field: bool}, confident_wrong {field: bool}, confident_right, cer, notes)``."""
    hits, wrong_conf, notes, confident_right = {}, {}, [], 0
    for name, key in score.FIELDS.items():
        if key not in name_truth:
            continue
        got, conf = score.value(out, name)
        hits[name] = score.same(name, got, name_truth[key])
        wrong_conf[name] = bool(got) and conf >= score.CONFIDENT and not hits[name]
        if hits[name]:
            confident_right += conf >= score.CONFIDENT
        else:
            notes.append(f"{name}={got!r} (want {name_truth[key]!r}, conf {conf:.2f})")
    text = "\n".join(p.get("text", "") for p in out.get("pages", [])[:3])
    cer = score.cer_in(name_truth.get("text_sample", ""), text)
    return hits, wrong_conf, confident_right, cer, notes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", default=str(DEFAULT_FOLDER))
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--save")
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--no-raw", action="store_true", help="skip the tesseract baseline")
    args = parser.parse_args(argv)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    score = load_score(args.folder)
    docs = documents(args.folder, args.only)
    if not docs:
        sys.exit("no documents")

    context = multiprocessing.get_context("spawn")
    with context.Pool(args.procs) as pool:
        pool.map(_warm, range(args.procs))
        started = time.perf_counter()
        # NB: the biggest files first, so that a long document read last does not leave
        # the other process idle at the end (the baseline is shared out page by page);
        # the results are put back in the documents' order.
        order = sorted(range(len(docs)), key=lambda i: -os.path.getsize(docs[i][1]))
        done = pool.map(_read, [docs[i][1] for i in order], chunksize=1)
        ours = time.perf_counter() - started
        results = [None] * len(docs)
        for i, result in zip(order, done):
            results[i] = result

    fields = list(score.FIELDS)
    hits = dict.fromkeys(fields, 0)
    confident_wrong = dict.fromkeys(fields, 0)
    confident_right, cers, lines = 0, [], []
    for (stem, _, truth), (out, secs, cpu) in zip(docs, results):
        if "error" in out:
            lines.append(f"{stem}: failed: {out['error']}")
            continue
        if args.save:
            Path(args.save).mkdir(parents=True, exist_ok=True)
            (Path(args.save) / f"{stem}.json").write_text(json.dumps(out, ensure_ascii=False))
        doc_hits, doc_wrong, right, cer, notes = score_one(score, truth, out)
        for name in doc_hits:
            hits[name] += doc_hits[name]
            confident_wrong[name] += doc_wrong[name]
        confident_right += right
        if cer is not None:
            cers.append(cer)
        cer_s = "-" if cer is None else f"{cer:.3f}"
        lines.append(f"{stem}: {'ok' if not notes else 'wrong ' + '; '.join(notes)}; "
                     f"cer {cer_s}; {secs:.1f} s ({cpu:.1f} s CPU)")
    n = len(docs)
    cers.sort()
    median = cers[len(cers) // 2] if cers else float("nan")
    ours_cpu = sum(cpu for _, _, cpu in results)
    summary = ("summary: " + ", ".join(f"{k} {hits[k]}/{n}" for k in fields)
               + "; confident but wrong: "
               + ", ".join(f"{k} {v}" for k, v in confident_wrong.items())
               + f" (total {sum(confident_wrong.values())})"
               + f"; right and confident: {confident_right} of {sum(hits.values())}"
               + f"; CER median {median:.3f}, worst {cers[-1] if cers else float('nan'):.3f}"
               + f"; {ours / n:.1f} s/doc ({args.procs} processes, {ours:.1f} s wall, "
               f"{ours_cpu:.1f} s CPU)")
    if args.no_raw:
        print("\n".join(lines + [summary]))
        return
    tmp = tempfile.mkdtemp(prefix="bench-realdocs-")
    per_doc = [raw_jobs(path, out.get("pages", []), tmp)
               for (_, path, _), (out, _, _) in zip(docs, results)]
    jobs = [job for doc_jobs in per_doc for job in doc_jobs]
    with context.Pool(args.procs) as pool:
        pool.map(_warm, range(args.procs))
        started = time.perf_counter()
        raws = pool.map(_raw, jobs, chunksize=1)
        raw = time.perf_counter() - started
    raw_cers, at = [], 0
    for i, ((_, _, truth), doc_jobs) in enumerate(zip(docs, per_doc)):
        done = raws[at:at + len(doc_jobs)]
        at += len(doc_jobs)
        text = "\n".join(t for t, _, _ in done[:3])
        cer = score.cer_in(truth.get("text_sample", ""), text)
        if cer is not None:
            raw_cers.append(cer)
        if "error" not in results[i][0]:
            lines[i] += (f"; raw {sum(w for _, w, _ in done):.1f} s "
                         f"({sum(c for _, _, c in done):.1f} s CPU), "
                         f"cer {'-' if cer is None else f'{cer:.3f}'}")
    print("\n".join(lines + [summary]))
    raw_cers.sort()
    raw_cpu = sum(cpu for _, _, cpu in raws)
    n_ocr = sum(job[0] == "ocr" for job in jobs)
    print(f"raw tesseract -l vie: {len(jobs)} pages ({n_ocr} OCR'd), {raw / n:.1f} s/doc "
          f"({raw:.1f} s wall, {raw_cpu:.1f} s CPU); CER median "
          f"{raw_cers[len(raw_cers) // 2]:.3f}, worst {raw_cers[-1]:.3f}")
    print(f"ratio of the reading's time to raw tesseract: {ours / raw:.2f} "
          f"(target <= {TARGET_RATIO}); CPU time {ours_cpu / raw_cpu:.2f}; "
          f"load {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
