"""Results (kết quả) from attachment to e-result: attach, publish (stamp), revoke, supersede.

Lifecycle of a :class:`~records.resources.dossiers.Result`::

    attach (processing officer or leader of the processing unit, dossier in_processing)
        -> draft
    workflow "approve" (leader; dossier -> result_ready)  -> approved
    publish (leader, dossier result_ready)                 -> published: the e-result exists
    revoke (leader, with a reason; from draft, approved or published) -> revoked
    supersede (leader, with a reason and a new PDF)         -> superseded; the new one is
                                                               approved and published at once

Publishing makes a stamped copy of the original PDF: a QR code and one line of text that
point to ``{public_url}/verify/{token}``, placed in the bottom margin of every page (the page
is made taller when its content reaches the bottom, so nothing is covered). The copy is a new
derived :class:`FileVersion`; the original is never changed. The stamp is appended as an
incremental update when the PDF allows it, so the original bytes (and any digital signature
over them) are kept intact inside the e-result.

When the centre's key is configured (:mod:`records.signing`), the stamped copy is then
signed (PAdES), so the signature covers the stamp too.

Functions here take the portal, dossier, actor and time; no request, no web imports. The
caller's transaction commits or aborts them whole.
"""
import os
import re
import shutil
import tempfile

import pymupdf

from records import labels, workflow
from records.errors import UserError
from records.i18n import _
from records.printing.pdf import font_file, qr_png
from records.resources.dossiers import Result
from records.resources.files import CHUNK, FileVersion
from records.signing.sign import SigningError, sign_file
from records.signing.status import check_version
from records.textnorm import fold
from records.intake.uploads import UploadError, store_upload

PDF = "application/pdf"
QR_SIZE = 64        # points: about 22 mm, readable by a phone from a printed page
QR_MIN = 40         # below this the band is too small: the page is made taller instead
MARGIN = 6
# NB: office printers cannot print the outer 4-6 mm of a sheet; 18 pt (6.4 mm) keeps the
# QR code and its caption inside every printer's printable area.
PRINTABLE = 18
CAPTION_SIZE = 7


class ResultError(UserError):
    """A result operation that cannot be done; ``status`` is the HTTP status to answer."""


# In messages: the English text is the code itself; pages show it translated.
LEADER_ACTIONS = labels.RESULT_ACTIONS
RESULT_STATUSES = labels.RESULT_STATUSES


def _status(result):
    return RESULT_STATUSES.get(result.status, result.status)


def _state(dossier):
    return workflow.STATE_LABELS.get(dossier.state, dossier.state)


def verify_url(public_url, token):
    return f"{public_url.rstrip('/')}/verify/{token}"


# -- rules -----------------------------------------------------------------------------

def _require_processing_unit(actor, dossier):
    if not workflow.in_scope(actor, dossier, ("processing",)):
        raise ResultError(_("only the processing unit of this dossier handles its results"),
                          status=403)


def _require_leader(actor, dossier, what):
    if not actor.roles & {"leader", "admin"}:
        raise ResultError(_("only a leader may ${what} a result",
                            mapping={"what": LEADER_ACTIONS[what]}), status=403)
    _require_processing_unit(actor, dossier)


def can_attach(actor, dossier):
    return (dossier.state == "in_processing" and bool(actor.roles & {"processing", "leader",
                                                                     "admin"})
            and workflow.in_scope(actor, dossier, ("processing",)))


def can_lead(actor, dossier):
    return bool(actor.roles & {"leader", "admin"}) and workflow.in_scope(
        actor, dossier, ("processing",))


# -- attach ----------------------------------------------------------------------------

def check_pdf(version, max_pages):
    """Open the stored PDF; :class:`ResultError` when it cannot be stamped later."""
    try:
        with version.open() as f, pymupdf.open(stream=f.read(), filetype="pdf") as doc:
            if doc.needs_pass or doc.is_encrypted:
                raise ResultError(
                    _("the PDF is password protected; attach an unprotected copy"), status=422)
            pages = doc.page_count
    except ResultError:
        raise
    except Exception:  # NB: MuPDF raises several kinds of errors for a broken file
        raise ResultError(_("the PDF could not be opened; it may be damaged"),
                          status=422) from None
    if pages < 1:
        raise ResultError(_("the PDF has no pages"), status=422)
    if pages > max_pages:
        raise ResultError(_("the PDF has ${pages} pages; the limit is ${limit}",
                            mapping={"pages": pages, "limit": max_pages}), status=413)
    return pages


