"""The officer's start page."""
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from records import clock, workflow
from records.archive.fixity import unacknowledged
from records.resources.portal import Portal
from records.views.dossiers import visible_dossiers


@view_config(context=Portal, renderer="home.jinja2")
def home(request):
    if request.actor is None:
        return HTTPSeeOther(request.application_url + "/login")
    mine = visible_dossiers(request, {})
    today = clock.today()
    counts = {state: 0 for state in workflow.STATES}
    for dossier in mine:
        counts[dossier.state] += 1
    overdue = [d for d in mine if workflow.is_overdue(d, today)]
    return {"counts": counts, "overdue": overdue[:20], "overdue_total": len(overdue),
            "recent": mine[:10], "fixity_failures": fixity_warning(request)}


def fixity_warning(request):
    """Unacknowledged fixity failures, for those with the ``archive`` permission (else 0)."""
    if not request.has_permission("archive", request.root):
        return 0
    return len(unacknowledged(request.root.archive))
