"""The dossier page shows each file's reading progress, updating without a reload, while a
real worker reads a multi-page scan; then the searchable copy and the fields appear."""
import pytest

from tests.browser.helpers import officer
from tests.docgen import Fixtures
from tests.rig.worker import WorkerProcess

pytestmark = [pytest.mark.digitization, pytest.mark.browser, pytest.mark.integration]


@pytest.fixture
def worker(live_server, tmp_path):
    """A worker on the live server's store and its file-system queue (the embedded default)."""
    process = WorkerProcess({"RECORDS_VAR_DIR": str(tmp_path / "var"),
                             "RECORDS_SECRET": "test-secret-" + "x" * 40},
                            tmp_path / "worker.log").start()
    yield process
    process.stop()


def test_progress_updates_on_the_page_as_pages_are_read(browser, live_server, worker,
                                                        screenshot):
    scan = Fixtures().scan_pdf([0, 1, 2, 3])
    context, page = officer(browser, live_server, "recv1")
    page.goto("/intake?procedure=2.000815")
    page.fill("input[name='applicant.name']", "Nguyễn Văn An")
    page.fill("input[name='applicant.id_number']", "001203004567")
    page.set_input_files("input[name='file.original']", scan)
    with page.expect_navigation():
        page.click("#intake-submit")
    code = page.locator("#dossier-code").inner_text()
    page.goto(f"/dossiers/{code}")
    page.evaluate("window.notReloaded = true")
    cell = page.locator("td.reading").first
    # pages are counted as they are read: some page between the first and the last
    page.wait_for_function(
        """() => { const c = document.querySelector('td.reading');
                   const n = parseInt(c.querySelector('.pages').textContent);
                   return n >= 1 && n < 4 && c.dataset.state === 'running'; }""",
        timeout=120_000)
    screenshot(page, "reading-progress-running")
    page.wait_for_function("() => document.querySelector('td.reading').dataset.state === 'done'",
                           timeout=240_000)
    assert cell.locator(".pages").inner_text() == "4/4"
    assert page.evaluate("window.notReloaded") is True  # updated in place
    screenshot(page, "reading-progress-done")
    page.reload()
    assert page.locator("text=PDF có lớp văn bản").count() == 1  # the searchable copy
    assert page.locator("details[id^=fields-]").count() == 1
    context.close()
