"""Officers' corrections of the fields read from a file: a form on the dossier page, and
the API."""
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from records import clock
from records.resources.dossiers import Dossier
from records.services.corrections import correct, fields_view
from records.services.dossiers import file_of
from records.views.common import json_object


@view_config(context=Dossier, name="correct", permission="act", request_method="POST")
def correct_page(request):
    correct(request.root, request.actor, clock.now(), request.context,
            request.POST.get("file_id", ""), dict(request.POST))
    return HTTPSeeOther(request.resource_url(request.context))


@view_config(route_name="api.file_fields", renderer="json", permission="view",
             request_method="GET")
def fields_api(request):
    version = file_of(request.root, request.context, request.matchdict["file_id"])
    return {"fields": fields_view(version), "all": version.reading.fields,
            "corrections": [{**c, "at": c["at"].isoformat()}
                            for c in version.reading.corrections]}


@view_config(route_name="api.file_fields", renderer="json", permission="act",
             request_method="POST")
def correct_api(request):
    version = correct(request.root, request.actor, clock.now(), request.context,
                      request.matchdict["file_id"], json_object(request))
    return {"fields": fields_view(version)}