def _new_result(portal, dossier, stream, filename, meta, actor, now, limit, max_pages):
    try:
        original = store_upload(stream, filename, uploaded_by=actor.login, uploaded_at=now,
                                allowed_types={PDF}, limit=limit, unit_id=dossier.processing_unit,
                                owner=dossier.code)
    except UploadError as e:
        message = e.message
        if e.status == 415:
            message = _("the file ${name} is ${type}, which is not accepted (a result must be a "
                        "PDF)", mapping=message.mapping)
        raise ResultError(message, status=e.status) from None
    check_pdf(original, max_pages)
    original.derivation = "result"
    portal.register_file(original)
    result = Result(original, doc_type=meta["doc_type"], number_symbol=meta["number_symbol"],
                    issuer=meta["issuer"], issue_date=meta["issue_date"],
                    valid_until=meta.get("valid_until"), kind=meta.get("kind", ""),
                    created_by=actor.login, created_at=now)
    dossier.results.append(result)
    return result


def attach(portal, dossier, stream, filename, meta, actor, now, limit, max_pages):
    """Attach a result document (PDF) as a draft. ``meta``: doc_type, number_symbol, issuer,
    issue_date (date), valid_until (date or None), kind. Returns the :class:`Result`."""
    if dossier.state != "in_processing":
        raise ResultError(_("a result is attached while the dossier is in processing, not in "
                            "state ${state}", mapping={"state": _state(dossier)}), status=409)
    if not actor.roles & {"processing", "leader", "admin"}:
        raise ResultError(_("your role may not attach a result"), status=403)
    _require_processing_unit(actor, dossier)
    result = _new_result(portal, dossier, stream, filename, meta, actor, now, limit, max_pages)
    dossier.record("attach_result", actor.login, now, actor.unit, dossier.state, dossier.state,
                   f"{result.doc_type} {result.number_symbol}")
    return result


# -- publish ---------------------------------------------------------------------------

def publish(portal, dossier, result, actor, now, public_url, signing=None):
    """Stamp the approved result, sign it when ``signing`` (a
    :class:`records.signing.keys.SigningConfig`) has the centre's key, and publish it as
    the e-result. Returns the new version."""
    _require_leader(actor, dossier, "publish")
    if result.status != "approved":
        raise ResultError(_("only an approved result can be published (this one is ${status})",
                            mapping={"status": _status(result)}), status=409)
    if dossier.state != "result_ready":
        raise ResultError(_("results are published when the result is ready, not in state "
                            "${state}", mapping={"state": _state(dossier)}), status=409)
    _publish(portal, dossier, result, actor, now, public_url, signing)
    dossier.record("publish_result", actor.login, now, actor.unit, dossier.state,
                   dossier.state, f"{result.doc_type} {result.number_symbol}")
    return result.published


def _publish(portal, dossier, result, actor, now, public_url, signing=None):
    original = result.original
    url = verify_url(public_url, result.verify_token)
    caption = stamp_caption(result, url)
    with tempfile.TemporaryDirectory(prefix="records-stamp-") as tmp:
        path = os.path.join(tmp, "result.pdf")
        with original.open() as src, open(path, "wb") as dst:
            shutil.copyfileobj(src, dst, CHUNK)
        stamp_file(path, url, caption)
        if signing is not None and signing.signer is not None:
            # NB: after the stamp, so that the signature covers the QR code and the line.
            try:
                sign_file(path, signing, reason=f"{result.doc_type} {result.number_symbol}",
                          location=url)
            except SigningError as e:
                raise ResultError(e.message, status=503) from None
        version = FileVersion(e_result_filename(result), PDF, actor.login, now,
                              unit_id=dossier.processing_unit, owner=dossier.code)
        with open(path, "rb") as f:
            version.write_from(f)
    version.derivation = "e-result"
    version.derived_from = original.file_id
    version.reading.state = "done"  # NB: the same text as the original; nothing new to read
    if signing is not None:
        check_version(version, signing, now)
    result.published = portal.register_file(version)
    result.status = "published"
    result.published_at = now
    portal.tokens[result.verify_token] = (dossier.code, result.result_id)
    dossier.returned_electronically = True


