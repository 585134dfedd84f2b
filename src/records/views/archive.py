"""The archivists' pages (văn thư, lưu trữ): closed dossiers managed as records.

    GET  /archive                      fixity runs, dossiers whose retention ended, proposals,
                                       dispositions (permission ``archive``)
    POST /archive/propose              propose disposition of selected dossiers, with a reason
    GET  /archive/proposals            pending proposals (``approve-disposition``)
    POST /archive/approve|reject       decide one (someone other than its author)
    GET  /archive/audit?code=…         → the dossier's audit trail
    GET  /dossiers/{code}/audit        history, officers' and citizens' downloads, retention
    GET  /dossiers/{code}/export       the dossier as a BagIt ZIP

:func:`served` is called wherever a file is served (``views.dossiers.download``).
"""
import tempfile

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.response import FileIter, Response
from pyramid.view import view_config

from records import audit, clock
from records.archive import records as records_archive
from records.archive.export import write_bag
from records.errors import NotFound
from records.i18n import _
from records.resources.dossiers import Dossier
from records.resources.portal import Portal
from records.security import can_see_dossier
from records.services.archive import disposal_candidates, visible_holds
from records.services.dossiers import PAGE_SIZE, page_number
from records.views.errors import error_page

DISPOSED_MESSAGE = _("This document was disposed of (hủy) when its retention period ended; "
                     "its content is no longer kept. The disposition record remains.")


class FileDisposed(NotFound):
    """A disposed file was asked for (a 404 that says why, not "no such page")."""


def served(request, version):
    """Before a file is served: 404 when it was disposed of; an officer's download is
    recorded in the audit trail (who, when, which file, through which dossier)."""
    portal = request.root
    if records_archive.file_disposed(portal, version.file_id):
        raise FileDisposed(DISPOSED_MESSAGE)
    if request.actor is not None:
        via = request.context.code if isinstance(request.context, Dossier) else None
        audit.record_request(request, "download", version.owner or via,
                             file_id=version.file_id, via=via)
        portal.archive.record_download(version.owner or via, version.file_id,
                                       request.actor.login, request.actor.unit, clock.now(),
                                       kind="file" if via in (None, version.owner)
                                       else f"file via {via}")


def _may_see(request):
    actor = request.actor
    return lambda dossier: can_see_dossier(actor, dossier)


def archive_values(request, error=None):
    """The archive's start page; the dossiers whose retention ended come a page at a time
    from the catalog (records.services.archive), and only that page's are read."""
    portal = request.root
    archive = portal.archive
    page = page_number(request.GET)
    due_total, due = disposal_candidates(portal, request.actor, clock.now(), page, PAGE_SIZE)
    dispositions = sorted(archive.disposed.values(), key=lambda r: r["approved_at"],
                          reverse=True)[:20]
    return {
        "runs": archive.last_runs(10),
        "due": due, "due_total": due_total, "page": page,
        "pages": (due_total + PAGE_SIZE - 1) // PAGE_SIZE or 1,
        "retention_of": lambda d: records_archive.retention_of(portal, d),
        "pending": sorted(archive.pending(), key=lambda p: p.proposed_at, reverse=True),
        "dispositions": dispositions,
        "holds": visible_holds(portal, request.actor),
        "held": set(archive.holds.keys()),
        "fixity_days": request.registry.settings.get("records.fixity_days", "30"),
        "error": error,
        "reason": request.POST.get("reason", "") if request.method == "POST" else "",
    }


@view_config(context=Portal, name="archive", permission="archive", request_method="GET",
             path_info=r"^/archive/?$", renderer="archive.jinja2")
def archive_page(request):
    return archive_values(request)


@error_page(Portal, "archive")
def archive_page_with_error(request, error):
    """A refused proposal or decision: the page it was made on again, saying why."""
    if request.path.endswith(("/approve", "/reject")):
        return "archive_proposals.jinja2", proposals_values(request, error.message)
    return "archive.jinja2", archive_values(request, error.message)


