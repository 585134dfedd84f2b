"""Fields read from a file (number, date, issuer…) and officers' corrections of them.

A correction is kept with who and when; the extracted value stays in the reading and in
the correction's ``previous``, so nothing read is lost.
"""
import colander

from records.textnorm import clean

CORRECTABLE = ("number_symbol", "doc_type", "issuer", "issue_date", "place", "summary")


class Correction(colander.MappingSchema):
    field = colander.SchemaNode(colander.String(), validator=colander.OneOf(CORRECTABLE))
    value = colander.SchemaNode(colander.String(), preparer=clean,
                                validator=colander.Length(min=1, max=1000))

    def validator(self, node, value):
        if value["field"] == "issue_date":
            colander.Date().deserialize(node["value"], value["value"])


def fields_view(version):
    """The fields of ``version`` as shown to officers: extracted and current values."""
    reading = version.reading
    out = []
    for name in CORRECTABLE:
        found = reading.fields.get(name) or {}
        out.append({"field": name, "extracted": found.get("value"),
                    "confidence": found.get("confidence"), "page": found.get("page"),
                    "value": reading.field_value(name),
                    "corrected": any(c["field"] == name for c in reading.corrections)})
    return out
