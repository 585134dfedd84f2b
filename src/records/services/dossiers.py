"""Listing dossiers, adding a file version, firing a workflow action."""
from BTrees.OOBTree import OOTreeSet

from records import workflow
from records.errors import NotFound, UserError
from records.i18n import _
from records.intake.uploads import store_upload
from records.process.engine import follow as follow_process
from records.schemas import Action, validate
from records.security import visible_codes

PAGE_SIZE = 50


def catalog_filters(portal, actor, today, params, names=False):
    """The catalog's code sets for ``actor``'s visibility and the list's filters (``q``,
    ``state``, ``procedure``, ``unit``, ``overdue``).

    ``q`` matches the dossier code (its start, or its ``YYMMDD-XXXX`` tail), and the
    applicant's name only when ``names`` is set: callers set it for POSTed filters, so
    that no name travels in a URL.
    """
    catalog = portal.catalog
    filters = [visible_codes(catalog, actor)]
    state, unit = params.get("state") or None, params.get("unit") or None
    if state and unit:  # NB: one set, however big the state's and the unit's
        filters.append(catalog.state_unit_filter(state, unit))
    elif state:
        filters.append(catalog.state_filter(state))
    elif unit:
        filters.append(catalog.by_unit.get(unit, OOTreeSet()))
    procedure = params.get("procedure") or None
    if procedure:
        filters.append(catalog.by_procedure.get(procedure, OOTreeSet()))
    if params.get("overdue") in ("1", "true", "on"):
        filters.append(catalog.late_codes(today))
    q = (params.get("q") or "").strip()
    if q:
        filters.append(catalog.matching_text(q, names))
    return filters


def find_dossiers(portal, actor, today, params, names=False, size=PAGE_SIZE):
    """``(total, dossiers of the requested page, page, pages)``, newest received first,
    from the catalog (no dossier outside the page is read)."""
    page = page_number(params)
    total, codes = portal.catalog.query(catalog_filters(portal, actor, today, params, names),
                                        page, size)
    return total, [portal.dossiers[c] for c in codes], page, (total + size - 1) // size or 1


def page_number(params):
    try:
        return max(1, int(params.get("page", 1)))
    except ValueError:
        return 1


def page_of(items, params, size=PAGE_SIZE):
    """``(items on the page, page number, pages)`` for the ``page`` parameter."""
    page = page_number(params)
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
    fired = workflow.fire(dossier, data["action"], actor, now, calendar, note=data["note"],
                          unit=actor.unit, processing_unit=data["processing_unit"],
                          new_due=data["new_due"])
    # the dossier's internal process moves along with the global state
    follow_process(portal, dossier, data["action"], actor, now, calendar, data["note"])
    return fired


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
