"""Listing dossiers, adding a file version, firing a workflow action."""
from records import workflow
from records.errors import NotFound, UserError
from records.i18n import _
from records.intake.uploads import store_upload
from records.schemas import Action, validate
from records.security import can_see_dossier
from records.textnorm import fold

PAGE_SIZE = 50


def list_dossiers(portal, actor, today, filters, names=False):
    """Dossiers ``actor`` may see that match ``filters`` (``q``, ``state``, ``procedure``,
    ``unit``, ``overdue``), newest first.

    ``q`` matches the dossier code, and the applicant's name only when ``names`` is set:
    callers set it for POSTed filters, so that no name travels in a URL.
    """
    q = fold(filters.get("q", ""))
    state = filters.get("state") or None
    procedure = filters.get("procedure") or None
    unit = filters.get("unit") or None
    overdue = filters.get("overdue") in ("1", "true", "on")
    found = []
    for dossier in reversed(list(portal.dossiers.values())):
        if not can_see_dossier(actor, dossier):
            continue
        if state and dossier.state != state:
            continue
        if procedure and dossier.procedure_code != procedure:
            continue
        if unit and unit not in (dossier.receiving_unit, dossier.processing_unit):
            continue
        if overdue and not workflow.is_overdue(dossier, today):
            continue
        if q and q not in fold(dossier.code) and not (
                names and q in fold(dossier.applicant.get("name", ""))):
            continue
        found.append(dossier)
    found.sort(key=lambda d: d.received_at, reverse=True)
    return found


def page_of(items, params, size=PAGE_SIZE):
    """``(items on the page, page number, pages)`` for the ``page`` parameter."""
    try:
        page = max(1, int(params.get("page", 1)))
    except ValueError:
        page = 1
    start = (page - 1) * size
    return items[start:start + size], page, (len(items) + size - 1) // size or 1


def add_version(portal, actor, now, dossier, key, filename, stream, allowed_types, limit):
    """Append a new version to component ``key`` (earlier versions stay); returns it (the
    caller queues its reading)."""
    component = dossier.components.get(key)
    if component is None:
        raise NotFound(_("no component ${key}", mapping={"key": repr(key)}))
    if component.reference is not None:
        raise UserError(_("this component reuses an earlier result; it takes no upload"))
    if dossier.state not in workflow.OPEN_STATES:
        raise UserError(_("the dossier is closed"))
    version = store_upload(stream, filename, uploaded_by=actor.login, uploaded_at=now,
                           allowed_types=allowed_types, limit=limit, unit_id=actor.unit,
                           owner=dossier.code)
    component.add_version(portal.register_file(version))
    dossier.record("upload", actor.login, now, actor.unit, dossier.state, dossier.state,
                   f"{component.name}: {version.filename} (v{version.number})")
    return version


def fire_action(portal, actor, now, dossier, values, calendar):
    """Validate ``values`` (schemas.Action) and fire that workflow action on ``dossier``."""
    data = validate(Action(), values)
    if data["processing_unit"] and data["processing_unit"] not in portal.units:
        raise workflow.InvalidInput(_("unknown department"))
    return workflow.fire(dossier, data["action"], actor, now, calendar, note=data["note"],
                         unit=actor.unit, processing_unit=data["processing_unit"],
                         new_due=data["new_due"])


def file_of(portal, dossier, file_id):
    """The file version ``file_id`` if it belongs to ``dossier`` or is reused by it (else
    404: no probing of other dossiers' files)."""
    for component in dossier.ordered_components():
        if component.reference and component.reference["file_id"] == file_id:
            return portal.files[file_id]
    for version in dossier.file_versions():
        if version.file_id == file_id:
            return version
        derived = version.reading.derived_pdf
        if derived is not None and derived.file_id == file_id:
            return derived
    raise NotFound(_("no such file in this dossier"))
