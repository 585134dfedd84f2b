"""The dossier list, the dossier page, its actions, new versions and downloads."""
from urllib.parse import quote

import colander
from pyramid.httpexceptions import HTTPBadRequest, HTTPNotFound, HTTPSeeOther
from pyramid.renderers import render_to_response
from pyramid.response import FileResponse
from pyramid.view import view_config

from records import clock, workflow
from records.i18n import _, joined, message_of, translate
from records.jobs import READ_FILE, enqueue
from records.resources.dossiers import Dossier, Dossiers
from records.corrections import fields_view
from records.results.reuse import ReuseError, attach, candidates, reference_status
from records.schemas import Action, messages_of
from records.security import can_see_dossier
from records.textnorm import fold
from records.intake.uploads import UploadError, store_upload
from records.views import archive as archive_views
from records.views.common import calendar, check_content_length, upload_limits
from records.views.format import ACTION_NAMES

PAGE_SIZE = 50


def visible_dossiers(request, params, names=False):
    """Dossiers the officer may see that match the filters, newest first.

    ``q`` matches the dossier code, and the applicant's name only when ``names`` is set:
    callers set it for POSTed filters, so that no name travels in a URL.
    """
    actor = request.actor
    q = fold(params.get("q", ""))
    state = params.get("state") or None
    procedure = params.get("procedure") or None
    unit = params.get("unit") or None
    overdue = params.get("overdue") in ("1", "true", "on")
    today = clock.today()
    found = []
    for dossier in reversed(list(request.root.dossiers.values())):
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
    try:
        page = max(1, int(params.get("page", 1)))
    except ValueError:
        page = 1
    start = (page - 1) * size
    return items[start:start + size], page, (len(items) + size - 1) // size or 1


@view_config(context=Dossiers, permission="view", renderer="dossiers.jinja2")
def dossier_list(request):
    posted = request.method == "POST"
    params = request.POST if posted else request.GET
    found = visible_dossiers(request, params, names=posted)
    items, page, pages = page_of(found, params)
    return {"dossiers": items, "total": len(found), "page": page, "pages": pages,
            "params": params, "states": workflow.STATES,
            "procedures": sorted(request.root.procedures.values(), key=lambda p: p.name),
            "units": list(request.root.units.values()), "today": clock.today(),
            "is_overdue": workflow.is_overdue}


@view_config(context=Dossier, permission="view", renderer="dossier.jinja2")
def dossier_page(request):
    dossier = request.context
    portal = request.root
    return {
        "dossier": dossier,
        "procedure": portal.procedures.get(dossier.procedure_code),
        "units": portal.units,
        "actions": workflow.available(request.actor, dossier),
        "departments": portal.units.by_kind("department"),
        "overdue": workflow.is_overdue(dossier, clock.today()),
        "can_upload": dossier.state in workflow.OPEN_STATES
        and request.has_permission("act", dossier),
        "error": None,
        "offers": reuse_offers(request, dossier),
        "fields_of": fields_view,
        "reference_status": lambda ref: reference_status(portal, ref),
    }


def reuse_offers(request, dossier):
    """{component key: offers} for the components still without a file that have offers."""
    if dossier.state not in workflow.OPEN_STATES or not request.has_permission("act", dossier):
        return {}
    today = clock.today()
    found = {c.key: candidates(request.root, dossier, c, today, request.actor)
             for c in dossier.ordered_components() if not c.versions and not c.reference}
    return {key: offers for key, offers in found.items() if offers}


@view_config(context=Dossier, name="reuse", permission="act", request_method="POST")
def reuse(request):
    try:
        attach(request.root, request.context, request.POST.get("component", ""),
               request.POST.get("source", ""), request.actor, clock.now())
    except ReuseError as e:
        return _back(request, message_of(e), status=400)
    confirm(request, _("The earlier document is attached by reference."))
    return HTTPSeeOther(request.resource_url(request.context))


