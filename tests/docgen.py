"""Fixture generator: Vietnamese administrative documents with known text and known fields.

Shared by the tests and the benches. Everything is deterministic (seeded) and cached on disk
(``$RECORDS_DOCGEN_DIR`` or ``<tmp>/records-docgen-<VERSION>``), files are built on first use.

* :func:`documents` — the documents (>= 30): decisions, notices, certificates, letters, permits,
  submissions, reports, conclusions; varied issuers, numbers, dates, names, CCCDs, tax codes.
  ``Doc.text`` is the reference text in reading order (header: left column then right column;
  signature block: left then right), ``Doc.fields`` the expected field values.
* :class:`Fixtures` — files made from them: born-digital PDFs (DejaVu Sans), 300-dpi scans
  (noise, 0.3-1 degree rotation, blur, a red round seal over the signature, a blue signature
  stroke) as image-only PDF, PNG and multi-page TIFF; a born-digital PDF whose number is left
  blank with a handwritten-looking number drawn in the gap; a scan with a garbage
  no-diacritics text layer; a scan carrying only an e-signature overlay's text; bad inputs;
  and the troubled variants of :meth:`Fixtures.variant` (150/200-dpi scans, 2-3 degree skew,
  a phone photo, a grey TIFF, a visible e-signature box, a handwritten day).

Run ``python -m tests.docgen`` to build everything and print the cache directory.
"""
import datetime
import functools
import io
import math
import os
import random
import struct
import tempfile
import zlib
from dataclasses import dataclass, field

import numpy
import pymupdf
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from records.textnorm import strip_marks

VERSION = "3"  # NB: bumped when the files made change (3: seeded noise)
SEED = 20260205
N_DOCS = 32
DPI = 300
FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONTS = {"R": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf",
         "BI": "DejaVuSans-BoldOblique.ttf"}
PAGE_W, PAGE_H = 595.0, 842.0
LEFT_CENTER, RIGHT_CENTER = 165.0, 440.0
BODY_X0, BODY_X1 = 62.0, 555.0

# --- content pools ----------------------------------------------------------------------------

