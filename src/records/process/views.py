"""Pages: the officer's work ("my work"), step actions, and the admins' process editor."""
import json

from jinja2 import pass_context

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config

from records import clock, workflow
from records.i18n import translate
from records.process import service
from records.printing.forms import FORMS, FormError, render_form
from records.process.definitions import ProcessInvalid


@pass_context
def dossier_steps(context, dossier):
    """For the dossier page's steps partial: the run, its passages and the open step with
    the time left; None when the dossier follows no process."""
    request = context.get("request")
    run = request.root.process_runs.get(dossier.code) if request is not None else None
    if run is None:
        return None
    case = request.root.processes.case(run.procedure, run.version, run.case)
    return {"run": run, "case": case["name"], **service.step_history(run, clock.now())}


@view_config(route_name="process.work", permission="officer", renderer="work.jinja2")
def my_work(request):
    now = clock.now()
    return {"items": service.work_items(request.root, request.actor, now), "now": now,
            "units": request.root.units, "errors": request.session.pop_flash("error")}


@view_config(route_name="process.step", permission="act", request_method="POST")
def step_action(request):
    """A step action from the work page or the dossier page; back to where it came from."""
    dossier = request.root.dossiers.get(request.matchdict["code"])
    if dossier is None:
        raise HTTPNotFound()
    if not request.has_permission("act", dossier):
        raise HTTPNotFound()  # NB: not 403: another unit's codes are not confirmed
    # NB: a refused action comes back as a message on the work page; the savepoint takes
    # back whatever the action had changed before it was refused.
    savepoint = request.tm.get().savepoint()
    try:
        service.act(request.root, dossier, request.actor, dict(request.POST), clock.now())
    except workflow.WorkflowError as e:
        savepoint.rollback()
        request.session.flash(translate(request, e.message), "error")
    return HTTPSeeOther(request.route_url("process.work"))


@view_config(route_name="process.admin", permission="admin", renderer="process_edit.jinja2")
def process_edit(request):
    code = request.matchdict["procedure"]
    procedure = request.root.procedures.get(code)
    if procedure is None:
        raise HTTPNotFound()
    book = request.root.processes
    problems, text = [], None
    if request.method == "POST":
        text = request.POST.get("definition", "")
        try:
            definition = json.loads(text)
        except ValueError:
            definition, problems = None, ["not valid JSON"]
        if definition is not None:
            try:
                service.save_version(request.root, code, definition, request.actor,
                                     clock.now(), request.POST.get("note", ""))
                return HTTPSeeOther(request.route_url("process.admin", procedure=code))
            except ProcessInvalid as e:
                problems = e.problems  # NB: nothing was saved: validation comes first
        request.response.status = 400
    current = book.current(code)
    if text is None:
        text = json.dumps(service.editable(current["definition"]), ensure_ascii=False,
                          indent=1) if current else json.dumps({"cases": []})
    return {"procedure": procedure, "history": list(reversed(book.history(code))),
            "text": text, "problems": problems}


@view_config(route_name="process.form", permission="view")
@view_config(route_name="api.form", permission="view")
def form_pdf(request):
    """One of the one-stop forms for this dossier as a PDF (409 when its history does not
    call for it: no supplement asked, not refused, not rescheduled)."""
    form, dossier, portal = request.matchdict["form"], request.context, request.root
    if form not in FORMS:
        raise HTTPNotFound()
    unit = portal.units[dossier.processing_unit or dossier.receiving_unit]
    try:
        body = render_form(form, dossier, portal.procedures[dossier.procedure_code], unit,
                           portal.units, portal.process_runs.get(dossier.code))
    except FormError as e:
        return Response(json_body={"error": str(e)}, status=409)
    response = Response(body=body, content_type="application/pdf")
    response.content_disposition = f'inline; filename="{dossier.code}-{form}.pdf"'
    return response