def fire_action(request, dossier, values):
    """Validate and fire one workflow action; raises WorkflowError / colander.Invalid."""
    data = Action().deserialize(values)
    units = request.root.units
    if data["processing_unit"] and data["processing_unit"] not in units:
        raise workflow.InvalidInput(_("unknown department"))
    workflow.fire(dossier, data["action"], request.actor, clock.now(), calendar(),
                  note=data["note"], unit=request.actor.unit,
                  processing_unit=data["processing_unit"], new_due=data["new_due"])


@view_config(context=Dossier, name="act", permission="act", request_method="POST")
def act(request):
    dossier = request.context
    try:
        fire_action(request, dossier, dict(request.POST))
    except colander.Invalid as e:
        return _back(request, joined(messages_of(e).values()), status=400)
    except workflow.Forbidden as e:
        return _back(request, message_of(e), status=403)
    except workflow.WorkflowError as e:
        return _back(request, message_of(e), status=400)
    confirm(request, _("Done: ${action}.", mapping={
        "action": ACTION_NAMES.get(request.POST.get("action"), request.POST.get("action"))}))
    return HTTPSeeOther(request.resource_url(dossier))


def confirm(request, message):
    """Say on the next page that the action was done (the session's flash queue)."""
    request.session.flash(translate(request, message))


def _back(request, message, status):
    """The dossier page again with ``message`` (translated by the page), and a 4xx."""
    request.tm.doom()
    request.response.status = status
    values = dossier_page(request)
    values["error"] = message
    response = render_to_response("dossier.jinja2", values, request=request)
    response.status = status
    return response


def add_version(request, dossier, key, filename, stream):
    """Append a new version to component ``key`` (earlier versions stay) and queue reading."""
    component = dossier.components.get(key)
    if component is None:
        raise HTTPNotFound(_("no component ${key}", mapping={"key": repr(key)}))
    if component.reference is not None:
        raise HTTPBadRequest(_("this component reuses an earlier result; it takes no upload"))
    if dossier.state not in workflow.OPEN_STATES:
        raise HTTPBadRequest(_("the dossier is closed"))
    allowed, limit = upload_limits(request)
    now = clock.now()
    version = store_upload(stream, filename, uploaded_by=request.actor.login, uploaded_at=now,
                           allowed_types=allowed, limit=limit, unit_id=request.actor.unit,
                           owner=dossier.code)
    component.add_version(request.root.register_file(version))
    dossier.record("upload", request.actor.login, now, request.actor.unit, dossier.state,
                   dossier.state, f"{component.name}: {version.filename} (v{version.number})")
    enqueue(request, READ_FILE, version.file_id)
    return version


@view_config(context=Dossier, name="upload", permission="act", request_method="POST")
def upload(request):
    check_content_length(request)
    upload = request.POST.get("file")
    if not hasattr(upload, "file"):
        return _back(request, _("choose a file to upload"), status=400)
    try:
        add_version(request, request.context, request.POST.get("component", ""),
                    upload.filename, upload.file)
    except UploadError as e:
        return _back(request, message_of(e), status=e.status)
    confirm(request, _("The file is uploaded as a new version; reading has started."))
    return HTTPSeeOther(request.resource_url(request.context))


def file_of(request, dossier, file_id):
    """The file version ``file_id`` if it belongs to ``dossier`` or is reused by it (else
    404: no probing of other dossiers' files)."""
    for component in dossier.ordered_components():
        if component.reference and component.reference["file_id"] == file_id:
            return request.root.files[file_id]
    for version in dossier.file_versions():
        if version.file_id == file_id:
            return version
        derived = version.reading.derived_pdf
        if derived is not None and derived.file_id == file_id:
            return derived
    raise HTTPNotFound(_("no such file in this dossier"))


def download(request, version):
    archive_views.served(request, version)  # disposed files: 404; officers' downloads: audit
    response = FileResponse(version.path(), request=request, content_type=version.media_type)
    response.content_disposition = _disposition(version.filename)
    response.headers["X-Content-SHA256"] = version.sha256
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _disposition(filename):
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


@view_config(context=Dossier, name="file", permission="view")
def file_download(request):
    if len(request.subpath) != 1:
        raise HTTPNotFound()
    return download(request, file_of(request, request.context, request.subpath[0]))
