"""The reading pipeline end to end: intake → Redis → real Celery workers → the store."""

import pymupdf
import pytest

from tests import docgen
from tests.conftest import portal_of
from tests.rig.worker import WorkerProcess, wait_for

from tests.integration.helpers import readings, upload  # noqa: F401

pytestmark = [pytest.mark.digitization, pytest.mark.integration]


@pytest.fixture(scope="module")
def fixtures():
    return docgen.Fixtures()










def wait_read(api, code, stack, timeout=240):
    def settled():
        versions = readings(api, code)
        if all(v["reading"]["state"] in ("done", "failed") for v in versions):
            return versions
        if stack["worker"].process is not None and stack["worker"].process.poll() is not None:
            raise AssertionError("worker died:\n" + stack["worker"].tail())
        return None
    try:
        return wait_for(settled, timeout=timeout, interval=0.5, message="reading to settle")
    except AssertionError:
        raise AssertionError("reading did not settle; worker log:\n" + stack["worker"].tail())


def reading_of(stack, file_id):
    with portal_of(stack["wsgi"].registry.zodb) as p:
        version = p.files[file_id]
        r = version.reading
        return {"state": r.state, "reason": r.reason, "fields": dict(r.fields),
                "pages": [dict(r.pages[n]) for n in sorted(r.pages)],
                "derived": r.derived_pdf.file_id if r.derived_pdf else None,
                "derived_path": r.derived_pdf.path() if r.derived_pdf else None,
                "attempts": r.attempts}


def test_scanned_pdf_is_read_page_by_page_with_a_searchable_copy(api, stack, fixtures):
    path = fixtures.scan_pdf([0, 1, 2])
    code = upload(api, [("scan.pdf", open(path, "rb").read())])
    (version,) = wait_read(api, code, stack)
    assert version["reading"] == {"state": "done", "reason": None, "pages_done": 3,
                                  "pages_total": 3}
    got = reading_of(stack, version["file_id"])
    assert [p["source"] for p in got["pages"]] == ["ocr"] * 3
    assert all(p["confidence"] > 0.5 for p in got["pages"])
    expected = fixtures.docs[0].fields
    assert got["fields"]["number_symbol"]["value"] == expected["number_symbol"]
    assert got["fields"]["issue_date"]["value"] == expected["issue_date"]
    # the derived searchable PDF: invisible text over the original images
    with pymupdf.open(got["derived_path"]) as pdf:
        assert pdf.page_count == 3
        assert expected["number_symbol"].split("/")[0] in pdf[0].get_text()
    # the original is untouched and still downloadable
    app, _ = api
    original = app.get(version["href"]).body
    assert original == open(path, "rb").read()
    app.get(f"/api/v1/dossiers/{code}/files/{got['derived']}", status=200)


def test_born_digital_pdf_uses_the_text_layer(api, stack, fixtures):
    path = fixtures.born_digital((3,))
    code = upload(api, [("qd.pdf", open(path, "rb").read())])
    (version,) = wait_read(api, code, stack)
    got = reading_of(stack, version["file_id"])
    assert got["state"] == "done" and [p["source"] for p in got["pages"]] == ["text-layer"]
    assert got["derived"] is None  # nothing scanned, nothing to make searchable
    assert got["fields"]["number_symbol"]["value"] == fixtures.docs[3].fields["number_symbol"]


@pytest.mark.parametrize("name, make, reason", [
    ("encrypted.pdf", docgen.encrypted_pdf_bytes, "password"),
    ("corrupt.pdf", docgen.corrupt_pdf_bytes, ""),
    ("empty.pdf", docgen.zero_page_pdf_bytes, "no pages"),
    ("bomb.png", docgen.bomb_png_bytes, "too large"),
    ("long.pdf", lambda: docgen.many_pages_pdf_bytes(13), "12"),
])
def test_bad_files_fail_with_a_reason_and_leave_the_rest(api, stack, fixtures, name, make, reason):
    good = open(fixtures.born_digital((5,)), "rb").read()
    bad = make()
    code = upload(api, [(name, bad), ("good.pdf", good)])
    versions = wait_read(api, code, stack)
    states = {v["filename"]: v["reading"] for v in versions}
    assert states[name]["state"] == "failed", states
    assert reason.lower() in states[name]["reason"].lower()
    assert states["good.pdf"]["state"] == "done"
    app, _ = api
    assert app.get([v["href"] for v in versions if v["filename"] == name][0]).body == bad


def test_blank_scan_is_done_with_empty_text(api, stack):
    from PIL import Image
    import io
    buf = io.BytesIO()
    Image.new("L", (2480, 3508), 255).save(buf, format="PNG", dpi=(300, 300))
    code = upload(api, [("blank.png", buf.getvalue())])
    (version,) = wait_read(api, code, stack)
    got = reading_of(stack, version["file_id"])
    assert got["state"] == "done" and got["pages"][0]["text"] == ""


def test_running_the_task_again_changes_nothing(api, stack, fixtures):
    code = upload(api, [("scan.png", open(fixtures.scan_png(4), "rb").read())])
    (version,) = wait_read(api, code, stack)
    before = reading_of(stack, version["file_id"])
    stack["wsgi"].registry.celery.send_task("records.read_file", args=[version["file_id"]])
    stack["wsgi"].registry.celery.send_task("records.finish_file", args=[version["file_id"]])
    stack["wsgi"].registry.celery.send_task("records.read_page", args=[version["file_id"], 1])
    import time
    time.sleep(3)
    after = reading_of(stack, version["file_id"])
    assert after == before


def test_a_killed_worker_leaves_the_file_to_finish(api, stack, fixtures):
    path = fixtures.scan_pdf(list(range(6, 12)))
    code = upload(api, [("six.pdf", open(path, "rb").read())])
    app, _ = api

    def started():
        (v,) = readings(api, code)
        return v["reading"]["state"] == "running" and v["reading"]["pages_done"] >= 1 and v
    version = wait_for(started, timeout=120, interval=0.2, message="the first page")
    stack["worker"].kill()  # SIGKILL the worker and its pool mid-file
    assert readings(api, code)[0]["reading"]["state"] == "running"
    stack["worker"] = WorkerProcess(stack["env"], stack["var"].parent / "worker.log").start()
    (version,) = wait_read(api, code, stack, timeout=300)
    assert version["reading"]["state"] == "done"
    assert version["reading"]["pages_done"] == 6


def test_no_personal_data_in_the_worker_log(stack):
    """Runs last in this module: everything above went through the worker."""
    log = (stack["var"].parent / "worker.log").read_text(errors="replace")
    assert "records.read_file" in log  # the log is the worker's, and it worked
    for personal in ("001203004567", "Nguyễn Văn An", "Nguyen Van An"):
        assert personal not in log
