"""Search benchmark: bulk indexing rate, query latency and index size, for both backends.

    .venv/bin/python -m tests.bench.bench_search [--docs 100000] [--queries 500]
                                                 [--backends elasticsearch,embedded]

The corpus is generated deterministically (same ``--seed``, same documents, in any order)
before anything is timed, so the indexing rate is the search layer's, not the generator's:

* names from weighted family names, middle and given names; addresses (number, street,
  ward, province); 40 real procedure names with Zipf-like popularity; results carry
  numbers such as "1234/QĐ-UBND" or "56/2024/GCN-STNMT", issuers, document types;
* 300-2,000 words of OCR-like text per document: words drawn with Zipf frequencies
  (s = 1.05) from a 40,000-word vocabulary (the common Vietnamese function and
  administrative words first, then 1-3 syllable words built from ~12,800 Vietnamese
  syllables: onset + rhyme + tone), cut into sentences and pages of ~350 words, mixed
  with templated sentences (legal bases such as "Nghị định số 102/2024/NĐ-CP", dates,
  names, addresses, parcels, referenced decisions); ~3% of the words lose their
  diacritics and ~1% get a misread letter.

Queries, cycling through three shapes:

* name: the applicant name of a random document, as written or folded;
* number: the number of a random result, as "số 1234/QĐ-UBND" or folded;
* phrase+filters: a quoted phrase — half of them common administrative phrases
  ("quyền sử dụng đất"), half 2-3 consecutive words taken from a random document's own
  text — with the kinds dossier+file and that document's procedure as filters, and the
  kind, state and procedure facets.

Elasticsearch is started by the test rig. Targets: Elasticsearch >= 2,000 docs/s and
p95 <= 50 ms; embedded p95 <= 150 ms.
"""
import argparse
import itertools
import os
import pickle
import random
import re
import shutil
import statistics
import tempfile
import time

import numpy

from records.search.elastic import ElasticBackend
from records.search.embedded import EmbeddedBackend
from records.search.query import Query
from records.textnorm import fold
from tests.rig.elasticsearch import ElasticsearchServer

# -- names, places, procedures -----------------------------------------------------------

FAMILY = [("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 70), ("Hoàng", 50), ("Huỳnh", 40),
          ("Phan", 45), ("Vũ", 39), ("Võ", 30), ("Đặng", 21), ("Bùi", 20), ("Đỗ", 14),
          ("Hồ", 13), ("Ngô", 13), ("Dương", 10), ("Lý", 5), ("Đinh", 6), ("Trương", 6),
          ("Lương", 4), ("Đoàn", 5), ("Lâm", 3), ("Mai", 3), ("Trịnh", 4), ("Cao", 3),
          ("Tạ", 2), ("Quách", 1), ("Tô", 2), ("Hà", 3), ("Kiều", 1), ("Châu", 1), ("Thái", 1),
          ("Khổng", 1), ("La", 1), ("Vương", 2), ("Chu", 1), ("Lưu", 2), ("Tăng", 1), ("Mạc", 1)]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Xuân", "Thu", "Kim",
          "Công", "Thành", "Hồng", "Mỹ", "Bảo", "Gia", "Hoài", "Khánh", "Phương", "Quốc", "Thế",
          "Trọng", "Tuấn", "Anh", "Diệu", "Hải", "Như", "Đình", "Bá", "Tiến", "Việt", "Cẩm"]
GIVEN = ("An Anh Bình Bảo Cường Chi Dũng Duy Dương Đào Đạt Điệp Đông Giang Hà Hải Hạnh Hân "
         "Hằng Hậu Hiền Hiếu Hiệp Hoa Hòa Hoàng Hồng Huệ Hùng Hưng Hương Hường Huy Huyền Khải "
         "Khang Khánh Khoa Khôi Kiên Kiệt Lam Lan Liên Linh Loan Long Lộc Lợi Luân Ly Mai "
         "Mạnh Minh My Nam Nga Ngân Nghĩa Ngọc Nguyên Nhàn Nhân Nhi Nhung Oanh Phát Phong Phú "
         "Phúc Phụng Phương Phượng Quân Quang Quế Quyên Quỳnh Sang Sơn Tài Tâm Tân Thắm Thắng "
         "Thanh Thành Thảo Thịnh Thoa Thu Thủy Thư Thương Tiến Toàn Trâm Trang Trí Trinh Trung "
         "Trường Tú Tuấn Tùng Tuyết Uyên Vân Văn Vinh Việt Vũ Vy Xuân Yến").split()