ISSUERS = [  # parent line, issuing body, symbol suffix, place, (issuer, parent) as read
    ("UỶ BAN NHÂN DÂN", "QUẬN HOÀN KIẾM", "UBND", "Hà Nội",
     ("Ủy ban nhân dân quận Hoàn Kiếm", None)),
    ("UỶ BAN NHÂN DÂN", "THÀNH PHỐ HẠ LONG", "UBND", "Hạ Long",
     ("Ủy ban nhân dân thành phố Hạ Long", None)),
    ("UBND TỈNH QUẢNG NINH", "SỞ TƯ PHÁP", "STP", "Quảng Ninh",
     ("Sở Tư pháp tỉnh Quảng Ninh", "Ủy ban nhân dân tỉnh Quảng Ninh")),
    ("UBND THÀNH PHỐ ĐÀ NẴNG", "SỞ XÂY DỰNG", "SXD", "Đà Nẵng",
     ("Sở Xây dựng thành phố Đà Nẵng", "Ủy ban nhân dân thành phố Đà Nẵng")),
    ("UBND TỈNH BẮC NINH", "SỞ KẾ HOẠCH VÀ ĐẦU TƯ", "SKHĐT", "Bắc Ninh",
     ("Sở Kế hoạch và Đầu tư tỉnh Bắc Ninh", "Ủy ban nhân dân tỉnh Bắc Ninh")),
    ("UỶ BAN NHÂN DÂN", "PHƯỜNG TRÀNG TIỀN", "UBND", "Hà Nội",
     ("Ủy ban nhân dân phường Tràng Tiền", None)),
    ("UBND THÀNH PHỐ HUẾ", "PHÒNG QUẢN LÝ ĐÔ THỊ", "QLĐT", "Huế",
     ("Phòng Quản lý đô thị thành phố Huế", "Ủy ban nhân dân thành phố Huế")),
    ("UỶ BAN NHÂN DÂN", "HUYỆN ĐÔNG ANH", "UBND", "Đông Anh",
     ("Ủy ban nhân dân huyện Đông Anh", None)),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE_M = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Công", "Xuân"]
MIDDLE_F = ["Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Kim", "Mỹ"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Hải", "Long", "Nam", "Phong", "Quân", "Sơn", "Tuấn",
           "Việt", "Khánh", "Thắng"]
GIVEN_F = ["Hà", "Hương", "Lan", "Mai", "Thảo", "Yến", "Trang", "Linh", "Nhung", "Phương"]
STREETS = ["phố Hàng Bông", "đường Trần Phú", "phố Lý Thường Kiệt", "đường Lê Lợi",
           "phố Tràng Tiền", "đường Nguyễn Văn Cừ", "đường Hùng Vương", "phố Đinh Tiên Hoàng"]
WARDS = ["phường Hàng Trống", "phường Bạch Đằng", "phường Hồng Gai", "phường Thạch Thang",
         "phường Tiền An", "phường Vĩnh Ninh", "xã Uy Nỗ", "phường Tràng Tiền"]
PROVINCES = ["001", "022", "027", "031", "038", "048", "046", "079", "036", "040"]
BUSINESSES = ["CỬA HÀNG TẠP HÓA AN BÌNH", "QUÁN CÀ PHÊ HOA SỮA", "TIỆM SỬA XE MINH PHÁT",
              "CỬA HÀNG VẬT LIỆU XÂY DỰNG HƯNG THỊNH", "NHÀ THUỐC TÂM AN"]
KINDS = ["decision", "notice", "certificate", "letter", "permit", "submission", "report",
         "conclusion"]


@dataclass
class Doc:
    """One page: header columns, title, body, signature block, and the expected fields."""
    key: str
    kind: str
    left: list          # (text, style) lines of the left header column
    right: list         # lines of the right header column
    title: list         # centred lines: type and summary
    body: list          # (text, style, align) lines, already wrapped
    foot_left: list
    foot_right: list
    fields: dict = field(default_factory=dict)
    number_gap: bool = False  # True: the number is blank in the text, handwritten in the gap

    @property
    def text(self):
        """The reference page text in reading order, lines joined by ``\\n``."""
        lines = [t for t, _ in self.left] + [t for t, _ in self.right]
        lines += [t for t, _ in self.title] + [t for t, _, _ in self.body]
        lines += [t for t, _ in self.foot_left] + [t for t, _ in self.foot_right if t]
        return "\n".join(lines)


def _font(style):
    return pymupdf.Font(fontfile=os.path.join(FONT_DIR, FONTS[style]))


@functools.lru_cache(maxsize=None)
def _fonts():
    return {k: _font(k) for k in FONTS}


def _wrap(text, style, size, width):
    font = _fonts()[style]
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if font.text_length(trial, size) > width and current:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


def _date_words(d):
    day = f"{d.day:02d}" if d.day < 10 else str(d.day)
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {day} tháng {month} năm {d.year}"


def _person(rng):
    female = rng.random() < 0.5
    name = " ".join([rng.choice(FAMILY), rng.choice(MIDDLE_F if female else MIDDLE_M),
                     rng.choice(GIVEN_F if female else GIVEN_M)])
    born = datetime.date(rng.randint(1955, 2004), rng.randint(1, 12), rng.randint(1, 28))
    century = 0 if born.year < 2000 else 2
    cccd = (rng.choice(PROVINCES) + str(century + female) + f"{born.year % 100:02d}"
            + "".join(str(rng.randint(0, 9)) for _ in range(6)))
    return {"name": name, "female": female, "born": born, "cccd": cccd,
            "title": "bà" if female else "ông"}


def _tax_code(rng):
    weights = (31, 29, 23, 19, 17, 13, 7, 5, 3)
    while True:
        head = f"{rng.randint(1, 96):02d}" + "".join(str(rng.randint(0, 9)) for _ in range(7))
        check = 10 - sum(w * int(d) for w, d in zip(weights, head)) % 11
        if check < 10:
            return head + str(check)


def _cap(text):
    return text[:1].upper() + text[1:]


def _body(kind, rng, person, tax, issue, issuer):
    """Paragraphs (text, style, align) and the extra expected fields of the body."""
    p = person
    born = p["born"].strftime("%d/%m/%Y")
    addr = f"số {rng.randint(1, 199)} {rng.choice(STREETS)}, {rng.choice(WARDS)}"
    titled = p["title"] + " " + p["name"]
    paras, taxes = [], []
    if kind == "decision":
        paras = [("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;", "I"),
                 ("Căn cứ Luật Xây dựng ngày 18 tháng 6 năm 2014 và các văn bản hướng dẫn thi "
                  "hành;", "I"),
                 (f"Xét đề nghị của Trưởng phòng Quản lý đô thị tại Tờ trình số "
                  f"{rng.randint(100, 400)}/TTr-QLĐT.", "I"),
                 ("QUYẾT ĐỊNH:", "C"),
                 (f"Điều 1. Cấp giấy phép cho {titled}, sinh ngày {born}, số định danh cá nhân "
                  f"{p['cccd']}, thường trú tại {addr}.", "R"),
                 ("Điều 2. Quyết định này có hiệu lực kể từ ngày ký.", "R"),
                 (f"Điều 3. Chánh Văn phòng, Trưởng phòng Quản lý đô thị và {titled} chịu "
                  "trách nhiệm thi hành Quyết định này./.", "R")]
    elif kind == "notice":
        paras = [(f"Ủy ban nhân dân thông báo kết quả giải quyết hồ sơ của {titled}, "
                  f"ngày sinh {born}, CCCD số {p['cccd']}, địa chỉ {addr}.", "R"),
                 ("Hồ sơ đã được giải quyết đúng hạn. Đề nghị công dân mang theo giấy hẹn "
                  "đến Bộ phận một cửa để nhận kết quả trong giờ hành chính.", "R"),
                 ("Mọi thắc mắc xin liên hệ Trung tâm Phục vụ hành chính công để được hướng "
                  "dẫn./.", "R")]
    elif kind == "certificate":
        taxes = [tax]
        paras = [(f"Mã số hộ kinh doanh: {tax}", "R"),
                 (f"Tên hộ kinh doanh: {rng.choice(BUSINESSES)}", "R"),
                 (f"Địa điểm kinh doanh: {addr}", "R"),
                 ("Ngành, nghề kinh doanh: Bán lẻ lương thực, thực phẩm, đồ uống.", "R"),
                 (f"Họ và tên chủ hộ: {p['name'].upper()}", "R"),
                 (f"Sinh ngày: {born}. Giới tính: {'Nữ' if p['female'] else 'Nam'}.", "R"),
                 (f"Số định danh cá nhân: {p['cccd']}", "R"),
                 (f"Nơi thường trú: {addr}.", "R")]
    elif kind == "letter":
        taxes = [tax]
        paras = [(f"Kính gửi: {_cap(titled)}", "C"),
                 (f"Ngày {_date_words(issue)[5:]}, {issuer} nhận được đơn của "
                  f"{titled} (CCCD số {p['cccd']}) đề nghị hướng dẫn thủ tục đăng ký "
                  f"thuế cho doanh nghiệp có mã số thuế {tax}.", "R"),
                 ("Sau khi xem xét, cơ quan trả lời như sau: hồ sơ đề nghị được nộp tại "
                  "Trung tâm Phục vụ hành chính công hoặc trên Cổng dịch vụ công quốc gia; "
                  "thời hạn giải quyết là 03 ngày làm việc.", "R"),
                 ("Trân trọng./.", "R")]
    elif kind == "permit":
        paras = [(f"Cấp cho: {_cap(titled)}", "R"),
                 (f"Số CCCD: {p['cccd']}; sinh ngày: {born}", "R"),
                 (f"Địa chỉ: {addr}", "R"),
                 (f"Được phép xây dựng công trình: nhà ở riêng lẻ, {rng.randint(2, 6)} tầng, "
                  f"diện tích xây dựng {rng.randint(40, 140)} m2.", "R"),
                 ("Giấy phép này có hiệu lực khởi công trong thời hạn 12 tháng kể từ ngày "
                  "cấp./.", "R")]
    elif kind == "submission":
        paras = [("Kính gửi: Ủy ban nhân dân cấp trên", "C"),
                 (f"Căn cứ đơn đề nghị của {titled}, sinh ngày {born}, CCCD số {p['cccd']};",
                  "R"),
                 ("Sau khi kiểm tra hồ sơ và hiện trạng sử dụng đất, cơ quan chuyên môn kính "
                  "trình xem xét, phê duyệt./.", "R")]
    elif kind == "report":
        total = rng.randint(900, 4000)
        paras = [(f"Trong kỳ báo cáo, đơn vị tiếp nhận {total} hồ sơ, trong đó "
                  f"{total * 4 // 5} hồ sơ trực tuyến; tỷ lệ giải quyết đúng hạn đạt "
                  f"{rng.randint(95, 99)},{rng.randint(0, 9)}%.", "R"),
                 ("Số hồ sơ được số hóa kết quả giải quyết đạt trên 90%; mức độ hài lòng "
                  "của người dân đạt 99%.", "R"),
                 ("Đơn vị tiếp tục rà soát, đơn giản hóa thủ tục hành chính trong kỳ tới./.",
                  "R")]
    else:  # conclusion
        paras = [("Thực hiện Quyết định thanh tra của Chánh Thanh tra, Đoàn thanh tra đã "
                  "tiến hành thanh tra việc quản lý, sử dụng đất đai.", "R"),
                 (f"Làm việc với {titled}, sinh ngày {born}, số định danh cá nhân {p['cccd']}, "
                  "Đoàn thanh tra kết luận như sau:", "R"),
                 ("Việc sử dụng đất cơ bản đúng mục đích; yêu cầu hoàn thiện hồ sơ trong thời "
                  "hạn 30 ngày./.", "R")]
    style_map = {"R": ("R", "L"), "I": ("I", "L"), "C": ("B", "C")}
    lines = []
    for text, code in paras:
        style, align = style_map[code]
        width = BODY_X1 - BODY_X0 if align == "L" else 400
        lines += [(line, style, align) for line in _wrap(text, style, 12, width)]
    expected = {"citizen_ids": [p["cccd"]], "tax_codes": taxes, "person_names": [p["name"]],
                "birth_dates": [p["born"].isoformat()]}
    if kind == "report":
        expected = {"citizen_ids": [], "tax_codes": [], "person_names": [], "birth_dates": []}
    if kind == "letter":
        expected["birth_dates"] = []
    return lines, expected


TITLES = {
    "decision": ("QUYẾT ĐỊNH", "QĐ", ["Về việc cấp giấy phép xây dựng",
                                       "Về việc phê duyệt kết quả giải quyết hồ sơ",
                                       "Về việc công nhận kết quả hòa giải ở cơ sở"]),
    "notice": ("THÔNG BÁO", "TB", ["Kết quả giải quyết thủ tục hành chính",
                                   "Về việc tiếp nhận hồ sơ trực tuyến"]),
    "certificate": ("GIẤY CHỨNG NHẬN", "GCN", ["Đăng ký hộ kinh doanh"]),
    "letter": ("CÔNG VĂN", None, ["V/v hướng dẫn thủ tục đăng ký thuế",
                                  "V/v trả lời đơn của công dân"]),
    "permit": ("GIẤY PHÉP", "GPXD", ["Sử dụng cho nhà ở riêng lẻ"]),
    "submission": ("TỜ TRÌNH", "TTr", ["Về việc đề nghị cấp giấy chứng nhận quyền sử dụng đất"]),
    "report": ("BÁO CÁO", "BC", ["Kết quả giải quyết thủ tục hành chính quý III năm 2025"]),
    "conclusion": ("KẾT LUẬN", "KL", ["Thanh tra việc quản lý, sử dụng đất đai"]),
}
SIGNERS = {"UBND": ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), "STP": ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
           "SXD": ("GIÁM ĐỐC", ""), "SKHĐT": ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
           "QLĐT": ("TRƯỞNG PHÒNG", "")}


