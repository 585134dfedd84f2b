"""Search benchmark: bulk indexing rate, query latency and index size, for both backends.

    .venv/bin/python -m tests.bench.bench_search [--docs 100000] [--queries 500]
                                                 [--backends elasticsearch,embedded]

Documents are generated deterministically (same ``--seed``, same corpus): Vietnamese
names, addresses, procedures, and 300-2,000 words of OCR-like text per document (some
diacritics lost, some letters misread). Elasticsearch is started by the test rig.
Targets: Elasticsearch >= 2,000 docs/s and p95 <= 50 ms; embedded p95 <= 150 ms.
"""
import argparse
import os
import random
import shutil
import statistics
import tempfile
import time

from records.search.elastic import ElasticBackend
from records.search.embedded import EmbeddedBackend
from records.search.query import Query
from records.textnorm import fold
from tests.rig.elasticsearch import ElasticsearchServer

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương", "Lương", "Đoàn"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Xuân", "Thu", "Kim"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đào", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương",
         "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Phương", "Quân",
         "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Trung", "Tuấn", "Uyên", "Vân", "Yến"]
PLACES = ["xã Xuân Canh", "phường Hồng Hà", "thị trấn Đông Anh", "phường Bãi Cháy",
          "xã Quảng Minh", "phường Cẩm Phả", "xã Tiên Dương", "phường Hạ Long"]
PROVINCES = ["Hà Nội", "Quảng Ninh", "Hải Phòng", "Đà Nẵng", "Thừa Thiên Huế"]
PROCEDURES = [
    ("1.001", "Cấp giấy chứng nhận quyền sử dụng đất"), ("1.002", "Đăng ký hộ kinh doanh"),
    ("1.003", "Cấp giấy phép xây dựng nhà ở riêng lẻ"), ("1.004", "Đăng ký khai sinh"),
    ("1.005", "Chứng thực bản sao từ bản chính"), ("1.006", "Đăng ký kết hôn"),
    ("1.007", "Cấp phiếu lý lịch tư pháp"), ("1.008", "Chuyển mục đích sử dụng đất"),
    ("1.009", "Đăng ký biến động đất đai"), ("1.010", "Cấp giấy phép kinh doanh rượu"),
    ("1.011", "Thẩm định thiết kế phòng cháy chữa cháy"), ("1.012", "Đăng ký thường trú"),
]
DOC_TYPES = ["Quyết định", "Giấy chứng nhận", "Thông báo", "Giấy phép", "Văn bản"]
SYMBOLS = ["QĐ-UBND", "UBND-VP", "GCN-STNMT", "TB-UBND", "GP-SXD"]
STATES = ["received", "processing", "supplement", "done", "returned"]
UNITS = [f"000.00.{i:02d}.H26" for i in range(1, 31)]
WORDS = ("căn cứ luật tổ chức chính quyền địa phương ngày tháng năm theo đề nghị của phòng "
         "tài nguyên và môi trường về việc cấp giấy chứng nhận quyền sử dụng đất quyền sở hữu "
         "nhà ở tài sản khác gắn liền với đất cho hộ gia đình cá nhân thửa đất số tờ bản đồ "
         "diện tích mục đích sử dụng thời hạn nguồn gốc được nhà nước giao có thu tiền ủy ban "
         "nhân dân huyện quyết định điều này có hiệu lực kể từ ngày ký chánh văn phòng hội đồng "
         "trưởng phòng các cơ quan đơn vị liên quan chịu trách nhiệm thi hành nơi nhận như "
         "trên lưu hồ sơ thành phần gồm đơn đề nghị bản sao căn cước công dân sổ hộ khẩu giấy "
         "tờ chứng minh biên bản xác minh hiện trạng kết quả giải quyết thủ tục hành chính "
         "trung tâm phục vụ hành chính công tiếp nhận trả kết quả đúng hạn quá hạn bổ sung").split()
PHRASES = ["giấy chứng nhận", "quyền sử dụng đất", "hộ gia đình", "bản sao", "thửa đất số",
           "ủy ban nhân dân", "biên bản xác minh", "kết quả giải quyết"]


def _ocr_noise(word, rng):
    roll = rng.random()
    if roll < 0.03:
        return fold(word)  # diacritics lost
    if roll < 0.04 and len(word) > 2:
        i = rng.randrange(len(word))
        return word[:i] + rng.choice("ilo0") + word[i + 1:]
    return word


def _sentences(seed, count=4000):
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        words = [_ocr_noise(rng.choice(WORDS), rng) for _ in range(rng.randint(8, 24))]
        out.append(" ".join(words).capitalize() + ".")
    return out


