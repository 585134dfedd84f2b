"""The signature check of a received PDF end to end: intake → Redis → a real Celery worker
(the read task queues the check) → the status beside the version, through the API."""
import pytest

from tests.integration.helpers import readings, upload
from tests.rig.worker import wait_for
from tests.samples import realdoc

pytestmark = [pytest.mark.signing, pytest.mark.integration]


def test_a_worker_records_the_signatures_of_a_received_pdf(api, stack):  # noqa: F811
    data = realdoc("sA13_ttg_999-QD-TTg_2024.pdf")
    code = upload(api, [("quyet-dinh.pdf", data)])

    def checked():
        version, = readings(api, code)
        return version["signatures"]
    status = wait_for(checked, timeout=120, interval=0.5, message="the signature check")
    assert status["state"] == "done" and status["signed"] == 1 and status["intact"]
    sig, = status["signatures"]
    assert sig["signer"] == "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ"
    assert sig["issuer"] == "CA phục vụ các cơ quan Nhà nước G2"
    assert sig["trusted"] is False