def _document(index, rng):
    kind = KINDS[index % len(KINDS)]
    parent, body, suffix, place, (issuer, issuer_parent) = ISSUERS[
        (index * 3 + index // 8) % len(ISSUERS)]
    issue = datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randint(0, 1150))
    type_name, abbr, summaries = TITLES[kind]
    summary = rng.choice(summaries)
    serial = rng.randint(1, 999)
    serial = f"{serial:02d}" if serial < 10 else str(serial)
    if kind == "letter":
        number = f"{serial}/{suffix}-VP"
    elif kind == "permit":
        number = f"{serial}/{abbr}"
    elif kind == "decision" and rng.random() < 0.4:
        number = f"{serial}/{issue.year}/{abbr}-{suffix}"
    else:
        number = f"{serial}/{abbr}-{suffix}"
    person = _person(rng)
    tax = _tax_code(rng)
    left = [(parent, "R"), (body, "B"), (f"Số: {number}", "R")]
    if kind == "letter":
        left.append((summary, "R"))
        title = []
    else:
        title = [(type_name if kind != "permit" else "GIẤY PHÉP XÂY DỰNG", "B")]
        title += [(line, "B") for line in _wrap(summary, "B", 12, 420)]
    right = [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B"), ("Độc lập - Tự do - Hạnh phúc", "B"),
             (f"{place}, {_date_words(issue)}", "I")]
    lines, expected = _body(kind, rng, person, tax, issue, body.capitalize())
    signer = " ".join([rng.choice(FAMILY), rng.choice(MIDDLE_M + MIDDLE_F),
                       rng.choice(GIVEN_M + GIVEN_F)])
    role = SIGNERS[suffix]
    foot_right = [(role[0], "B")] + ([(role[1], "B")] if role[1] else []) + [(signer, "B")]
    foot_left = [("Nơi nhận:", "BI"), ("- Như trên;", "R"), ("- Lưu: VT.", "R")]
    fields = {"number_symbol": number, "doc_type": type_name, "issuer": issuer,
              "issuer_parent": issuer_parent,
              "issue_date": issue.isoformat(), "place": place,
              "summary": summary[4:] if kind == "letter" else summary, **expected}
    return Doc(key=f"doc{index:02d}-{kind}", kind=kind, left=left, right=right, title=title,
               body=lines, foot_left=foot_left, foot_right=foot_right, fields=fields)


@functools.lru_cache(maxsize=None)
def documents(n=N_DOCS, seed=SEED):
    """``n`` documents, the same for the same seed."""
    rng = random.Random(seed)
    return tuple(_document(i, rng) for i in range(n))


# --- drawing a page ---------------------------------------------------------------------------


def _put(page, text, style, size, y, center=None, x=None):
    font = _fonts()[style]
    if center is not None:
        x = center - font.text_length(text, size) / 2
    page.insert_text((x, y), text, fontsize=size, fontname=f"dv{style}",
                     fontfile=os.path.join(FONT_DIR, FONTS[style]))
    return pymupdf.Rect(x, y - size * 0.95, x + font.text_length(text, size), y + size * 0.3)


def draw_page(page, doc, blank_number=False, blank_day=False):
    """Draw ``doc`` on a PyMuPDF page; returns the rectangles worth decorating
    (``"number_gap"`` where a blank number goes, ``"day_gap"`` a blank day of the
    place-and-date line, ``"signature"`` the signer block)."""
    boxes = {}
    y = 60.0
    for i, (text, style) in enumerate(doc.left):
        if blank_number and text.startswith("Số: "):
            number = text[len("Số: "):]
            rest = number[number.index("/"):]
            prefix = "Số:"
            gap = "            "
            r = _put(page, f"{prefix}{gap}{rest}", style, 10.5, y + i * 15, center=LEFT_CENTER)
            font = _fonts()[style]
            x_gap = r.x0 + font.text_length(prefix + " ", 10.5)
            boxes["number_gap"] = pymupdf.Rect(x_gap, r.y0 - 2,
                                               x_gap + font.text_length(gap, 10.5), r.y1 + 2)
            continue
        _put(page, text, style, 10.5, y + i * 15, center=LEFT_CENTER)
        if i == 1:
            page.draw_line((LEFT_CENTER - 30, y + i * 15 + 5), (LEFT_CENTER + 30, y + i * 15 + 5),
                           width=0.6)
    for i, (text, style) in enumerate(doc.right):
        if blank_day and i == 2:
            # "Hà Nội, ngày      tháng 02 năm 2026": the day is written by hand at signing
            head, tail = text.split(" ngày ", 1)
            tail = tail.split(" ", 1)[1]
            prefix, gap = f"{head} ngày", "          "
            r = _put(page, f"{prefix}{gap}{tail}", style, 10.5, y + i * 15,
                     center=RIGHT_CENTER)
            font = _fonts()[style]
            x_gap = r.x0 + font.text_length(prefix + " ", 10.5)
            boxes["day_gap"] = pymupdf.Rect(x_gap, r.y0 - 2,
                                            x_gap + font.text_length(gap, 10.5) - 3, r.y1 + 2)
            continue
        _put(page, text, style, 10 if i < 2 else 10.5, y + i * 15, center=RIGHT_CENTER)
        if i == 1:
            page.draw_line((RIGHT_CENTER - 70, y + i * 15 + 5),
                           (RIGHT_CENTER + 70, y + i * 15 + 5), width=0.6)
    y += max(len(doc.left), len(doc.right)) * 15 + 28
    for i, (text, style) in enumerate(doc.title):
        _put(page, text, style, 13 if i == 0 else 12, y, center=PAGE_W / 2)
        y += 19
    y += 14
    for text, style, align in doc.body:
        if align == "C":
            _put(page, text, style, 12, y, center=PAGE_W / 2)
        else:
            _put(page, text, style, 12, y, x=BODY_X0)
        y += 18
    y += 24
    top = y
    for i, (text, style) in enumerate(doc.foot_left):
        _put(page, text, style, 10 if i else 11, y + i * 15, x=BODY_X0)
    for i, (text, style) in enumerate(doc.foot_right):
        last = i == len(doc.foot_right) - 1
        yy = y + i * 16 + (62 if last else 0)
        r = _put(page, text, style, 11.5, yy, center=RIGHT_CENTER)
    boxes["signature"] = pymupdf.Rect(RIGHT_CENTER - 80, top - 12, RIGHT_CENTER + 80, r.y1)
    return boxes


def born_digital_bytes(docs, blank_number=False, blank_day=False, esign=False):
    """A born-digital PDF of ``docs`` (one page each); ``blank_number``/``blank_day``: that
    part of the header is blank in the text and handwritten (an image) in the gap; ``esign``:
    a visible e-signature box (text in the page) over the signature block."""
    out = pymupdf.open()
    for doc in docs:
        page = out.new_page(width=PAGE_W, height=PAGE_H)
        boxes = draw_page(page, doc, blank_number=blank_number, blank_day=blank_day)
        if blank_number:
            _handwritten_number(page, boxes["number_gap"], doc.fields["number_symbol"])
        if blank_day:
            day = str(int(doc.fields["issue_date"][8:]))
            _handwritten_number(page, boxes["day_gap"], day + "/")
        if esign:
            _esign_box(page, boxes["signature"], doc)
    out.subset_fonts()
    data = out.tobytes(garbage=3, deflate=True)
    out.close()
    return data


def _handwritten_number(page, gap, number_symbol):
    """Draw the number, blue and slanted, as an image in the gap (a pen at signing)."""
    number = number_symbol.split("/")[0]
    font = ImageFont.truetype(os.path.join(FONT_DIR, FONTS["I"]), 64)
    image = Image.new("RGBA", (60 + 44 * len(number), 110), (255, 255, 255, 0))
    ImageDraw.Draw(image).text((20, 12), number, font=font, fill=(20, 40, 170, 255))
    image = image.rotate(4, resample=Image.Resampling.BICUBIC, expand=True)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    height = gap.height * 1.45
    width = height * image.width / image.height
    x0 = gap.x0 + max(0.0, (gap.width - width) / 2)
    y0 = gap.y0 - gap.height * 0.3
    rect = pymupdf.Rect(x0, y0, x0 + width, y0 + height)
    page.insert_image(rect, stream=buf.getvalue(), keep_proportion=True, overlay=True)


def _esign_box(page, signature, doc):
    """A visible e-signature stamp: a framed box of text over the signer block, as signing
    tools add it (the text is in the page's text layer, after the document's own text)."""
    rect = pymupdf.Rect(signature.x0 - 10, signature.y0 + 18, signature.x1 + 30,
                        signature.y0 + 72)
    page.draw_rect(rect, color=(0.8, 0.1, 0.1), width=0.8)
    organisation = doc.fields["issuer_parent"] or doc.fields["issuer"]
    domain = strip_marks(doc.fields["place"]).lower().replace(" ", "")
    text = (f"Ký bởi: {organisation}\nEmail: vanthu@{domain}.gov.vn\n"
            "Thời gian ký: 05.02.2026 10:20:11 +07:00")
    page.insert_textbox(rect + (4, 3, -4, -3), text, fontsize=7.5, fontname="dvR",
                        color=(0.8, 0.1, 0.1), fontfile=os.path.join(FONT_DIR, FONTS["R"]))


# --- scanning ---------------------------------------------------------------------------------


def _seal(size, rng):
    """A red round seal: two rings, a star and a ring of letters."""
    seal = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(seal)
    red = (205, 30, 35, 210)
    draw.ellipse((4, 4, size - 4, size - 4), outline=red, width=9)
    draw.ellipse((52, 52, size - 52, size - 52), outline=red, width=5)
    cx = cy = size / 2
    star = [(cx + (60 if k % 2 == 0 else 24) * math.sin(k * math.pi / 5),
             cy - (60 if k % 2 == 0 else 24) * math.cos(k * math.pi / 5)) for k in range(10)]
    draw.polygon(star, fill=red)
    font = ImageFont.truetype(os.path.join(FONT_DIR, FONTS["B"]), 26)
    text = "ỦY BAN NHÂN DÂN * " * 2
    for k, ch in enumerate(text):
        angle = 2 * math.pi * k / len(text)
        x = cx + (size / 2 - 32) * math.sin(angle) - 9
        y = cy - (size / 2 - 32) * math.cos(angle) - 14
        draw.text((x, y), ch, font=font, fill=red)
    return seal.rotate(rng.uniform(0, 360), resample=Image.Resampling.BICUBIC)


def seeded_noise(size, sigma, seed):
    """Grey Gaussian noise around 128 (an L image), the same for the same ``seed``.

    NB: not Pillow's ``effect_noise``, which draws from C's ``rand()``: each process made
    another scan, and a test on it passed or failed by luck (776 read 76)."""
    values = numpy.random.default_rng(seed).normal(128, sigma, (size[1], size[0]))
    return Image.fromarray(values.clip(0, 255).astype(numpy.uint8), "L")


def scan_image(doc, seed, *, grey=False, angle=None):
    """A 300-dpi scan of ``doc``: seal, signature stroke, rotation, blur, noise (PIL RGB/L).

    ``angle`` (degrees, counter-clockwise) replaces the usual 0.3-1 degree rotation."""
    rng = random.Random(seed)
    tmp = pymupdf.open()
    page = tmp.new_page(width=PAGE_W, height=PAGE_H)
    boxes = draw_page(page, doc)
    pix = page.get_pixmap(dpi=DPI, alpha=False)
    image = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
    tmp.close()
    k = DPI / 72.0
    sig = boxes["signature"]
    # a blue pen stroke between the title of the signer and the name
    draw = ImageDraw.Draw(image)
    x0, y0 = (sig.x0 + 40) * k, (sig.y1 - 52) * k
    points = [(x0 + t * 9, y0 + 28 * math.sin(t / 3.0) + rng.uniform(-4, 4)) for t in range(40)]
    draw.line(points, fill=(25, 45, 150), width=5)
    seal = _seal(480, rng)
    image.paste(seal, (int((sig.x0 - 10) * k), int((sig.y0 - 4) * k)), seal)
    random_angle = rng.uniform(0.3, 1.0) * rng.choice((-1, 1))
    angle = random_angle if angle is None else angle
    image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=(255, 255, 255))
    image = image.filter(ImageFilter.GaussianBlur(0.7))
    noise = seeded_noise(image.size, 16, seed).convert("RGB")
    image = ImageChops.add(image, noise, scale=1.0, offset=-128)
    draw = ImageDraw.Draw(image)
    for _ in range(400):
        x, y = rng.randrange(image.width), rng.randrange(image.height)
        r = rng.choice((1, 1, 2))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(60, 60, 60))
    image.info["dpi"] = (DPI, DPI)
    return image.convert("L") if grey else image