PROVINCES = ["Hà Nội", "Quảng Ninh", "Hải Phòng", "Đà Nẵng", "Thừa Thiên Huế", "Bắc Ninh",
             "Nghệ An", "Thanh Hóa", "Nam Định", "Thái Bình", "Hải Dương", "Hưng Yên",
             "Khánh Hòa", "Lâm Đồng", "Cần Thơ", "An Giang", "Đồng Nai", "Bình Dương"]
STREET_NAMES = ["Trần Phú", "Lê Lợi", "Hùng Vương", "Nguyễn Trãi", "Lý Thường Kiệt",
                "Hai Bà Trưng", "Quang Trung", "Lê Duẩn", "Điện Biên Phủ", "Nguyễn Văn Cừ",
                "Phan Chu Trinh", "Trần Hưng Đạo", "Bạch Đằng", "Ngô Quyền", "Tô Hiến Thành",
                "Hoàng Diệu", "Nguyễn Du", "Lạc Long Quân", "Võ Thị Sáu", "Cầu Giấy"]
PROCEDURES = [
    "Cấp giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền "
    "với đất lần đầu", "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền "
    "với đất", "Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền",
    "Tách thửa hoặc hợp thửa đất", "Cấp đổi giấy chứng nhận quyền sử dụng đất",
    "Đăng ký thế chấp quyền sử dụng đất", "Xóa đăng ký thế chấp", "Đăng ký hộ kinh doanh",
    "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "Tạm ngừng kinh doanh hộ kinh doanh",
    "Cấp giấy phép xây dựng nhà ở riêng lẻ", "Cấp giấy phép sửa chữa, cải tạo công trình",
    "Điều chỉnh giấy phép xây dựng", "Đăng ký khai sinh", "Đăng ký khai tử",
    "Đăng ký kết hôn", "Cấp giấy xác nhận tình trạng hôn nhân", "Đăng ký nhận cha, mẹ, con",
    "Trích lục hộ tịch", "Thay đổi, cải chính, bổ sung thông tin hộ tịch",
    "Chứng thực bản sao từ bản chính", "Chứng thực chữ ký trong các giấy tờ, văn bản",
    "Chứng thực hợp đồng, giao dịch liên quan đến bất động sản", "Cấp phiếu lý lịch tư pháp",
    "Đăng ký thường trú", "Đăng ký tạm trú", "Xác nhận thông tin về cư trú",
    "Cấp giấy phép kinh doanh rượu", "Cấp giấy chứng nhận đủ điều kiện an toàn thực phẩm",
    "Thẩm định thiết kế phòng cháy chữa cháy", "Cấp giấy phép khai thác nước dưới đất",
    "Giải quyết trợ cấp xã hội hằng tháng", "Hỗ trợ chi phí mai táng",
    "Xét duyệt hồ sơ hộ nghèo, hộ cận nghèo", "Cấp thẻ bảo hiểm y tế cho người dưới 6 tuổi",
    "Giải quyết khiếu nại lần đầu", "Tiếp công dân", "Giải quyết tố cáo",
    "Cấp giấy phép hoạt động cơ sở khám bệnh, chữa bệnh", "Công nhận hòa giải viên",
]
PROCEDURE_CODES = [f"1.{4000 + 137 * i:06d}" for i in range(len(PROCEDURES))]
#: Zipf-like: land and civil-status procedures are the common ones.
PROCEDURE_CDF = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(PROCEDURES))))
ISSUERS = [("UBND huyện Đông Anh", "UBND"), ("UBND quận Hoàn Kiếm", "UBND"),
           ("Sở Tài nguyên và Môi trường", "STNMT"), ("Sở Xây dựng", "SXD"),
           ("Sở Tư pháp", "STP"), ("UBND thành phố Hạ Long", "UBND"),
           ("Sở Kế hoạch và Đầu tư", "SKHĐT"), ("Văn phòng đăng ký đất đai", "VPĐKĐĐ")]
DOC_TYPES = [("Quyết định", "QĐ"), ("Giấy chứng nhận", "GCN"), ("Thông báo", "TB"),
             ("Giấy phép", "GP"), ("Công văn", "CV"), ("Kết luận", "KL")]