def e_result_filename(result):
    """From the number and symbol only: the original's name may carry the citizen's name."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", fold(result.number_symbol)).strip("-")
    return f"ket-qua-dien-tu-{slug or result.result_id}.pdf"


def stamp_file(path, url, caption):
    """Stamp the PDF at ``path`` in place: QR code for ``url`` and ``caption`` on every page."""
    qr = qr_png(url)
    doc = pymupdf.open(path)
    try:
        for page in doc:
            _stamp_page(page, qr, caption)
        try:
            doc.subset_fonts()
        except Exception:  # NB: a full font only costs size; the stamp itself is done
            pass
        if doc.can_save_incrementally():
            doc.save(path, incremental=True, encryption=pymupdf.PDF_ENCRYPT_KEEP)
        else:
            whole = path + ".new"
            doc.save(whole, garbage=3, deflate=True)
            os.replace(whole, path)
    finally:
        doc.close()


def stamp_caption(result, url):
    """What the stamp says beside its QR code: issuer, number and date, and where to verify
    (the printed page must be checkable by someone without a phone)."""
    issued = result.issue_date
    day = issued.strftime("%d/%m/%Y") if hasattr(issued, "strftime") else str(issued or "")
    return (f"Bản điện tử của kết quả số {result.number_symbol} do {result.issuer} ban hành "
            f"ngày {day}. Xác thực tại / Verify at: {url}")


def content_bottom(page):
    """The lowest point of anything drawn on the page (text, images, vector drawings)."""
    area = page.rect
    bottom = area.y0
    rects = [pymupdf.Rect(b[:4]) for b in page.get_text("blocks")]
    rects += [pymupdf.Rect(info["bbox"]) for info in page.get_image_info()]
    rects += [d["rect"] for d in page.get_drawings()]
    for rect in rects:
        rect = rect & area
        if not rect.is_empty and not rect.is_infinite:
            bottom = max(bottom, rect.y1)
    return bottom


def _stamp_page(page, qr, caption):
    if page.rotation:
        page.remove_rotation()  # NB: so that "bottom" is the bottom the reader sees
    free = page.rect.y1 - content_bottom(page) - MARGIN - PRINTABLE
    size = min(QR_SIZE, free)
    if size < QR_MIN:
        # The content reaches the bottom (e.g. a full-page scan): add a band below it.
        box = page.mediabox
        page.set_mediabox(pymupdf.Rect(box.x0, box.y0 - QR_SIZE - MARGIN - PRINTABLE, box.x1,
                                       box.y1))
        size = QR_SIZE
    area = page.rect
    qr_rect = pymupdf.Rect(area.x1 - PRINTABLE - size, area.y1 - PRINTABLE - size,
                           area.x1 - PRINTABLE, area.y1 - PRINTABLE)
    page.insert_image(qr_rect, stream=qr)
    page.insert_font(fontname="rstamp", fontfile=font_file())
    text_rect = pymupdf.Rect(area.x0 + PRINTABLE, qr_rect.y1 - 4 * (CAPTION_SIZE + 2),
                             qr_rect.x0 - MARGIN, qr_rect.y1)
    page.insert_textbox(text_rect, caption, fontname="rstamp", fontsize=CAPTION_SIZE,
                        color=(0.2, 0.2, 0.2))


# -- revoke and supersede -------------------------------------------------------------

def revoke(dossier, result, reason, actor, now):
    """Revoke a result (a draft set aside, or an approved or published one withdrawn); it
    stays on record and its verification page says so."""
    _require_leader(actor, dossier, "revoke")
    reason = (reason or "").strip()
    if not reason:
        raise ResultError(_("give the reason for revoking the result"))
    if result.status not in ("draft", "approved", "published"):
        raise ResultError(_("a ${status} result cannot be revoked",
                            mapping={"status": _status(result)}), status=409)
    result.status = "revoked"
    result.status_reason = reason
    result.status_at, result.status_by = now, actor.login
    dossier.record("revoke_result", actor.login, now, actor.unit, dossier.state, dossier.state,
                   f"{result.number_symbol}: {reason}")


def supersede(portal, dossier, old, stream, filename, meta, reason, actor, now, limit,
              max_pages, public_url, signing=None):
    """Replace a published result with a corrected one (approved and published at once by
    the leader who supersedes). Returns the new :class:`Result`."""
    _require_leader(actor, dossier, "supersede")
    reason = (reason or "").strip()
    if not reason:
        raise ResultError(_("give the reason for replacing the result"))
    if old.status != "published":
        raise ResultError(_("only a published result can be superseded (this one is ${status})",
                            mapping={"status": _status(old)}), status=409)
    if dossier.state not in ("result_ready", "returned"):
        raise ResultError(_("cannot supersede a result in state ${state}",
                            mapping={"state": _state(dossier)}), status=409)
    new = _new_result(portal, dossier, stream, filename, meta, actor, now, limit, max_pages)
    new.status = "approved"
    new.approved_by, new.approved_at = actor.login, now
    new.supersedes = old.result_id
    _publish(portal, dossier, new, actor, now, public_url, signing)
    old.status = "superseded"
    old.superseded_by = new.result_id
    old.status_reason = reason
    old.status_at, old.status_by = now, actor.login
    dossier.record("supersede_result", actor.login, now, actor.unit, dossier.state,
                   dossier.state, f"{old.number_symbol} → {new.number_symbol}: {reason}")
    return new


def stamped_bytes(pdf, url, caption="verify"):
    """Stamp PDF bytes (for tools and tests); the file-based :func:`stamp_file` is the path."""
    with tempfile.TemporaryDirectory(prefix="records-stamp-") as tmp:
        path = os.path.join(tmp, "in.pdf")
        with open(path, "wb") as f:
            f.write(pdf)
        stamp_file(path, url, caption)
        with open(path, "rb") as f:
            return f.read()

