"""Legal hold on a dossier or record (permission ``archive``).

    POST /dossiers/{code}/hold        place a hold (reason required)
    POST /dossiers/{code}/lift-hold   lift it (reason required)

The forms are on the dossier's audit page; the hold is shown on the dossier page and in
the archive lists. The rules are in records.services.archive (and records.archive.holds).
"""
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from records import clock
from records.resources.dossiers import Dossier
from records.services.archive import lift_hold, place_hold
from records.views.archive import audit_page
from records.views.errors import error_page


@view_config(context=Dossier, name="hold", permission="archive", request_method="POST")
@view_config(context=Dossier, name="lift-hold", permission="archive", request_method="POST")
def hold(request):
    dossier = request.context
    change = lift_hold if request.view_name == "lift-hold" else place_hold
    change(request.root, request.actor, clock.now(), dossier, request.POST.get("reason", ""))
    return HTTPSeeOther(request.resource_url(dossier, "audit") + "#hold")


@error_page(Dossier, "hold")
@error_page(Dossier, "lift-hold")
def hold_refused(request, error):
    """A refused hold or lift: the dossier's audit page again, saying why."""
    values = audit_page(request)
    values["hold_error"] = error.message
    return "archive_audit.jinja2", values
