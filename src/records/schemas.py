"""Validation of what officers and citizens send (forms and API share these schemas)."""
import re

import colander

from records.textnorm import clean

CHANNELS = ("in_person", "online", "postal")
APPLICANT_KINDS = ("person", "business")
_DIGITS = re.compile(r"\D")


def _text(value):
    return clean(value) if isinstance(value, str) else value




class Applicant(colander.MappingSchema):
    kind = colander.SchemaNode(colander.String(), validator=colander.OneOf(APPLICANT_KINDS))
    name = colander.SchemaNode(colander.String(), preparer=_text,
                               validator=colander.Length(min=2, max=200))
    id_number = colander.SchemaNode(
        colander.String(), preparer=_text,
        validator=colander.Regex(r"^(\d[ .]?){9}(\d[ .]?)*(-\d{3})?$",
                                 "a citizen ID has 12 digits (CCCD) or 9 (old CMND); "
                                 "a tax code has 10 or 13 digits"))
    address = colander.SchemaNode(colander.String(), preparer=_text, missing="",
                                  validator=colander.Length(max=500))
    phone = colander.SchemaNode(colander.String(), preparer=_text, missing="",
                                validator=colander.Regex(r"^\+?[0-9 .\-]{8,15}$",
                                                         "not a phone number"))
    email = colander.SchemaNode(colander.String(), preparer=_text, missing="",
                                validator=colander.Email())

    def validator(self, node, value):
        raw = value["id_number"].replace(" ", "").replace(".", "")
        digits = _DIGITS.sub("", raw)
        if value["kind"] == "person":
            if not re.fullmatch(r"\d{12}|\d{9}", raw):
                raise colander.Invalid(node["id_number"],
                                       "a citizen ID has 12 digits (CCCD) or 9 (old CMND)")
        elif not re.fullmatch(r"\d{10}(-?\d{3})?", raw):
            raise colander.Invalid(node["id_number"], "a tax code has 10 or 13 digits")
        elif len(digits) == 13:
            digits = f"{digits[:10]}-{digits[10:]}"  # the printed form of a branch's tax code
        value["id_number"] = digits


class Intake(colander.MappingSchema):
    procedure = colander.SchemaNode(colander.String(), preparer=_text)
    channel = colander.SchemaNode(colander.String(), validator=colander.OneOf(CHANNELS),
                                  missing="in_person")
    unit = colander.SchemaNode(colander.String(), preparer=_text, missing=None)
    applicant = Applicant()
    submission = colander.SchemaNode(colander.String(), missing=None,
                                     validator=colander.Regex(r"^[A-Za-z0-9_-]{8,64}$"))
    note = colander.SchemaNode(colander.String(), preparer=_text, missing="",
                               validator=colander.Length(max=2000))


class Action(colander.MappingSchema):
    action = colander.SchemaNode(colander.String())
    note = colander.SchemaNode(colander.String(), preparer=_text, missing="",
                               validator=colander.Length(max=2000))
    processing_unit = colander.SchemaNode(colander.String(), missing=None)
    new_due = colander.SchemaNode(colander.Date(), missing=None)


def errors_of(invalid):
    """A flat {field: message} dict from a colander.Invalid (for pages and the API)."""
    return {key.split(".")[-1] if key else "form": msg for key, msg in invalid.asdict().items()}
