"""Fields read from a file (number, date, issuer…) and officers' corrections of them.

A correction is kept with who and when; the extracted value stays in the reading and in
the correction's ``previous``, so nothing read is lost. A corrected issuer joins the
centre's issuer vocabulary (``Portal.issuer_names``) for later readings.
"""
from records import notes
from records.errors import NotFound
from records.i18n import _
from records.schemas import CORRECTABLE, Correction, validate
from records.services.dossiers import file_of


def correct(portal, actor, now, dossier, file_id, values):
    """Validate (schemas.Correction) and record one correction; returns the file version.

    Only the dossier's own files: a file it reuses by reference belongs to another dossier
    and is corrected there (404 here, as for any file that is not this dossier's)."""
    version = file_of(portal, dossier, file_id)
    owner = portal.files.get(version.derived_from) if version.derived_from else version
    if getattr(owner, "owner", None) != dossier.code:
        raise NotFound(_("no such file in this dossier"))
    data = validate(Correction(), values)
    version.reading.correct(data["field"], data["value"], actor.login, now)
    if data["field"] == "issuer":
        # NB: the centre's vocabulary: later readings match damaged headers against it too.
        portal.learn_issuer(data["value"])
    dossier.record("correct_field", actor.login, now, actor.unit, dossier.state,
                   dossier.state, notes.corrected(version.filename, data["field"], data["value"]))
    return version


#: A value read with at least this confidence is taken as right; under it the officer is
#: asked to check it (issue 12 counts a wrong value at 0.8 or more as "confident but wrong").
CONFIDENT = 0.8


def needs_check(found, corrected):
    """True for a field the reader gave (a value or a confidence) under :data:`CONFIDENT`
    that no officer has corrected since."""
    if corrected or not found:
        return False
    if found.get("value") in (None, "") and found.get("confidence") is None:
        return False  # NB: nothing was read at all: nothing to doubt
    return (found.get("confidence") or 0) < CONFIDENT


def fields_view(version):
    """The fields of ``version`` as shown to officers: extracted and current values, the
    confidence and whether to check it; those to check first, then in the usual order."""
    reading = version.reading
    out = []
    for name in CORRECTABLE:
        found = reading.fields.get(name) or {}
        corrected = any(c["field"] == name for c in reading.corrections)
        out.append({"field": name, "extracted": found.get("value"),
                    "confidence": found.get("confidence"), "page": found.get("page"),
                    "value": reading.field_value(name), "corrected": corrected,
                    "needs_check": needs_check(found, corrected)})
    return sorted(out, key=lambda f: not f["needs_check"])
