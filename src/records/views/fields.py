"""Officers' corrections of the fields read from a file: a form on the dossier page, and
the API."""
import colander
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from records import clock
from records.corrections import Correction, fields_view
from records.i18n import joined
from records.schemas import messages_of
from records.resources.dossiers import Dossier
from records.views.common import json_object
from records.views.dossiers import _back, file_of

def correct(request, dossier, file_id, values):
    """Validate and record one correction; raises colander.Invalid.

    Only the dossier's own files: a file it reuses by reference belongs to another dossier
    and is corrected there (404 here, as for any file that is not this dossier's)."""
    version = file_of(request, dossier, file_id)
    owner = request.root.files.get(version.derived_from) if version.derived_from else version
    if getattr(owner, "owner", None) != dossier.code:
        raise HTTPNotFound("no such file in this dossier")
    data = Correction().deserialize(values)
    now = clock.now()
    version.reading.correct(data["field"], data["value"], request.actor.login, now)
    dossier.record("correct_field", request.actor.login, now, request.actor.unit,
                   dossier.state, dossier.state,
                   f"{version.filename}: {data['field']} = {data['value']}")
    return version


@view_config(context=Dossier, name="correct", permission="act", request_method="POST")
def correct_page(request):
    try:
        correct(request, request.context, request.POST.get("file_id", ""), dict(request.POST))
    except colander.Invalid as e:
        return _back(request, joined(messages_of(e).values()), status=400)
    return HTTPSeeOther(request.resource_url(request.context))


@view_config(route_name="api.file_fields", renderer="json", permission="view",
             request_method="GET")
def fields_api(request):
    version = file_of(request, request.context, request.matchdict["file_id"])
    return {"fields": fields_view(version), "all": version.reading.fields,
            "corrections": [{**c, "at": c["at"].isoformat()}
                            for c in version.reading.corrections]}


@view_config(route_name="api.file_fields", renderer="json", permission="act",
             request_method="POST")
def correct_api(request):
    body = json_object(request)
    try:
        version = correct(request, request.context, request.matchdict["file_id"], body)
    except colander.Invalid as e:
        request.tm.doom()
        request.response.status = 400
        return {"error": "invalid correction", "fields": e.asdict()}
    return {"fields": fields_view(version)}
