"""Reuse across units: another unit's documents (ID scans, e-results) are offered only when
the applicant's identity matches (ID and name), as far as the owning unit's policy allows,
and attaching one says why on both dossiers. The attack: an officer at another branch types
a citizen's CCCD number with any name, hoping to be offered that citizen's papers."""
import pytest

from tests.conftest import BRANCH1, JUSTICE, login
from tests.functional.helpers import ID, JSON, META, act, as_, receive
from tests.samples import pdf_bytes

pytestmark = pytest.mark.hardening

NAME = "Nguyễn Văn An"  # the applicant of tests.functional.helpers.receive


def victim_dossier(web):
    """A birth registration received at BRANCH1 with the citizen's ID scan, processed by
    JUSTICE, its e-result published. Returns (code, identity file id, result id)."""
    web.reset()
    login(web, "recv1")
    _, code, _ = receive(web, files={
        "file.application": ("to-khai.pdf", pdf_bytes("Tờ khai")),
        "file.identity": ("cccd.pdf", pdf_bytes("CĂN CƯỚC CÔNG DÂN 001203004567"))})
    csrf = as_(web, "recv1")
    act(web, code, "transfer", csrf, processing_unit=JUSTICE)
    csrf = as_(web, "proc1")
    result = web.post(f"/dossiers/{code}/results", dict(META, csrf_token=csrf),
                      upload_files=[("file", "kq.pdf", pdf_bytes("TRÍCH LỤC KHAI SINH"))],
                      headers=JSON, status=201).json
    csrf = as_(web, "lead1")
    act(web, code, "approve", csrf)
    web.post(f"/dossiers/{code}/results/{result['result_id']}/publish",
             {"csrf_token": csrf}, headers=JSON, status=200)
    identity = [c for c in web.get(f"/api/v1/dossiers/{code}").json["components"]
                if c["key"] == "identity"][0]
    web.reset()
    return code, identity["versions"][-1]["file_id"], result["result_id"]


def other_branch_dossier(web, name):
    """recv2 (BRANCH2) receives a parentage dossier for ``ID`` under ``name``."""
    web.reset()
    login(web, "recv2")
    _, code, _ = receive(web, procedure="1.001022",
                         **{"applicant.id_number": ID, "applicant.name": name})
    return code


def offers(web, code, login_name="recv2"):
    as_(web, login_name)
    return web.get(f"/api/v1/dossiers/{code}/reuse").json["offers"]


def test_an_id_number_with_another_name_is_offered_nothing_from_another_unit(web, officers):
    victim, scan_id, result_id = victim_dossier(web)
    attacker = other_branch_dossier(web, "Trần Thị Bình")
    assert offers(web, attacker) == {}
    csrf = as_(web, "recv2")
    web.get(f"/dossiers/{victim}", status=403)  # the direct way was already closed
    for component, source in (("identity", f"file:{scan_id}"),
                              ("birth-certificate", f"result:{result_id}")):
        reply = web.post_json(f"/api/v1/dossiers/{attacker}/reuse",
                              {"component": component, "source": source},
                              headers={"X-CSRF-Token": csrf}, status=400)
        assert "not offered" in reply.json["error"]
    # nor through the attacker's own dossier: the file is not part of it
    web.get(f"/dossiers/{attacker}/file/{scan_id}", status=404)
    web.get(f"/api/v1/dossiers/{attacker}/files/{scan_id}", status=404)
    page = web.get(f"/dossiers/{attacker}")
    assert "cccd.pdf" not in page.text and "12/TLKS-UBND" not in page.text


def test_the_same_id_and_name_at_another_unit_is_offered_and_recorded_on_both(web, officers,
                                                                             portal):
    victim, scan_id, result_id = victim_dossier(web)
    # the same person, typed without diacritics in capitals at the other branch
    mine = other_branch_dossier(web, "NGUYEN VAN AN")
    offered = offers(web, mine)
    assert [o["source"] for o in offered["identity"]] == [f"file:{scan_id}"]
    assert [o["source"] for o in offered["birth-certificate"]] == [f"result:{result_id}"]
    assert {o["reason"] for o in offered["identity"] + offered["birth-certificate"]} == \
        {"identity-match"}
    csrf = as_(web, "recv2")
    web.post_json(f"/api/v1/dossiers/{mine}/reuse",
                  {"component": "identity", "source": f"file:{scan_id}"},
                  headers={"X-CSRF-Token": csrf}, status=201)
    assert web.get(f"/dossiers/{mine}/file/{scan_id}").body.startswith(b"%PDF")
    with portal() as p:
        reference = p.dossiers[mine].components["identity"].reference
        assert reference["reason"] == "identity-match"
        taken = p.dossiers[mine].history[-1]
        given = p.dossiers[victim].history[-1]
        assert taken["action"] == "reuse" and "ID number and name match" in taken["note"]
        assert given["action"] == "reused_by" and mine in given["note"]
        assert given["user"] == "recv2" and "ID number and name match" in given["note"]
        assert ID not in taken["note"] + given["note"]  # no ID numbers in the history notes


@pytest.mark.parametrize("policy, offered_kinds", [("results", {"birth-certificate"}),
                                                    ("unit", set())])
def test_a_units_policy_narrows_what_other_units_are_offered(web, officers, portal, policy,
                                                              offered_kinds):
    victim, _, _ = victim_dossier(web)
    with portal() as p:
        p.units[BRANCH1].reuse = policy  # the receiving unit of the victim's dossier
    mine = other_branch_dossier(web, NAME)
    assert set(offers(web, mine)) == offered_kinds
    # the unit that holds the dossier is not narrowed by its own policy
    web.reset()
    login(web, "recv1")
    _, own, _ = receive(web, procedure="1.001022")
    assert set(offers(web, own, "recv1")) == {"identity", "birth-certificate"}


def test_an_unknown_policy_is_refused():
    from records.resources.units import Unit
    with pytest.raises(ValueError, match="reuse policy"):
        Unit("000.00.09.H26", "X", "branch", reuse="everyone")