def low_dpi(image, dpi):
    """A 300-dpi scan as the scanner would have made it at ``dpi`` (resampled, softer)."""
    size = (round(image.width * dpi / DPI), round(image.height * dpi / DPI))
    out = image.resize(size, Image.Resampling.LANCZOS)
    out.info["dpi"] = (dpi, dpi)
    return out


def phone_photo(image, seed):
    """A phone photo of a page: perspective (the phone not parallel to the desk), uneven
    light (a gradient from one corner), a grey desk around the paper, 12 Mpx-ish JPEG."""
    rng = random.Random(seed)
    w, h = image.size
    margin = 0.06
    out_w, out_h = round(w * (1 + 2 * margin)), round(h * (1 + 2 * margin))

    def jitter():
        return rng.uniform(-0.025, 0.025)
    # page corners in the photo (tl, tr, br, bl), as fractions of the photo
    corners = [(margin + jitter(), margin + jitter()), (1 - margin + jitter(), margin + jitter()),
               (1 - margin + jitter(), 1 - margin + jitter()),
               (margin + jitter(), 1 - margin + jitter())]
    dst = [(x * out_w, y * out_h) for x, y in corners]
    src = [(0, 0), (w, 0), (w, h), (0, h)]
    coeffs = _perspective_coeffs(dst, src)
    page = image.convert("RGB")
    photo = page.transform((out_w, out_h), Image.Transform.PERSPECTIVE, coeffs,
                           Image.Resampling.BICUBIC, fillcolor=(95, 90, 80))
    # light falls off from one corner: multiply by a gradient (1.0 -> ~0.6)
    gradient = Image.linear_gradient("L").rotate(rng.choice((45, 135, 225, 315)), expand=True)
    side = gradient.width
    gradient = gradient.crop((side // 4, side // 4, side - side // 4, side - side // 4))
    gradient = gradient.resize((out_w, out_h)).point(lambda v: 255 - int(v * 0.4))
    shade = Image.merge("RGB", (gradient, gradient, gradient))
    photo = ImageChops.multiply(photo, shade).filter(ImageFilter.GaussianBlur(0.9))
    photo.info["dpi"] = (72, 72)  # what phones write
    return photo


def _perspective_coeffs(dst, src):
    """The 8 coefficients PIL's PERSPECTIVE transform needs to map ``dst`` points (in the
    output) to ``src`` points (in the input)."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    # Gaussian elimination on the 8x8 system (no numpy needed).
    n = 8
    m = [r + [b] for r, b in zip(rows, rhs)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c:
                f = m[r][c] / m[c][c]
                m[r] = [a - f * b for a, b in zip(m[r], m[c])]
    return [m[i][n] / m[i][i] for i in range(n)]


def _jpeg(image, quality=82):
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=quality, dpi=(DPI, DPI))
    return buf.getvalue()


def image_pdf_bytes(images, text_layers=None):
    """An image-only PDF (one JPEG per page), optionally with a text layer per page: a list of
    ``(text, visible)`` or ``None``."""
    out = pymupdf.open()
    for i, image in enumerate(images):
        page = out.new_page(width=PAGE_W, height=PAGE_H)
        page.insert_image(page.rect, stream=_jpeg(image))
        layer = text_layers[i] if text_layers else None
        if layer:
            text, visible = layer
            if visible:  # an e-signature box in a corner
                rect = pymupdf.Rect(360, 700, 570, 760)
                page.draw_rect(rect, color=(0.1, 0.5, 0.1), width=0.8)
                page.insert_textbox(rect + (4, 4, -4, -4), text, fontsize=7,
                                    fontname="dvR", color=(0.1, 0.5, 0.1),
                                    fontfile=os.path.join(FONT_DIR, FONTS["R"]))
            else:  # an OCR sandwich that lost its diacritics
                y = 70
                for line in text.splitlines():
                    page.insert_text((62, y), line, fontsize=10, render_mode=3)
                    y += 15
    out.subset_fonts()
    data = out.tobytes(garbage=3, deflate=True)
    out.close()
    return data


def garbage_layer(text, seed):
    """What a poor OCR layer looks like: no diacritics and some letters confused."""
    rng = random.Random(seed)
    swaps = {"o": "0", "l": "1", "e": "c", "n": "ri", "m": "rn"}
    out = []
    for ch in strip_marks(text):
        out.append(swaps[ch] if ch in swaps and rng.random() < 0.15 else ch)
    return "".join(out)


SIGNATURE_TEXT = ("Ký bởi: Ủy ban nhân dân\nEmail: vanthu@hanoi.gov.vn\n"
                  "Thời gian ký: 05.02.2026 10:20:11 +07:00")


# --- bad inputs ----------------------------------------------------------------------------


def encrypted_pdf_bytes():
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "secret")
    data = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="o", user_pw="u")
    doc.close()
    return data


def corrupt_pdf_bytes():
    data = born_digital_bytes(documents()[:1])
    return data[:400] + b"\x00garbage\x00" * 50


def zero_page_pdf_bytes():
    """A syntactically valid PDF whose page tree is empty."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1,
                                                                               xref)
    return out


def bomb_png_bytes(width=40000, height=40000):
    """A tiny PNG that claims ``width`` x ``height`` pixels (1.6 Gpx by default)."""
    def chunk(tag, data):
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))
    row = b"\x00" + b"\x00" * (width // 8)
    raw = zlib.compress(row * 64, 9)  # truncated on purpose: the header is what matters
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0,
                                                              0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def many_pages_pdf_bytes(n):
    doc = pymupdf.open()
    for i in range(n):
        doc.new_page(width=200, height=200).insert_text((20, 40), f"Trang {i + 1}")
    data = doc.tobytes()
    doc.close()
    return data


# --- the cache ------------------------------------------------------------------------------


class Fixtures:
    """Files made from :func:`documents`, built on first use under ``root``."""

    def __init__(self, root=None):
        root = root or os.environ.get("RECORDS_DOCGEN_DIR") or os.path.join(
            tempfile.gettempdir(), f"records-docgen-{VERSION}")
        self.root = root
        os.makedirs(root, exist_ok=True)
        self.docs = documents()

    def _file(self, name, make):
        path = os.path.join(self.root, name)
        if not os.path.exists(path):
            tmp = f"{path}.{os.getpid()}.tmp"
            data = make()
            if isinstance(data, bytes):
                with open(tmp, "wb") as f:
                    f.write(data)
            else:
                data(tmp)
            os.replace(tmp, path)  # atomic: parallel test processes may race
        return path

    def scan(self, i, grey=False):
        """The scan image of document ``i`` (cached as PNG)."""
        path = self._file(f"scan-{i:02d}{'-grey' if grey else ''}.png",
                          lambda: lambda p: scan_image(self.docs[i], SEED + i, grey=grey)
                          .save(p, format="PNG", dpi=(DPI, DPI)))
        return path

    def born_digital(self, indices=(0,)):
        indices = tuple(indices)
        name = "born-" + "-".join(map(str, indices)) if len(indices) < 6 else \
            f"born-{indices[0]}-to-{indices[-1]}-{len(indices)}"
        return self._file(f"{name}.pdf",
                          lambda: born_digital_bytes([self.docs[i] for i in indices]))

    def born_digital_repeated(self, n):
        """``n`` born-digital pages cycling through the documents."""
        return self._file(f"born-repeated-{n}.pdf", lambda: born_digital_bytes(
            [self.docs[i % len(self.docs)] for i in range(n)]))

    def scan_png(self, i):
        return self.scan(i)

    def scan_pdf(self, indices):
        indices = tuple(indices)
        name = f"scan-{indices[0]}-to-{indices[-1]}-{len(indices)}.pdf"
        return self._file(name, lambda: image_pdf_bytes(
            [Image.open(self.scan(i)) for i in indices]))

    def scan_tiff(self, indices):
        indices = tuple(indices)

        def make(path):
            frames = [Image.open(self.scan(i, grey=True)) for i in indices]
            frames[0].save(path, format="TIFF", save_all=True, append_images=frames[1:],
                           compression="tiff_deflate", dpi=(DPI, DPI))
        return self._file(f"scan-{'-'.join(map(str, indices))}.tif", lambda: make)

    VARIANTS = ("dpi150", "dpi200", "skew3", "photo", "grey-tiff", "esign", "hand-day")

    def variant(self, name, i):
        """Document ``i`` as one of the troubled inputs of :data:`VARIANTS`: a 150/200-dpi
        scan, a scan skewed 2-3 degrees, a JPEG phone photo (perspective, uneven light), a
        grey TIFF scan (the seal grey too), a born-digital PDF with a visible e-signature
        box, a born-digital PDF whose day in "ngày .. tháng .." is handwritten."""
        doc, seed = self.docs[i], SEED + i
        if name in ("dpi150", "dpi200"):
            dpi = int(name[3:])
            return self._file(f"scan-{i:02d}-{name}.png", lambda: lambda p: low_dpi(
                Image.open(self.scan(i)), dpi).save(p, format="PNG", dpi=(dpi, dpi)))
        if name == "skew3":
            angle = random.Random(seed).uniform(2.0, 3.0) * (1 if i % 2 else -1)
            return self._file(f"scan-{i:02d}-skew3.png", lambda: lambda p: scan_image(
                doc, seed, angle=angle).save(p, format="PNG", dpi=(DPI, DPI)))
        if name == "photo":
            return self._file(f"photo-{i:02d}.jpg", lambda: lambda p: phone_photo(
                Image.open(self.scan(i)), seed).save(p, format="JPEG", quality=80,
                                                     dpi=(72, 72)))
        if name == "grey-tiff":
            return self.scan_tiff([i])
        if name == "esign":
            return self._file(f"esign-{i:02d}.pdf", lambda: born_digital_bytes([doc], esign=True))
        if name == "hand-day":
            return self._file(f"hand-day-{i:02d}.pdf",
                              lambda: born_digital_bytes([doc], blank_day=True))
        raise KeyError(name)

    def blank_number_pdf(self, i):
        return self._file(f"blank-number-{i:02d}.pdf",
                          lambda: born_digital_bytes([self.docs[i]], blank_number=True))

    def garbage_layer_pdf(self, i):
        return self._file(f"garbage-layer-{i:02d}.pdf", lambda: image_pdf_bytes(
            [Image.open(self.scan(i))], [(garbage_layer(self.docs[i].text, i), False)]))

    def signature_overlay_pdf(self, i):
        return self._file(f"signature-overlay-{i:02d}.pdf", lambda: image_pdf_bytes(
            [Image.open(self.scan(i))], [(SIGNATURE_TEXT, True)]))

    def blank_scan_png(self):
        def make(path):
            image = Image.new("L", (2480, 3508), 250)
            noise = seeded_noise(image.size, 6, 0).point(lambda v: 255 if v > 120 else 235)
            ImageChops.darker(image, noise).save(path, format="PNG", dpi=(DPI, DPI))
        return self._file("blank-scan.png", lambda: make)

    def encrypted_pdf(self):
        return self._file("encrypted.pdf", encrypted_pdf_bytes)

    def corrupt_pdf(self):
        return self._file("corrupt.pdf", corrupt_pdf_bytes)

    def zero_page_pdf(self):
        return self._file("zero-pages.pdf", zero_page_pdf_bytes)

    def bomb_png(self):
        return self._file("bomb.png", bomb_png_bytes)

    def many_pages_pdf(self, n):
        return self._file(f"pages-{n}.pdf", lambda: many_pages_pdf_bytes(n))

    def text_file(self):
        return self._file("notes.txt", lambda: "Đây không phải là tệp ảnh.\n".encode())


if __name__ == "__main__":
    fx = Fixtures()
    fx.born_digital(range(len(fx.docs)))
    fx.scan_pdf(range(len(fx.docs)))
    print(fx.root)
