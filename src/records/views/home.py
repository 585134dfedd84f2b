"""The officer's start page: counts, late dossiers and the latest ones, from the catalog."""
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from records import workflow
from records.archive.fixity import unacknowledged
from records.resources.portal import Portal
from records.views.dossiers import find_dossiers


@view_config(context=Portal, renderer="home.jinja2")
def home(request):
    if request.actor is None:
        return HTTPSeeOther(request.application_url + "/login")
    counts = {state: find_dossiers(request, {"state": state}, size=1)[0]
              for state in workflow.STATES}
    overdue_total, overdue, _, _ = find_dossiers(request, {"overdue": "1"}, size=20)
    recent = find_dossiers(request, {}, size=10)[1]
    return {"counts": counts, "overdue": overdue, "overdue_total": overdue_total,
            "recent": recent, "fixity_failures": fixity_warning(request)}


def fixity_warning(request):
    """Unacknowledged fixity failures, for those with the ``archive`` permission (else 0)."""
    if not request.has_permission("archive", request.root):
        return 0
    return len(unacknowledged(request.root.archive))
