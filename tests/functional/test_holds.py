"""Legal hold: placed with a reason, shown on the dossier and in the archive lists, blocks
disposition and packing, lifted only with a reason (page and API)."""
import re

import pytest
from click.testing import CliRunner

from records.cli import main as cli
from tests.functional.helpers import as_, closed_dossier, login_as, set_closed

pytestmark = pytest.mark.archive


def csrf(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def hold_form(web, code, reason, lift=False, status=303):
    page = web.get(f"/dossiers/{code}/audit")
    name = "lift-hold" if lift else "hold"
    return web.post(f"/dossiers/{code}/{name}", {"csrf_token": csrf(page), "reason": reason},
                    status=status)


def test_a_hold_is_shown_on_the_dossier_and_in_the_archive_lists(web, officers, portal):
    code = closed_dossier(web)
    set_closed(portal, code, 6)
    login_as(web, "arch")
    hold_form(web, code, "Tòa án yêu cầu giữ hồ sơ (vụ 12/2026)")
    audit = web.get(f"/dossiers/{code}/audit")
    badge = audit.html.find(id="hold-badge").text
    assert "Tòa án yêu cầu" in badge and "do Arch (Trung tâm" in badge  # the officer and unit by name
    assert audit.html.find(id="lift-hold-form") is not None
    assert "Tòa án yêu cầu" in web.get(f"/dossiers/{code}").html.find(id="hold-badge").text
    archive = web.get("/archive")
    assert archive.html.find(id=f"hold-{code}") is not None
    due_row = archive.html.find(id=f"due-{code}")
    assert due_row.find("input", attrs={"name": "code"}) is None  # listed, not selectable
    with portal() as p:
        hold = p.archive.holds[code]
        assert (hold["by"], hold["reason"]) == ("arch", "Tòa án yêu cầu giữ hồ sơ (vụ 12/2026)")
        assert p.dossiers[code].history[-1]["action"] == "hold"


def test_a_hold_needs_a_reason_and_cannot_be_placed_twice(web, officers, portal):
    code = closed_dossier(web)
    login_as(web, "arch")
    page = hold_form(web, code, "   ", status=400)
    assert page.html.find(id="hold-error") is not None
    hold_form(web, code, "thanh tra")
    hold_form(web, code, "lại", status=409)
    hold_form(web, code, "", lift=True, status=400)
    with portal() as p:
        assert code in p.archive.holds and len(p.archive.lifted_holds) == 0


def test_a_hold_blocks_proposal_approval_and_pack_until_lifted(web, officers, portal, ini):
    code = closed_dossier(web)
    set_closed(portal, code, 6)
    login_as(web, "arch")
    page = web.get("/archive")
    # proposed before the hold: the approval is refused while it is held
    web.post("/archive/propose", {"csrf_token": csrf(page), "code": code,
                                  "reason": "hết thời hạn"}, status=303)
    hold_form(web, code, "khiếu nại đang giải quyết")
    with portal() as p:
        proposal_id = p.archive.pending()[0].proposal_id
    login_as(web, "lead1")
    page = web.get("/archive/proposals")
    refused = web.post("/archive/approve", {"csrf_token": csrf(page), "proposal": proposal_id},
                       status=409)
    assert "hold" in refused.text or "giữ" in refused.text
    with portal() as p:
        assert code not in p.archive.disposed
        assert p.archive.proposals[proposal_id].state == "pending"
        p.archive.proposals[proposal_id].state = "rejected"  # clear it for the next check
    # a new proposal is refused too
    login_as(web, "arch")
    page = web.get("/archive")
    web.post("/archive/propose", {"csrf_token": csrf(page), "code": code,
                                  "reason": "hết thời hạn"}, status=409)
    # packing is refused while anything is held, and names the dossier
    result = CliRunner().invoke(cli, ["-c", ini, "pack"])
    assert result.exit_code != 0 and code in result.output and "legal hold" in result.output
    # lifted with a reason: proposal and pack work again
    hold_form(web, code, "vụ việc đã kết thúc", lift=True)
    page = web.get("/archive")
    web.post("/archive/propose", {"csrf_token": csrf(page), "code": code,
                                  "reason": "hết thời hạn"}, status=303)
    assert CliRunner().invoke(cli, ["-c", ini, "pack"]).exit_code == 0
    with portal() as p:
        assert code not in p.archive.holds
        (lifted,) = p.archive.lifted_holds.values()
        assert (lifted["lifted_by"], lifted["lift_reason"]) == ("arch", "vụ việc đã kết thúc")
        assert [h["action"] for h in p.dossiers[code].history][-2:] == ["hold", "lift_hold"]
    assert "vụ việc đã kết thúc" in web.get(f"/dossiers/{code}/audit").html.find(
        id="lifted-holds").text


def test_holds_through_the_api(web, officers, portal):
    code = closed_dossier(web)
    token = as_(web, "arch")
    headers = {"X-CSRF-Token": token}
    url = f"/api/v1/dossiers/{code}/hold"
    assert web.post_json(url, {"reason": ""}, headers=headers, status=400).json["error"]
    reply = web.post_json(url, {"reason": "điều tra"}, headers=headers, status=201).json
    assert reply["hold"]["by"] == "arch" and reply["hold"]["since"]
    web.post_json(url, {"reason": "again"}, headers=headers, status=409)
    assert web.get(f"/api/v1/dossiers/{code}").json["hold"]["reason"] == "điều tra"
    assert [h["code"] for h in web.get("/api/v1/archive/holds").json["holds"]] == [code]
    web.delete_json(url, {"reason": ""}, headers=headers, status=400)
    lifted = web.delete_json(url, {"reason": "xong"}, headers=headers, status=200).json["hold"]
    assert lifted["lift_reason"] == "xong"
    assert web.get(f"/api/v1/dossiers/{code}").json["hold"] is None
    web.delete_json(url, {"reason": "xong"}, headers=headers, status=409)
    token = as_(web, "recv1")  # no archive permission
    web.post_json(url, {"reason": "x"}, headers={"X-CSRF-Token": token}, status=403)