STATES = ["received", "processing", "supplement", "done", "returned"]
UNITS = [f"000.{20 + i // 10:02d}.{i % 10 + 1:02d}.H{26 + i % 3}" for i in range(40)]
LAWS = ["Luật Đất đai số 31/2024/QH15", "Luật Tổ chức chính quyền địa phương số 77/2015/QH13",
        "Luật Xây dựng số 50/2014/QH13", "Luật Hộ tịch số 60/2014/QH13",
        "Nghị định số 102/2024/NĐ-CP", "Nghị định số 101/2024/NĐ-CP",
        "Nghị định số 23/2015/NĐ-CP", "Nghị định số 15/2021/NĐ-CP",
        "Nghị định số 01/2021/NĐ-CP", "Thông tư số 10/2024/TT-BTNMT",
        "Thông tư số 04/2020/TT-BTP", "Nghị định số 61/2018/NĐ-CP"]

# -- the vocabulary ----------------------------------------------------------------------

#: The most frequent Vietnamese words (function words first), then administrative ones.
COMMON = ("của và các có được là trong cho người không những một với đã này theo về đến tại "
          "ngày năm để từ khi như đó thì cũng nhiều sẽ ra vào lại trên phải còn nhưng hoặc "
          "do bị nếu đang nên đây hơn mà vì cùng sau trước đối với giữa bằng qua tháng số "
          "việc các nơi hộ gia đình cá nhân đất thửa diện tích quyền sử dụng giấy chứng nhận "
          "ủy ban nhân dân huyện xã phường quận tỉnh thành phố cơ quan đơn vị hồ sơ thủ tục "
          "hành chính quyết định đề nghị căn cứ quy định luật nghị định thông tư điều khoản "
          "kết quả giải quyết tiếp nhận trả bổ sung thẩm định phê duyệt cấp đăng ký thay đổi "
          "nhà ở công trình xây dựng tài sản gắn liền mục đích thời hạn nguồn gốc giao thuê "
          "chuyển nhượng thừa kế tặng cho thế chấp biên bản xác minh hiện trạng ranh giới "
          "mốc giới bản đồ tờ địa chính văn phòng phòng tài nguyên môi trường kinh tế hạ "
          "tầng tư pháp hộ tịch công dân căn cước chứng minh thường trú tạm trú khai sinh "
          "kết hôn hợp đồng giao dịch chứng thực bản sao bản chính chữ ký con dấu trách "
          "nhiệm thi hành hiệu lực kể từ ký chánh trưởng phó chủ tịch thường trực lưu nhận "
          "như trên gửi kèm theo đầy đủ hợp lệ đúng hạn quá hạn thời gian làm việc").split()


def _syllables():
    """Vietnamese-looking syllables: onset + rhyme + tone (orthography roughly right)."""
    onsets = ("", "b", "c", "ch", "d", "đ", "g", "gi", "h", "k", "kh", "l", "m", "n", "ng",
              "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x")
    rhymes = ("a ai ao au ay an ang anh am at ac ach ăn ăng ăm ăt ăc âm ân âng ât âc âu ây e "
              "em en eng et ec eo ê êm ên ênh êt êch êu i im in inh it ich iu ia iêm iên iêng "
              "iêt iêu o oi om on ong ot oc oa oai oan oang oanh oat oac oe ô ôi ôm ôn ông ôt "
              "ôc ơ ơi ơm ơn ơt u ui um un ung ut uc uân uât uy uyên uyêt uôi uôn uông uôt "
              "ưa ưi ưng ưt ưc ươi ươm ươn ương ươt ươc ưu y").split()
    tones = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
    import unicodedata
    out = []
    for onset in onsets:
        for rhyme in rhymes:
            if onset in ("k", "gh", "ngh") and rhyme[0] not in "eêi":
                continue
            if onset in ("c", "g", "ng") and rhyme[0] in "eêi":
                continue
            stop = rhyme[-1] in "ptc" or rhyme.endswith("ch")
            for tone in tones:
                if stop and tone not in ("\u0301", "\u0323"):
                    continue
                decomposed = unicodedata.normalize("NFD", rhyme)
                # the tone goes on the marked vowel, else the last vowel before a final
                # consonant, else the first of two final vowels
                letters = list(decomposed)
                vowels = [i for i, ch in enumerate(letters) if ch in "aeiouy"]
                marked = [i for i, ch in enumerate(letters) if ch in "\u0302\u0306\u031b"]
                if marked:
                    at = marked[-1]
                elif len(vowels) > 1 and vowels[-1] == len(letters) - 1:
                    at = vowels[0] if rhyme not in ("oa", "oe", "uy") else vowels[-1]
                else:
                    at = vowels[-1]
                letters.insert(at + 1, tone)
                out.append(onset + unicodedata.normalize("NFC", "".join(letters)))
    return out


