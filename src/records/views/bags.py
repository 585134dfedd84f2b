"""Importing a bag exported by another portal (permission ``archive``).

    GET  /archive/import     the form
    POST /archive/import     upload the bag ZIP: validated, then the dossier is created

The checks and the building are in :mod:`records.archive.bagimport`, called through
records.services.archive; a refused bag shows its reason and nothing is imported.
"""
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from records import clock
from records.archive.bagimport import limits
from records.i18n import _
from records.jobs import READ_FILE, enqueue
from records.resources.portal import Portal
from records.services.archive import import_bag
from records.views.common import file_field
from records.views.errors import error_page


def import_upload(request):
    """Import the bag sent as the multipart field ``bag`` for the request's user and queue
    its files for reading once the request commits; returns the dossier."""
    upload = file_field(request, _("choose the bag (a ZIP) to import"), name="bag")
    limit, total = limits(request.registry.settings)
    dossier, file_ids = import_bag(request.root, request.actor, clock.now(), upload.file,
                                   limit, total)
    for file_id in file_ids:
        enqueue(request, READ_FILE, file_id)
    return dossier


@error_page(Portal, "archive", path=r"^/archive/import$")
def import_refused(request, error):
    """A refused bag: the import page again, saying why (nothing was imported)."""
    return "archive_import.jinja2", {"error": error.message}


@view_config(context=Portal, name="archive", permission="archive", request_method="GET",
             path_info=r"^/archive/import$", renderer="archive_import.jinja2")
def import_form(request):
    return {"error": None}


@view_config(context=Portal, name="archive", permission="archive", request_method="POST",
             path_info=r"^/archive/import$", renderer="archive_import.jinja2")
def import_post(request):
    dossier = import_upload(request)
    return HTTPSeeOther(request.resource_url(dossier, "audit"))
