"""Procedures are data an admin edits; accounts are created by an admin."""
import pytest
from click.testing import CliRunner

from records.cli import main as cli
from tests.conftest import PASSWORD, login

pytestmark = pytest.mark.foundation


def test_seed_has_common_procedures_with_codes_and_times(portal, db):
    with portal() as p:
        procedures = list(p.procedures.values())
    assert len(procedures) >= 20
    names = " ".join(x.name for x in procedures)
    for expected in ("khai sinh", "kết hôn", "Chứng thực bản sao", "hộ kinh doanh",
                     "giấy phép xây dựng", "Giấy chứng nhận quyền sử dụng đất"):
        assert expected in names
    assert all(x.code and x.days >= 0 and x.components for x in procedures)


def test_admin_edits_a_procedure_time_and_intake_uses_it(web, officers, portal):
    login(web, "admin")
    page = web.get("/procedures/edit", {"code": "1.001193"})
    form = page.forms["procedure-form"]
    form["days"] = "4"
    form.submit(status=303)
    with portal() as p:
        assert p.procedures["1.001193"].days == 4
    form = web.get("/procedures/edit", {"code": "1.001193"}).forms["procedure-form"]
    form["components"] = "not json"
    assert "danh sách JSON" in form.submit(status=400).text


def test_only_admins_edit_procedures_and_users(web, officers):
    login(web, "recv1")
    web.get("/procedures/", status=200)
    web.get("/procedures/edit", {"code": "1.001193"}, status=403)
    web.get("/users/", status=403)


def test_admin_creates_an_officer_who_can_log_in(web, officers, wsgi):
    login(web, "admin")
    form = web.get("/users/").forms["user-form"]
    form["login"] = "tiepnhan3"
    form["name"] = "Đặng Thu Trang"
    form["password"] = "mat-khau-rat-dai"
    form["unit"] = "000.00.03.H26"
    form.get("roles", index=0).checked = True
    form.submit(status=303)
    web.reset()
    login(web, "tiepnhan3", "mat-khau-rat-dai")
    assert "tiepnhan3" not in web.get("/intake").request.url


def test_create_admin_command(tmp_path):
    ini = tmp_path / "t.ini"
    ini.write_text(f"[app:main]\nuse = egg:records\nrecords.var_dir = {tmp_path}/var\n")
    runner = CliRunner()
    result = runner.invoke(cli, ["-c", str(ini), "create-admin", "--password", PASSWORD])
    assert result.exit_code != 0 and "records evolve" in result.output  # no store yet
    result = runner.invoke(cli, ["-c", str(ini), "evolve"])
    assert result.exit_code == 0 and "generation" in result.output, result.output
    result = runner.invoke(cli, ["-c", str(ini), "create-admin", "--password", "short"])
    assert result.exit_code != 0 and "10 characters" in result.output
    result = runner.invoke(cli, ["-c", str(ini), "create-admin", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["-c", str(ini), "create-admin", "--password", PASSWORD])
    assert result.exit_code != 0 and "exists" in result.output
    result = runner.invoke(cli, ["-c", str(ini), "create-admin", "--if-none"])
    assert result.exit_code == 0 and "users exist" in result.output
    result = runner.invoke(cli, ["-c", str(ini), "seed"])
    assert result.exit_code == 0 and "0 entries added" in result.output