@view_config(context=Portal, name="archive", permission="archive", request_method="POST",
             path_info=r"^/archive/propose$")
def propose(request):
    records_archive.propose(request.root, request.POST.getall("code"),
                            request.POST.get("reason", ""), request.actor.login, clock.now(),
                            may_see=_may_see(request))
    return HTTPSeeOther(request.application_url + "/archive#proposals")


def proposals_values(request, error=None):
    portal = request.root
    may_see = _may_see(request)
    pending = [p for p in portal.archive.pending()
               if all(c in portal.dossiers and may_see(portal.dossiers[c]) for c in p.codes)]
    return {"pending": sorted(pending, key=lambda p: p.proposed_at),
            "dossiers": portal.dossiers, "error": error,
            "retention_of": lambda d: records_archive.retention_of(portal, d),
            "retention_end": lambda d: records_archive.retention_end(portal, d)}


@view_config(context=Portal, name="archive", permission="approve-disposition",
             request_method="GET", path_info=r"^/archive/proposals$",
             renderer="archive_proposals.jinja2")
def proposals_page(request):
    return proposals_values(request)


@view_config(context=Portal, name="archive", permission="approve-disposition",
             request_method="POST", path_info=r"^/archive/(approve|reject)$")
def decide(request):
    decision = records_archive.approve if request.subpath[-1] == "approve" \
        else records_archive.reject
    extra = {"unit": request.actor.unit} if decision is records_archive.approve else {}
    decision(request.root, request.POST.get("proposal", ""), request.actor.login,
             clock.now(), note=request.POST.get("note", ""), may_see=_may_see(request),
             **extra)
    return HTTPSeeOther(request.application_url + "/archive/proposals")


@view_config(context=Portal, name="archive", permission="archive", request_method="GET",
             path_info=r"^/archive/audit$")
def audit_lookup(request):
    code = request.params.get("code", "").strip()
    dossier = request.root.dossiers.get(code)
    if dossier is None or not can_see_dossier(request.actor, dossier):
        raise HTTPNotFound(request.localizer.translate(_("No such closed dossier.")))
    return HTTPSeeOther(request.resource_url(dossier, "audit"))


@view_config(context=Dossier, name="audit", permission="archive",
             renderer="archive_audit.jinja2")
def audit_page(request):
    dossier = request.context
    portal = request.root
    if request.method == "GET":
        audit.record_request(request, "view_dossier_audit", dossier.code)
    return {
        "dossier": dossier,
        "procedure": portal.procedures.get(dossier.procedure_code),
        "retention": records_archive.retention_of(portal, dossier),
        "retention_end": records_archive.retention_end(portal, dossier),
        "disposition": portal.archive.disposed.get(dossier.code),
        "officer_downloads": portal.archive.downloads_of(dossier.code),
        "public_downloads": list(dossier.downloads),
        "files": {v.file_id: v for v in records_archive.versions_of(dossier)},
        "hold": portal.archive.holds.get(dossier.code),
        "lifted_holds": list(portal.archive.lifted_holds.values(
            min=(dossier.code,), max=(dossier.code, float("inf")))),
        "hold_error": None,
    }


@view_config(context=Dossier, name="export", permission="archive", request_method="GET")
def export(request):
    """The dossier as a BagIt ZIP, written to an anonymous temporary file (never whole in
    memory) and streamed from there; the export is recorded in the audit trail."""
    dossier = request.context
    out = tempfile.TemporaryFile()
    try:
        write_bag(request.root, dossier, out)
        size = out.tell()
        out.seek(0)
    except BaseException:
        out.close()
        raise
    request.root.archive.record_download(dossier.code, None, request.actor.login,
                                         request.actor.unit, clock.now(), kind="export")
    audit.record_request(request, "export", dossier.code)
    response = Response(app_iter=FileIter(out), content_type="application/zip",
                        content_length=size)
    response.content_disposition = f'attachment; filename="{dossier.code}.zip"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
