"""Receiving a dossier at any branch (tiếp nhận) and printing its receipt."""
import secrets

from pyramid.view import view_config

from records.resources.portal import Portal
from records.schemas import CHANNELS
from records.views.common import (check_content_length, intake_data, receive_and_queue,
                                  uploads_from)
from records.views.errors import error_page


def _form_values(request, portal, procedure, errors=None, values=None):
    intake_units = [u for u in portal.units.values() if u.kind in ("centre", "branch", "point")
                    and ("admin" in request.actor.roles or u.identifier in request.actor.units)]
    return {
        "procedures": sorted(portal.procedures.values(), key=lambda p: (p.field, p.name)),
        "procedure": procedure, "channels": CHANNELS, "units": intake_units,
        "errors": errors or {}, "values": values or {},
        "submission": secrets.token_urlsafe(16),
    }


@view_config(context=Portal, name="intake", permission="intake", renderer="intake.jinja2",
             request_method="GET")
def intake_form(request):
    procedure = request.root.procedures.get(request.params.get("procedure", ""))
    return _form_values(request, request.root, procedure)


@view_config(context=Portal, name="intake", permission="intake", renderer="intake.jinja2",
             request_method="POST")
def intake_submit(request):
    check_content_length(request)
    dossier, pin = receive_and_queue(request, intake_data(request), uploads_from(request))
    request.response.status = 201
    procedure = request.root.procedures.get(dossier.procedure_code)
    return {"received": dossier, "pin": pin, "procedure": procedure}


@error_page(Portal, "intake")
def intake_form_with_errors(request, error):
    """The form again, filled in as sent, with each field's error (or the form's)."""
    portal = request.root
    procedure = portal.procedures.get(request.POST.get("procedure", ""))
    errors = error.fields or {"form": error.message}
    return "intake.jinja2", _form_values(request, portal, procedure, errors, request.POST)
