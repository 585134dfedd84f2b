"""One set of labels (records.labels): officers' pages and citizens' pages name a state
the same way, in the chosen language, through the message catalog."""
import pytest

from records import labels, workflow
from records.resources.dossiers import RATING_LEVELS
from records.resources.files import READING_STATES
from records.schemas import CORRECTABLE
from tests.conftest import login
from tests.functional.helpers import mark_read, receive

pytestmark = pytest.mark.house


def test_every_code_has_one_label():
    assert set(labels.STATES) == set(workflow.STATES) == set(labels.STATES_IN_TEXT)
    assert set(labels.ACTIONS) == set(workflow.TRANSITIONS)
    assert set(workflow.TRANSITIONS) <= set(labels.HISTORY)
    assert set(labels.RATINGS) == set(RATING_LEVELS)
    assert set(labels.FIELDS) == set(CORRECTABLE)
    assert set(labels.READING_STATES) == set(READING_STATES)


def _state_on_both_pages(web, code, pin, language):
    officer = web.get(f"/dossiers/{code}").html.find(id="dossier-state").text
    web.reset()
    web.set_cookie("_LOCALE_", language)
    form = web.get("/lookup").forms["lookup-form"]
    form["code"], form["pin"] = code, pin
    citizen = form.submit(status=303).follow().html.find(id="state").text
    return officer.split("·")[0].strip(), citizen.strip()


@pytest.mark.parametrize("language, name", [("vi", "Đã trả kết quả"), ("en", "Result returned")])
def test_a_state_has_the_same_name_for_officers_and_citizens(web, officers, portal, language,
                                                           name):
    web.set_cookie("_LOCALE_", language)
    login(web, "recv1")
    _, code, pin = receive(web)
    with portal() as p:
        p.dossiers[code].state = "returned"
    assert _state_on_both_pages(web, code, pin, language) == (name, name)


def test_the_fields_read_are_named_in_the_pages_language(web, officers, portal):
    login(web, "recv1")
    _, code, _ = receive(web)
    file_id = mark_read(portal, code, {"summary": {"value": "Về việc cấp phép",
                                                   "confidence": 0.9}})
    table = web.get(f"/dossiers/{code}").html.find(id=f"fields-{file_id}").text
    assert "Trích yếu" in table and "Số, ký hiệu" in table and "number_symbol" not in table
