"""Administration: procedures (kept as data, editable) and officer accounts."""
import json

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from records import audit, clock, sessions
from records.errors import InputError
from records.i18n import _
from records.limits import minutes
from records.resources.procedures import Procedures
from records.resources.users import ROLES, User, Users
from records.schemas import ProcedureEdit, UserCreate, validate
from records.security import hash_password
from records.views.errors import error_page


@view_config(context=Procedures, permission="officer", renderer="procedures.jinja2")
def procedures(request):
    return {"procedures": sorted(request.context.values(), key=lambda p: (p.field, p.name))}


@view_config(context=Procedures, name="edit", permission="admin", renderer="procedure_edit.jinja2")
def procedure_edit(request):
    procedure = request.context.get(request.params.get("code", ""))
    if procedure is None:
        return HTTPSeeOther(request.resource_url(request.context))
    if request.method == "POST":
        procedure.update(**validate(ProcedureEdit(), dict(request.POST)))
        audit.record_request(request, "admin_edit_procedure", procedure=procedure.code)
        return HTTPSeeOther(request.resource_url(request.context))
    return _procedure_values(procedure)


def _procedure_values(procedure, errors=None):
    return {"procedure": procedure, "errors": errors or {},
            "components_json": json.dumps(list(procedure.components), ensure_ascii=False, indent=1)}


@error_page(Procedures, "edit")
def procedure_edit_with_errors(request, error):
    procedure = request.context.get(request.params.get("code", ""))
    return "procedure_edit.jinja2", _procedure_values(procedure, error.fields or {
        "form": error.message})


@view_config(context=Users, permission="admin", renderer="users.jinja2")
def users(request):
    if request.method == "POST":
        values = dict(request.POST)
        values["roles"] = request.POST.getall("roles")
        data = validate(UserCreate(), values)
        if data["login"] in request.context:
            raise InputError({"login": _("this login exists")})
        if data["unit"] not in request.root.units:
            raise InputError({"unit": _("unknown unit")})
        request.context.add(data["login"], User(
            data["login"], data["name"], hash_password(data["password"]),
            set(data["roles"]) & set(ROLES), data["unit"]))
        audit.record_request(request, "admin_create_user", account=data["login"],
                             roles=",".join(sorted(set(data["roles"]) & set(ROLES))),
                             account_unit=data["unit"])
        return HTTPSeeOther(request.resource_url(request.context))
    return users_values(request)


def users_values(request, errors=None, notice=None):
    """What the users page shows (also after an account action, records.views.accounts)."""
    return {"users": list(request.root.users.values()), "roles": ROLES,
            "units": list(request.root.units.values()), "errors": errors or {},
            "units_by_id": {u.identifier: u.name for u in request.root.units.values()},
            "notice": notice, "live_sessions": account_sessions(request),
            "login_lock": request.limiter.login_lock, "minutes": minutes}


def account_sessions(request):
    now = clock.now()
    return lambda user: sessions.count(user, now)


@error_page(Users)
def users_with_errors(request, error):
    return "users.jinja2", users_values(request, error.fields or {"form": error.message})
