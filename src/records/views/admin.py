"""Administration: procedures (kept as data, editable) and officer accounts."""
import json

import colander
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from records import clock, sessions
from records.limits import minutes
from records.resources.procedures import Procedures
from records.resources.users import ROLES, User, Users
from records.i18n import _
from records.schemas import messages_of
from records.security import hash_password
from records.textnorm import clean


class ProcedureEdit(colander.MappingSchema):
    name = colander.SchemaNode(colander.String(), preparer=clean,
                               validator=colander.Length(min=3, max=500))
    field = colander.SchemaNode(colander.String(), preparer=clean)
    days = colander.SchemaNode(colander.Int(), validator=colander.Range(0, 365))
    result_kind = colander.SchemaNode(colander.String(), missing="")
    components = colander.SchemaNode(colander.String(), missing="[]")
    active = colander.SchemaNode(colander.Boolean(), missing=False)

    def validator(self, node, value):
        try:
            comps = json.loads(value["components"])
            if not isinstance(comps, list) or not all(
                    isinstance(c, dict) and c.get("key") and c.get("name") for c in comps):
                raise ValueError
        except ValueError:
            raise colander.Invalid(node["components"],
                                   _('a JSON list of {"key", "name", "required", "kind"}')) from None
        value["components"] = comps


class UserCreate(colander.MappingSchema):
    login = colander.SchemaNode(colander.String(),
                                validator=colander.Regex(r"^[a-z0-9._-]{3,40}$",
                                                         _("3-40 of a-z 0-9 . _ -")))
    name = colander.SchemaNode(colander.String(), preparer=clean)
    password = colander.SchemaNode(colander.String(), validator=colander.Length(min=10))
    unit = colander.SchemaNode(colander.String())
    roles = colander.SchemaNode(colander.Set(), validator=colander.Length(min=1))


@view_config(context=Procedures, permission="officer", renderer="procedures.jinja2")
def procedures(request):
    return {"procedures": sorted(request.context.values(), key=lambda p: (p.field, p.name))}


@view_config(context=Procedures, name="edit", permission="admin", renderer="procedure_edit.jinja2")
def procedure_edit(request):
    procedure = request.context.get(request.params.get("code", ""))
    if procedure is None:
        return HTTPSeeOther(request.resource_url(request.context))
    errors = {}
    if request.method == "POST":
        try:
            procedure.update(**ProcedureEdit().deserialize(dict(request.POST)))
            return HTTPSeeOther(request.resource_url(request.context))
        except colander.Invalid as e:
            request.response.status = 400
            errors = messages_of(e)
    return {"procedure": procedure, "errors": errors,
            "components_json": json.dumps(list(procedure.components), ensure_ascii=False, indent=1)}


@view_config(context=Users, permission="admin", renderer="users.jinja2")
def users(request):
    errors = {}
    if request.method == "POST":
        values = dict(request.POST)
        values["roles"] = request.POST.getall("roles")
        try:
            data = UserCreate().deserialize(values)
            if data["login"] in request.context:
                raise colander.Invalid(UserCreate()["login"], _("this login exists"))
            if data["unit"] not in request.root.units:
                raise colander.Invalid(UserCreate()["unit"], _("unknown unit"))
            request.context.add(data["login"], User(
                data["login"], data["name"], hash_password(data["password"]),
                set(data["roles"]) & set(ROLES), data["unit"]))
            return HTTPSeeOther(request.resource_url(request.context))
        except colander.Invalid as e:
            request.response.status = 400
            errors = messages_of(e)
    return users_values(request, errors)


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
