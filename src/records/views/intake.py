"""Receiving a dossier at any branch (tiếp nhận) and printing its receipt."""
import secrets

from pyramid.view import view_config

from records.resources.portal import Portal
from records.schemas import CHANNELS
from records.textnorm import clean, fold
from records.views.common import (check_content_length, intake_data, receive_and_queue,
                                  uploads_from)
from records.views.errors import error_page


MAX_MATCHES = 50


def find_procedures(portal, query):
    """Active procedures whose code, name or field contains every word of ``query``
    (accent-insensitive), at most :data:`MAX_MATCHES`."""
    words = fold(query).split()
    found = []
    for procedure in portal.procedures.values():
        text = fold(f"{procedure.code} {procedure.name} {procedure.field}")
        if procedure.active and all(w in text for w in words):
            found.append(procedure)
            if len(found) == MAX_MATCHES:
                break
    return found


def _form_values(request, portal, procedure, errors=None, values=None, query="",
                 matches=None):
    intake_units = [u for u in portal.units.values() if u.kind in ("centre", "branch", "point")
                    and ("admin" in request.actor.roles or u.identifier in request.actor.units)]
    return {
        "procedures": sorted(portal.procedures.values(), key=lambda p: (p.field, p.name)),
        "procedure": procedure, "channels": CHANNELS, "units": intake_units,
        "errors": errors or {}, "values": values or {},
        "submission": secrets.token_urlsafe(16), "query": query, "matches": matches,
    }


@view_config(context=Portal, name="intake", permission="intake", renderer="intake.jinja2",
             request_method="GET")
def intake_form(request):
    """The form; ``procedure`` is a code (the picker's choice) or words to search for."""
    query = clean(request.params.get("procedure", ""))[:200]
    procedure = request.root.procedures.get(query)
    matches = None if procedure or not query else find_procedures(request.root, query)
    if matches and len(matches) == 1:
        procedure, matches = matches[0], None
    return _form_values(request, request.root, procedure, query=query, matches=matches)


@view_config(context=Portal, name="intake", permission="intake", renderer="intake.jinja2",
             request_method="POST")
def intake_submit(request):
    check_content_length(request)
    dossier, pin = receive_and_queue(request, intake_data(request), uploads_from(request))
    request.response.status = 201
    procedure = request.root.procedures.get(dossier.procedure_code)
    return {"received": dossier, "pin": pin, "procedure": procedure,
            "received_keys": [c.key for c in dossier.ordered_components() if c.versions]}


@error_page(Portal, "intake")
def intake_form_with_errors(request, error):
    """The form again, filled in as sent, with each field's error (or the form's)."""
    portal = request.root
    procedure = portal.procedures.get(request.POST.get("procedure", ""))
    errors = error.fields or {"form": error.message}
    return "intake.jinja2", _form_values(request, portal, procedure, errors, request.POST)