def _name(rng):
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def make_doc(i, sentences, seed):
    """Document ``i`` of the corpus (the same for the same ``i`` and ``seed``)."""
    rng = random.Random(seed * 1_000_003 + i)
    kind = "dossier" if i % 10 < 5 else "file" if i % 10 < 8 else "result"
    code, procedure = PROCEDURES[i % len(PROCEDURES)]
    receiving, processing = rng.choice(UNITS), rng.choice(UNITS)
    name = _name(rng)
    day = f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}"
    words_wanted, pages, page = rng.randint(300, 2000), [], 1
    body = [f"Người nộp: {name}, {rng.choice(PLACES)}, {rng.choice(PROVINCES)}."]
    count = len(body[0].split())
    while count < words_wanted:
        sentence = rng.choice(sentences)
        body.append(sentence)
        count += sentence.count(" ") + 1
        if len(body) >= 25:
            pages.append({"page": page, "text": " ".join(body)})
            body, page = [], page + 1
    if body:
        pages.append({"page": page, "text": " ".join(body)})
    doc = {"id": f"{kind}:{i}", "kind": kind, "version": 1, "procedure_code": code,
           "procedure_name": procedure, "applicant_name": name,
           "applicant_id": f"{rng.randrange(10**11, 10**12):012d}",
           "receiving_unit": receiving, "processing_unit": processing,
           "dossier_code": f"{receiving}-{day[2:4]}{day[5:7]}{day[8:10]}-{i % 10000:04d}",
           "state": rng.choice(STATES), "received_at": day, "overdue": rng.random() < 0.05,
           "text": pages}
    if kind == "result":
        doc.update(number_symbol=f"{i}/{rng.choice(SYMBOLS)}", doc_type=rng.choice(DOC_TYPES),
                   issuer="UBND huyện Đông Anh", status="valid", issue_date=day,
                   title=f"{rng.choice(DOC_TYPES)} {procedure.lower()}")
    return doc


def corpus(count, seed):
    sentences = _sentences(seed)
    return (make_doc(i, sentences, seed) for i in range(count))


def queries(count, docs_count, seed):
    """``count`` queries cycling through three shapes: name, number, phrase+filters+facets."""
    rng = random.Random(seed + 7)
    sentences = _sentences(seed)
    out = []
    for n in range(count):
        doc = make_doc(rng.randrange(docs_count), sentences, seed)
        if n % 3 == 0:
            name = doc["applicant_name"]
            out.append(("name", Query(text=fold(name) if n % 2 else name)))
        elif n % 3 == 1:
            i = rng.randrange(docs_count // 10) * 10 + 8  # i % 10 >= 8: a result
            symbol = make_doc(min(i, docs_count - 1), sentences, seed).get("number_symbol",
                                                                            "1/QĐ-UBND")
            out.append(("number", Query(text=f"số {symbol}" if n % 2 else fold(symbol))))
        else:
            out.append(("phrase+filters", Query(
                text=f'"{rng.choice(PHRASES)}"', kinds=["dossier", "file"],
                procedures=[doc["procedure_code"]], facets=["kind", "state", "procedure"])))
    return out


def _size(path):
    return sum(os.path.getsize(os.path.join(root, name))
               for root, _, names in os.walk(path) for name in names)


def run(backend, name, args, size_of):
    started = time.perf_counter()
    written = backend.rebuild(corpus(args.docs, args.seed))
    backend.refresh()
    elapsed = time.perf_counter() - started
    print(f"{name}: indexed {written} docs in {elapsed:.1f} s = {written / elapsed:.0f} docs/s")
    plan = queries(args.queries, args.docs, args.seed)
    for _, query in plan[:20]:
        backend.search(query)  # warm-up
    times = {}
    totals = []
    for shape, query in plan:
        started = time.perf_counter()
        results = backend.search(query)
        times.setdefault(shape, []).append((time.perf_counter() - started) * 1000)
        totals.append(results.total)
    every = [t for values in times.values() for t in values]
    for shape, values in list(times.items()) + [("all", every)]:
        print(f"{name}: {shape:15s} p50 {_pct(values, 50):6.1f} ms  p95 {_pct(values, 95):6.1f}"
              f" ms  (n={len(values)})")
    print(f"{name}: queries with hits {sum(1 for t in totals if t)}/{len(totals)}; "
          f"index size {size_of() / 2**20:.0f} MiB")


def _pct(values, pct):
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--backends", default="elasticsearch,embedded")
    parser.add_argument("--es-heap", default="1g")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="records-bench-")
    try:
        if "elasticsearch" in args.backends:
            server = ElasticsearchServer(heap=(args.es_heap, args.es_heap))
            try:
                server.start()
                backend = ElasticBackend(server.url, prefix="bench", timeout=120)
                backend.ensure_index()
                run(backend, "elasticsearch", args, lambda: _es_size(backend))
                backend.close()
            finally:
                server.close()
        if "embedded" in args.backends:
            backend = EmbeddedBackend(os.path.join(work, "index"))
            backend.ensure_index()
            run(backend, "embedded", args, lambda: _size(backend.path))
            backend.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _es_size(backend):
    backend.client.indices.flush(index="bench-*")
    stats = backend.client.indices.stats(index="bench-*", metric="store")
    return stats["_all"]["total"]["store"]["size_in_bytes"]


if __name__ == "__main__":
    main()
