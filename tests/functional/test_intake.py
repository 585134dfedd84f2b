"""Receiving a dossier at any branch: code, PIN, receipt, due date, components."""
import datetime
import threading

import pymupdf
import pytest
from webtest import TestApp, Upload

from records.calendar import default_calendar
from tests.conftest import BRANCH1, BRANCH2, login
from tests.functional.helpers import CODE, intake_form, receive
from tests.samples import page_text, pdf_bytes, png_bytes

pytestmark = pytest.mark.foundation
BOTH_STORES = True


def test_receiving_officer_receives_a_dossier_with_code_pin_and_receipt(web, officers, portal):
    login(web, "recv1")
    response, code, pin = receive(web, files={
        "file.application": ("to-khai.pdf", pdf_bytes("Tờ khai")),
        "file.birth-notice": ("giay-chung-sinh.jpg", png_bytes()),  # named .jpg, is a PNG
    })
    assert CODE.fullmatch(code) and code.startswith(BRANCH1 + "-")
    today = datetime.date.today()
    assert code.split("-")[1] in {today.strftime("%y%m%d"),
                                  (today + datetime.timedelta(days=1)).strftime("%y%m%d")}
    assert len(pin) == 8 and pin.isalnum()

    receipt = response.click(href=r"/file/")
    assert receipt.content_type == "application/pdf"
    text = page_text(receipt.body)
    assert code in text and pin in text and "Nguyễn Văn An" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    with pymupdf.open(stream=receipt.body, filetype="pdf") as doc:
        assert doc[0].get_images(), "the receipt carries the code as a QR image"

    with portal() as p:
        dossier = p.dossiers[code]
        assert dossier.state == "received"
        assert dossier.applicant["name"] == "Nguyễn Văn An"
        assert dossier.pin_hash != pin and pin not in dossier.pin_hash
        birth = dossier.components["birth-notice"].versions[0]
        assert birth.media_type == "image/png"  # from the content, not the name
        assert birth.filename == "giay-chung-sinh.jpg"
        assert birth.uploaded_by == "recv1" and birth.size == len(png_bytes())
        expected_due = default_calendar().add_working_days(dossier.received_at.date(), 1)
        assert dossier.due_at == expected_due
        assert [h["action"] for h in dossier.history] == ["receive"]
        assert "missing at intake" in dossier.history[0]["note"]  # CCCD copy not uploaded


def test_any_branch_receives_any_procedure_whatever_the_address(web, officers, portal):
    login(web, "recv2")
    _, code, _ = receive(web, procedure="1.009994",
                         files={"file.application": ("don.pdf", pdf_bytes("Đơn"))},
                         **{"applicant.address": "Xã Yên Bình, Thạch Thất"})
    assert code.startswith(BRANCH2 + "-")
    with portal() as p:
        assert p.dossiers[code].due_at == default_calendar().add_working_days(
            p.dossiers[code].received_at.date(), 15)


def test_business_applicant_with_tax_code(web, officers, portal):
    login(web, "recv1")
    _, code, _ = receive(web, procedure="2.000575", **{
        "applicant.kind": "business", "applicant.name": "Hộ kinh doanh Bánh mì Hội An",
        "applicant.id_number": "0101234567-001"})
    with portal() as p:
        assert p.dossiers[code].applicant["id_number"] == "0101234567-001"


def test_codes_are_sequential_per_unit_and_day(web, officers):
    login(web, "recv1")
    codes = [receive(web)[1] for _ in range(3)]
    assert [int(c[-4:]) for c in codes] == [1, 2, 3]


def test_two_officers_receiving_at_the_same_instant_get_distinct_codes(wsgi, officers, portal):
    apps = [TestApp(wsgi) for _ in range(4)]
    for app in apps:
        login(app, "recv1")
    forms = [intake_form(app) for app in apps]
    for form in forms:
        form["file.application"] = [Upload("a.pdf", pdf_bytes())]
    barrier = threading.Barrier(len(forms))
    codes, errors = [], []

    def submit(form):
        barrier.wait()
        try:
            codes.append(CODE.search(form.submit(status=201).text).group(0))
        except Exception as e:  # collected, asserted below
            errors.append(str(e).split('role="alert">')[-1][:300])

    threads = [threading.Thread(target=submit, args=(f,)) for f in forms]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(codes)) == 4
    with portal() as p:
        assert len(p.dossiers) == 4


def test_two_transactions_taking_a_number_at_once_both_commit_with_distinct_codes(wsgi, db):
    """The day's number is taken outside the store (records.numbering): two transactions
    issuing a code at once get different ones, and neither conflicts on commit."""
    import transaction
    from records.intake.receive import issue_code
    from records.store import get_portal
    numbers = wsgi.registry.numbers
    now = datetime.datetime(2026, 3, 2, 9, 0)
    tm1, tm2 = transaction.TransactionManager(), transaction.TransactionManager()
    c1, c2 = db.open(transaction_manager=tm1), db.open(transaction_manager=tm2)
    tm1.begin()
    tm2.begin()
    a = issue_code(numbers, get_portal(c1.root()), BRANCH1, now)
    b = issue_code(numbers, get_portal(c2.root()), BRANCH1, now)
    assert a.endswith("-0001") and b.endswith("-0002")
    tm1.commit()
    tm2.commit()  # no counter in the store: nothing to conflict on
    c1.close()
    c2.close()


def test_a_number_the_store_gave_out_is_never_given_again(wsgi, portal):
    """Numbers taken by the store's own counters (before this allocator, or by the data
    generator) are a floor; a code already in the store is skipped."""
    from records.intake.receive import issue_code
    from records.resources.dossiers import Dossier
    now = datetime.datetime(2026, 3, 3, 9, 0)
    with portal() as p:
        for _ in range(3):
            p.sequences.next(f"{BRANCH1}-260303")
        assert issue_code(wsgi.registry.numbers, p, BRANCH1, now).endswith("-0004")
        taken = f"{BRANCH1}-260303-0005"
        p.dossiers.add(taken, Dossier(taken, "1.001193", {"name": "x"}, "online", BRANCH1,
                                      now, "recv1", now.date(), "x"))
        assert issue_code(wsgi.registry.numbers, p, BRANCH1, now).endswith("-0006")
