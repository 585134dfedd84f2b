"""The receipt (Giấy tiếp nhận hồ sơ và hẹn trả kết quả), printed at intake as a PDF."""
import pymupdf

from records.printing.pdf import heading, qr_png, text, text_box

A4 = pymupdf.paper_rect("a4")


def lookup_url(public_url, code):
    # NB: the code alone is not personal data and is useless without the PIN.
    return f"{public_url.rstrip('/')}/lookup?code={code}"


def render_receipt(dossier, procedure, unit, pin, public_url):
    """PDF bytes: who received what, when, the code (as text and QR), the PIN, the due date."""
    doc = pymupdf.open()
    page = doc.new_page(width=A4.width, height=A4.height)
    heading(page, unit.name)
    text_box(page, (40, 110, 560, 160), "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", size=15,
             bold=True, align=1)
    applicant = dossier.applicant
    id_label = "Số CCCD/CMND" if applicant.get("kind") == "person" else "Mã số thuế"
    lines = [
        f"Mã hồ sơ: {dossier.code}",
        f"Mã tra cứu (PIN): {pin}",
        f"Thủ tục: {procedure.code} - {procedure.name}",
        f"Lĩnh vực: {procedure.field}",
        f"Người nộp: {applicant.get('name', '')}",
        f"{id_label}: {applicant.get('id_number', '')}",
        f"Địa chỉ: {applicant.get('address', '')}",
        f"Nơi tiếp nhận: {unit.name} ({unit.identifier})",
        f"Ngày tiếp nhận: {dossier.received_at:%H:%M ngày %d/%m/%Y}",
        f"Thời hạn giải quyết: {procedure.days} ngày làm việc",
        f"Ngày hẹn trả kết quả: {dossier.due_at:%d/%m/%Y}",
        "Thành phần hồ sơ:",
    ]
    for component in dossier.ordered_components():
        count = len(component.versions)
        lines.append(f"  - {component.name}: {count} tệp" if count else f"  - {component.name}")
    y = 190
    for line in lines:
        text(page, (50, y), line, size=11)
        y += 18
    page.insert_image(pymupdf.Rect(430, 180, 550, 300), stream=qr_png(lookup_url(public_url, dossier.code)))
    text_box(page, (400, 300, 580, 330), "Quét mã để tra cứu hồ sơ", size=8, align=1)
    y += 20
    text_box(page, (50, y, 560, y + 60),
             "Tra cứu tình trạng hồ sơ tại " + public_url.rstrip("/") + "/lookup bằng mã hồ sơ "
             "và mã tra cứu (PIN) in trên giấy này. Giữ kín mã tra cứu.", size=10)
    text_box(page, (330, y + 80, 560, y + 110), "CÁN BỘ TIẾP NHẬN", size=10, bold=True, align=1)
    text_box(page, (330, y + 110, 560, y + 130), dossier.received_by, size=10, align=1)
    doc.subset_fonts()
    data = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return data