def vocabulary(seed, size=40_000):
    """``(words, probabilities)``: COMMON words first, then made-up 1-3 syllable words;
    Zipf (s = 1.05) frequencies by rank."""
    rng = random.Random(seed)
    syllables = _syllables()
    rng.shuffle(syllables)
    words = list(dict.fromkeys(COMMON))
    seen = set(words)
    while len(words) < size:
        n = rng.choices((1, 2, 3), (45, 45, 10))[0]
        word = " ".join(rng.choice(syllables[:2500 if n > 1 else None]) for _ in range(n))
        if word not in seen:
            seen.add(word)
            words.append(word)
    weights = numpy.arange(1, len(words) + 1, dtype=float) ** -1.05
    return words, weights / weights.sum()

PHRASES = ["giấy chứng nhận", "quyền sử dụng đất", "hộ gia đình", "bản sao", "thửa đất số",
           "ủy ban nhân dân", "biên bản xác minh", "kết quả giải quyết", "tờ bản đồ",
           "chứng thực bản sao", "hộ kinh doanh", "giấy phép xây dựng", "tài sản gắn liền"]


class Corpus:
    """Document ``i`` of the corpus is the same for the same ``seed``, in any order."""

    def __init__(self, seed):
        self.seed = seed
        self.words, probabilities = vocabulary(seed)
        self.cdf = numpy.cumsum(probabilities)
        self.cdf[-1] = 1.0
        self.array = numpy.array(self.words, dtype=object)
        self.family, family_weights = zip(*FAMILY)
        self.family_cdf = list(itertools.accumulate(family_weights))

    def name(self, rng):
        family = rng.choices(self.family, cum_weights=self.family_cdf)[0]
        return f"{family} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"

    @staticmethod
    def date(rng, year=None):
        return (year or rng.randint(2015, 2025), rng.randint(1, 12), rng.randint(1, 28))

    @staticmethod
    def address(rng):
        return (f"số {rng.randint(1, 300)}, {rng.choice(('đường', 'phố', 'ngõ'))} "
                f"{rng.choice(STREET_NAMES)}, {rng.choice(('phường', 'xã', 'thị trấn'))} "
                f"{rng.choice(GIVEN)} {rng.choice(GIVEN)}, {rng.choice(PROVINCES)}")

    def _template(self, rng, doc):
        y, m, d = self.date(rng)
        roll = rng.randrange(11)
        if roll == 0:
            return f"Căn cứ {rng.choice(LAWS)};"
        if roll == 1:
            return (f"Xét đề nghị của {rng.choice(ISSUERS)[0]} tại Tờ trình số "
                    f"{rng.randint(1, 999)}/TTr-{rng.choice(ISSUERS)[1]} ngày {d} tháng {m} "
                    f"năm {y};")
        if roll == 2:
            return (f"Ông (bà) {self.name(rng)}, sinh ngày {d:02d}/{m:02d}/{y - 40}, "
                    f"số căn cước {rng.randrange(10**11, 10**12):012d}, thường trú tại "
                    f"{self.address(rng)}.")
        if roll == 3:
            return (f"Thửa đất số {rng.randint(1, 900)}, tờ bản đồ số {rng.randint(1, 80)}, "
                    f"diện tích {rng.randint(40, 900)},{rng.randint(0, 9)} m2, tại "
                    f"{self.address(rng)}.")
        if roll == 4:
            issuer, sym = rng.choice(ISSUERS)
            return (f"Theo Quyết định số {rng.randint(1, 3000)}/QĐ-{sym} ngày {d}/{m}/{y} "
                    f"của {issuer}.")
        if roll == 5:
            return f"Về việc {doc['procedure_name'][0].lower()}{doc['procedure_name'][1:]}."
        if roll == 6:
            return f"Người nộp hồ sơ: {doc['applicant_name']}, địa chỉ {self.address(rng)}."
        if roll in (8, 9):
            # NB: the common phrases the queries look for occur in real dossiers in such
            # lists of enclosed papers, not by chance among Zipf-drawn words.
            first, second = rng.sample(PHRASES, 2)
            return (f"Hồ sơ kèm theo gồm {first}, {second} và các giấy tờ có liên quan của "
                    f"{doc['applicant_name']}.")
        if roll == 7:
            return (f"Chủ tịch {self.name(rng)}. Nơi nhận: như Điều {rng.randint(2, 4)}; "
                    f"lưu VT.")
        return f"Ngày {d} tháng {m} năm {y}."

    def doc(self, i):
        seed = self.seed
        rng = random.Random(seed * 1_000_003 + i)
        nrng = numpy.random.Generator(numpy.random.PCG64([seed, i]))
        kind = "dossier" if i % 10 < 5 else "file" if i % 10 < 8 else "result"
        p = rng.choices(range(len(PROCEDURES)), cum_weights=PROCEDURE_CDF)[0]
        procedure, code = PROCEDURES[p], PROCEDURE_CODES[p]
        receiving, processing = rng.choice(UNITS), rng.choice(UNITS)
        name = self.name(rng)
        y, m, d = self.date(rng, year=rng.randint(2019, 2025))
        day = f"{y}-{m:02d}-{d:02d}"
        doc = {"id": f"{kind}:{i}", "kind": kind, "version": 1, "procedure_code": code,
               "procedure_name": procedure, "applicant_name": name,
               "applicant_id": f"{rng.randrange(10**11, 10**12):012d}",
               "receiving_unit": receiving, "processing_unit": processing,
               "dossier_code": f"{receiving}-{day[2:4]}{day[5:7]}{day[8:10]}-{i % 10000:04d}",
               "state": rng.choice(STATES), "received_at": day,
               "overdue": rng.random() < 0.05}
        if kind == "result":
            issuer, sym = rng.choice(ISSUERS)
            doc_type, type_sym = rng.choice(DOC_TYPES)
            number = (f"{rng.randint(1, 5000)}/{type_sym}-{sym}" if rng.random() < 0.7 else
                      f"{rng.randint(1, 999)}/{y}/{type_sym}-{sym}")
            doc.update(number_symbol=number, doc_type=doc_type, issuer=issuer,
                       status=rng.choice(("valid",) * 8 + ("revoked", "superseded")),
                       issue_date=day, title=f"{doc_type} {procedure[0].lower()}{procedure[1:]}")
        words_wanted = rng.randint(300, 2000)
        picks = numpy.searchsorted(self.cdf, nrng.random(words_wanted))
        tokens = self.array[picks].tolist()
        # OCR noise: ~3% of the words lose their diacritics, ~1% get a misread letter
        noise = nrng.random(words_wanted)
        for at in numpy.flatnonzero(noise < 0.04).tolist():
            word = tokens[at]
            if noise[at] < 0.03:
                tokens[at] = fold(word)
            elif len(word) > 2:
                k = rng.randrange(len(word))
                tokens[at] = word[:k] + rng.choice("ilo0") + word[k + 1:]
        lengths = nrng.integers(6, 22, size=words_wanted // 6 + 2).tolist()
        # NB: words are counted as they are written (a two-syllable word is two words).
        body = [self._template(rng, dict(doc, procedure_name=procedure)),
                f"Người nộp: {name}, {self.address(rng)}."]
        pages, page_words, at = [], sum(part.count(" ") + 1 for part in body), 0
        total = page_words
        for length in lengths:
            if total >= words_wanted or at >= words_wanted:
                break
            sentences = [self._template(rng, doc)] if rng.random() < 0.2 else []
            chunk = " ".join(tokens[at:at + length])
            at += length
            sentences.append(chunk[:1].upper() + chunk[1:] + ".")
            body += sentences
            count = sum(part.count(" ") + 1 for part in sentences)
            page_words += count
            total += count
            if page_words >= 350:
                pages.append({"page": len(pages) + 1, "text": " ".join(body)})
                body, page_words = [], 0
        if body:
            pages.append({"page": len(pages) + 1, "text": " ".join(body)})
        doc["text"] = pages
        return doc


#: Bump when the generator changes: cached corpora of another version are not used.
CORPUS_VERSION = 3


def generate(count, seed):
    """The first ``count`` documents, cached in a pickle under the temp directory."""
    path = os.path.join(tempfile.gettempdir(),
                        f"records-bench-corpus-v{CORPUS_VERSION}-{seed}-{count}.pickle")
    try:
        with open(path, "rb") as cached:
            return pickle.load(cached)
    except (OSError, EOFError, pickle.UnpicklingError):
        pass
    corpus = Corpus(seed)
    docs = [corpus.doc(i) for i in range(count)]
    with open(path + ".tmp", "wb") as out:
        pickle.dump(docs, out, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(path + ".tmp", path)
    return docs


#: 2-3 whole words (no digits, no punctuation between them).
_WINDOW = re.compile(r"(?<!\w)[^\W\d_]+(?: [^\W\d_]+){1,2}(?!\w)")


def queries(count, docs_count, seed):
    """``count`` queries cycling through three shapes: name, number, phrase+filters."""
    rng = random.Random(seed + 7)
    corpus = Corpus(seed)
    out = []
    for n in range(count):
        if n % 3 == 0:
            name = corpus.doc(rng.randrange(docs_count))["applicant_name"]
            out.append(("name", Query(text=fold(name) if n % 2 else name)))
        elif n % 3 == 1:
            i = rng.randrange(docs_count // 10) * 10 + 8  # i % 10 >= 8: a result
            symbol = corpus.doc(min(i, docs_count - 1)).get("number_symbol", "1/QĐ-UBND")
            out.append(("number", Query(text=f"số {symbol}" if n % 2 else fold(symbol))))
        else:
            i = rng.randrange(docs_count // 10) * 10 + rng.randrange(8)  # a dossier or file
            doc = corpus.doc(min(i, docs_count - 1))
            if rng.random() < 0.5:
                phrase = rng.choice(PHRASES)
            else:
                page = rng.choice(doc["text"])["text"]
                windows = _WINDOW.findall(page)
                phrase = rng.choice(windows).lower()
            out.append(("phrase+filters", Query(
                text=f'"{phrase}"', kinds=["dossier", "file"],
                procedures=[doc["procedure_code"]], facets=["kind", "state", "procedure"])))
    return out


def _size(path):
    return sum(os.path.getsize(os.path.join(root, name))
               for root, _, names in os.walk(path) for name in names)


def run(backend, name, docs, args, size_of):
    started = time.perf_counter()
    written = backend.rebuild(docs)
    backend.refresh()
    elapsed = time.perf_counter() - started
    print(f"{name}: indexed {written} docs in {elapsed:.1f} s = {written / elapsed:.0f} docs/s",
          flush=True)
    plan = queries(args.queries, args.docs, args.seed)
    for _, query in plan[:20]:
        backend.search(query)  # warm-up
    times, totals = {}, {}
    for shape, query in plan:
        started = time.perf_counter()
        results = backend.search(query)
        times.setdefault(shape, []).append((time.perf_counter() - started) * 1000)
        totals.setdefault(shape, []).append(results.total)
    every = [t for values in times.values() for t in values]
    for shape, values in list(times.items()) + [("all", every)]:
        hits = totals.get(shape) or [t for values in totals.values() for t in values]
        print(f"{name}: {shape:15s} p50 {_pct(values, 50):6.1f} ms  p95 {_pct(values, 95):6.1f}"
              f" ms  (n={len(values)}; hits median {statistics.median(hits):.0f}, "
              f"max {max(hits)}, none {sum(1 for t in hits if not t)})")
    print(f"{name}: index size {size_of() / 2**20:.0f} MiB", flush=True)


def _pct(values, pct):
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--backends", default="elasticsearch,embedded")
    parser.add_argument("--es-heap", default="2g")
    args = parser.parse_args()
    started = time.perf_counter()
    docs = generate(args.docs, args.seed)
    pages = sum(len(doc["text"]) for doc in docs)
    words = sum(page["text"].count(" ") + 1 for doc in docs for page in doc["text"])
    chars = sum(len(page["text"]) for doc in docs for page in doc["text"])
    print(f"corpus: {len(docs)} docs, {pages} pages, {words / len(docs):.0f} words and "
          f"{chars / len(docs) / 1024:.1f} K characters per doc on average "
          f"(generated or loaded in {time.perf_counter() - started:.1f} s, not timed)", flush=True)
    work = tempfile.mkdtemp(prefix="records-bench-")
    try:
        if "elasticsearch" in args.backends:
            server = ElasticsearchServer(heap=(args.es_heap, args.es_heap))
            try:
                server.start()
                backend = ElasticBackend(server.url, prefix="bench", timeout=120)
                backend.ensure_index()
                run(backend, "elasticsearch", docs, args, lambda: _es_size(backend))
                backend.close()
            finally:
                server.close()
        if "embedded" in args.backends:
            backend = EmbeddedBackend(os.path.join(work, "index"))
            backend.ensure_index()
            run(backend, "embedded", docs, args, lambda: _size(backend.path))
            backend.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _es_size(backend):
    backend.client.indices.flush(index="bench-*")
    stats = backend.client.indices.stats(index="bench-*", metric="store")
    return stats["_all"]["total"]["store"]["size_in_bytes"]


if __name__ == "__main__":
    main()
