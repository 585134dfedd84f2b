"""The dossier list, the dossier page, its actions, new versions and downloads."""
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from records import audit, clock, labels, workflow
from records.archive import holds
from records.i18n import _, translate
from records.resources.dossiers import Dossier, Dossiers
from records.results.reuse import attach, offers_for, reference_status
from records.services.corrections import fields_view
from records.services import dossiers as services
from records.services.dossiers import add_version, file_of, fire_action
from records.views.common import (calendar, download, queue_reading, upload_limits,
                                  uploaded_file)
from records.views.errors import error_page, shown
from records.views.format import ACTION_NAMES


def find_dossiers(request, params, names=False, size=services.PAGE_SIZE):
    """The officer's page of dossiers matching ``params`` (services.dossiers)."""
    return services.find_dossiers(request.root, request.actor, clock.today(), params,
                                  names=names, size=size)


@view_config(context=Dossiers, permission="view", renderer="dossiers.jinja2")
def dossier_list(request):
    posted = request.method == "POST"
    params = request.POST if posted else request.GET
    total, items, page, pages = find_dossiers(request, params, names=posted)
    return {"dossiers": items, "total": total, "page": page, "pages": pages,
            "params": params, "states": workflow.STATES,
            "procedures": sorted(request.root.procedures.values(), key=lambda p: p.name),
            "units": list(request.root.units.values()), "today": clock.today(),
            "is_overdue": workflow.is_overdue}


@view_config(context=Dossier, permission="view", renderer="dossier.jinja2")
def dossier_page(request):
    dossier = request.context
    portal = request.root
    if request.method == "GET":  # NB: not again when _back() shows the page after a refusal
        audit.record_request(request, "view_dossier", dossier.code)
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
        "reading_labels": {state: translate(request, name)
                           for state, name in labels.READING_STATES.items()},
        "reference_status": lambda ref: reference_status(portal, ref),
        "hold": holds.hold_of(portal, dossier.code),
    }


def reuse_offers(request, dossier):
    """{component key: offers} for the components still without a file that have offers."""
    if dossier.state not in workflow.OPEN_STATES or not request.has_permission("act", dossier):
        return {}
    return offers_for(request.root, dossier, clock.today(), request.actor)


@view_config(context=Dossier, name="reuse", permission="act", request_method="POST")
def reuse(request):
    attach(request.root, request.context, request.POST.get("component", ""),
           request.POST.get("source", ""), request.actor, clock.now())
    confirm(request, _("The earlier document is attached by reference."))
    return HTTPSeeOther(request.resource_url(request.context))


@view_config(context=Dossier, name="act", permission="act", request_method="POST")
def act(request):
    fire_action(request.root, request.actor, clock.now(), request.context, dict(request.POST),
                calendar())
    confirm(request, _("Done: ${action}.", mapping={
        "action": ACTION_NAMES.get(request.POST.get("action"), request.POST.get("action"))}))
    return HTTPSeeOther(request.resource_url(request.context))


def confirm(request, message):
    """Say on the next page that the action was done (the session's flash queue)."""
    request.session.flash(translate(request, message))


@error_page(Dossier)
def dossier_page_with_error(request, error):
    """A refused action, upload, reuse or correction: the dossier page again, saying why."""
    values = dossier_page(request)
    values["error"] = shown(error)
    return "dossier.jinja2", values


@view_config(context=Dossier, name="upload", permission="act", request_method="POST")
def upload(request):
    upload = uploaded_file(request, _("choose a file to upload"))
    allowed, limit = upload_limits(request)
    version = add_version(request.root, request.actor, clock.now(), request.context,
                          request.POST.get("component", ""), upload.filename, upload.file,
                          allowed, limit)
    queue_reading(request, [version])
    confirm(request, _("The file is uploaded as a new version; reading has started."))
    return HTTPSeeOther(request.resource_url(request.context))


@view_config(context=Dossier, name="file", permission="view")
def file_download(request):
    if len(request.subpath) != 1:
        raise HTTPNotFound()
    return download(request, file_of(request.root, request.context, request.subpath[0]))
