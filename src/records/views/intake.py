"""Receiving a dossier at any branch (tiếp nhận) and printing its receipt."""
import io
import secrets

from pyramid.httpexceptions import HTTPConflict
from pyramid.view import view_config

from records import clock
from records.i18n import _, message_of
from records.intake.receive import IntakeError, receive
from records.jobs import READ_FILE, enqueue
from records.printing.receipt import render_receipt
from records.publicurl import check_can_print
from records.resources.portal import Portal
from records.schemas import CHANNELS
from records.textnorm import clean, fold
from records.intake.uploads import UploadError, store_upload
from records.views.common import (InputError, calendar, check_content_length, intake_data,
                                  upload_limits, uploads_from)



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
    portal = request.root
    check_content_length(request)
    token = request.POST.get("submission")
    if token and token in portal.submissions:
        raise HTTPConflict(_(
            "This form was already submitted: dossier ${code} was received. Open it from the "
            "dossier list instead of submitting again.",
            mapping={"code": portal.submissions[token]}))
    procedure = portal.procedures.get(request.POST.get("procedure", ""))
    try:
        data = intake_data(request)
        dossier, pin = receive_and_queue(request, data, uploads_from(request))
    except InputError as e:
        request.response.status = e.status
        return _form_values(request, portal, procedure, e.errors, request.POST)
    except (IntakeError, UploadError) as e:
        request.tm.doom()  # nothing half-stored
        request.response.status = getattr(e, "status", 400)
        return _form_values(request, portal, procedure, {"form": message_of(e)}, request.POST)
    request.response.status = 201
    return {"received": dossier, "pin": pin, "procedure": procedure,
            "received_keys": [c.key for c in dossier.ordered_components() if c.versions]}


def receive_and_queue(request, data, uploads):
    """Receive (see records.intake.receive), keep the receipt, queue reading of each file."""
    portal = request.root
    check_can_print(request)  # NB: the receipt prints the public URL for ever
    allowed, limit = upload_limits(request)
    now = clock.now()
    dossier, pin, versions = receive(portal, data, uploads, request.actor, now, calendar(),
                                     allowed, limit)
    if data.get("submission"):
        portal.submissions[data["submission"]] = dossier.code
    procedure = portal.procedures[dossier.procedure_code]
    pdf = render_receipt(dossier, procedure, portal.units[dossier.receiving_unit], pin,
                         request.registry.settings["records.public_url"])
    receipt = store_upload(io.BytesIO(pdf), f"giay-tiep-nhan-{dossier.code}.pdf",
                           uploaded_by=request.actor.login, uploaded_at=now,
                           allowed_types={"application/pdf"}, limit=None,
                           unit_id=dossier.receiving_unit, owner=dossier.code)
    receipt.derivation = "receipt"
    receipt.reading.state = "done"  # NB: our own print-out; nothing to read
    dossier.receipt = portal.register_file(receipt)
    for version in versions:
        enqueue(request, READ_FILE, version.file_id)
    return dossier, pin
