"""Validation of what officers and citizens send (forms and API share these schemas)."""
import json
import re

import colander

from records import clock
from records.errors import InputError
from records.i18n import _, english, joined
from records.textnorm import clean

CHANNELS = ("in_person", "online", "postal")
APPLICANT_KINDS = ("person", "business")
_DIGITS = re.compile(r"\D")


def clean_text(value):
    """Preparer for text fields: NFC, single spaces (non-strings pass through)."""
    return clean(value) if isinstance(value, str) else value



class Applicant(colander.MappingSchema):
    kind = colander.SchemaNode(colander.String(), validator=colander.OneOf(APPLICANT_KINDS))
    name = colander.SchemaNode(colander.String(), preparer=clean_text,
                               validator=colander.Length(min=2, max=200))
    id_number = colander.SchemaNode(
        colander.String(), preparer=clean_text,
        validator=colander.Regex(r"^(\d[ .]?){9}(\d[ .]?)*(-\d{3})?$",
                                 _("a citizen ID has 12 digits (CCCD) or 9 (old CMND); "
                                   "a tax code has 10 or 13 digits")))
    address = colander.SchemaNode(colander.String(), preparer=clean_text, missing="",
                                  validator=colander.Length(max=500))
    phone = colander.SchemaNode(colander.String(), preparer=clean_text, missing="",
                                validator=colander.Regex(r"^\+?[0-9 .\-]{8,15}$",
                                                         _("not a phone number")))
    email = colander.SchemaNode(colander.String(), preparer=clean_text, missing="",
                                validator=colander.Email())

    def validator(self, node, value):
        raw = value["id_number"].replace(" ", "").replace(".", "")
        digits = _DIGITS.sub("", raw)
        if value["kind"] == "person":
            if not re.fullmatch(r"\d{12}|\d{9}", raw):
                raise colander.Invalid(node["id_number"],
                                       _("a citizen ID has 12 digits (CCCD) or 9 (old CMND)"))
        elif not re.fullmatch(r"\d{10}(-?\d{3})?", raw):
            raise colander.Invalid(node["id_number"], _("a tax code has 10 or 13 digits"))
        elif len(digits) == 13:
            digits = f"{digits[:10]}-{digits[10:]}"  # the printed form of a branch's tax code
        value["id_number"] = digits


class Intake(colander.MappingSchema):
    procedure = colander.SchemaNode(colander.String(), preparer=clean_text)
    channel = colander.SchemaNode(colander.String(), validator=colander.OneOf(CHANNELS),
                                  missing="in_person")
    unit = colander.SchemaNode(colander.String(), preparer=clean_text, missing=None)
    applicant = Applicant()
    submission = colander.SchemaNode(colander.String(), missing=None,
                                     validator=colander.Regex(r"^[A-Za-z0-9_-]{8,64}$"))
    note = colander.SchemaNode(colander.String(), preparer=clean_text, missing="",
                               validator=colander.Length(max=2000))
    case = colander.SchemaNode(colander.String(), preparer=clean_text, missing=None)
    # why a required component is not handed in (kept in the history of the receipt)
    missing_reason = colander.SchemaNode(colander.String(), preparer=clean_text, missing="",
                                         validator=colander.Length(max=500))


class Action(colander.MappingSchema):
    action = colander.SchemaNode(colander.String())
    note = colander.SchemaNode(colander.String(), preparer=clean_text, missing="",
                               validator=colander.Length(max=2000))
    processing_unit = colander.SchemaNode(colander.String(), missing=None)
    new_due = colander.SchemaNode(colander.Date(), missing=None)


class ResultMeta(colander.MappingSchema):
    """What the officer types about a result document (NĐ 30/2020 number and symbol)."""
    doc_type = colander.SchemaNode(colander.String(), preparer=clean_text,
                                   validator=colander.Length(min=2, max=200))
    number_symbol = colander.SchemaNode(
        colander.String(), preparer=clean_text,
        validator=colander.Regex(r"^\d+(/\d{4})?/[^\s/]+$",
                                 _("a number and symbol looks like 15/QĐ-UBND or "
                                   "01/2023/TT-VPCP")))
    issuer = colander.SchemaNode(colander.String(), preparer=clean_text,
                                 validator=colander.Length(min=2, max=300))
    issue_date = colander.SchemaNode(colander.Date())
    valid_until = colander.SchemaNode(colander.Date(), missing=None)
    kind = colander.SchemaNode(colander.String(), preparer=clean_text, missing="",
                               validator=colander.Length(max=100))

    def validator(self, node, value):
        if value["issue_date"] > clock.today():
            raise colander.Invalid(node["issue_date"], _("the issue date is in the future"))
        if value["valid_until"] and value["valid_until"] < value["issue_date"]:
            raise colander.Invalid(node["valid_until"],
                                   _("valid until is before the issue date"))


CORRECTABLE = ("number_symbol", "doc_type", "issuer", "issue_date", "place", "summary")


class Correction(colander.MappingSchema):
    """An officer's correction of one field read from a file."""
    field = colander.SchemaNode(colander.String(), validator=colander.OneOf(CORRECTABLE))
    # NB: clean_text, not clean: a value left out is colander.null, which must reach the
    # "required" check instead of being stored as the text "<colander.null>".
    value = colander.SchemaNode(colander.String(), preparer=clean_text,
                                validator=colander.Length(min=1, max=1000))

    def validator(self, node, value):
        if value["field"] == "issue_date":
            colander.Date().deserialize(node["value"], value["value"])


class ProcedureEdit(colander.MappingSchema):
    """An administrator's edit of a procedure (kept as data)."""
    name = colander.SchemaNode(colander.String(), preparer=clean_text,
                               validator=colander.Length(min=3, max=500))
    field = colander.SchemaNode(colander.String(), preparer=clean_text)
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
    """A new officer account."""
    login = colander.SchemaNode(colander.String(),
                                validator=colander.Regex(r"^[a-z0-9._-]{3,40}$",
                                                         _("3-40 of a-z 0-9 . _ -")))
    name = colander.SchemaNode(colander.String(), preparer=clean_text)
    password = colander.SchemaNode(colander.String(), validator=colander.Length(min=10))
    unit = colander.SchemaNode(colander.String())
    roles = colander.SchemaNode(colander.Set(), validator=colander.Length(min=1))


def messages_of(invalid):
    """A flat {field: message} dict from a colander.Invalid; the messages are translation
    strings (ours in the "records" domain, colander's own in "colander"): pages translate
    them (records.i18n.translate, the ``tr`` filter)."""
    found = {}
    for path in invalid.paths():
        messages, keys = [], []
        for exc in path:
            if exc.msg:
                messages.extend(exc.messages())
            if exc._keyname():
                keys.append(exc._keyname())
        key = ".".join(keys)
        found[key.split(".")[-1] if key else "form"] = joined(messages)
    return found


def errors_of(invalid):
    """A flat {field: English message} dict from a colander.Invalid (for the API)."""
    return {key: english(message) for key, message in messages_of(invalid).items()}


def validate(schema, values):
    """``values`` deserialized by ``schema``; :class:`records.errors.InputError` (a 400
    naming each bad field) when they do not fit."""
    try:
        return schema.deserialize(values)
    except colander.Invalid as e:
        raise InputError(messages_of(e)) from None
