"""The public verify page: what the QR code on an e-result opens. Anyone, no login;
Vietnamese by default, English on request; JSON for clients that ask for it.

    GET  /verify/{token}           what anyone may know of the result (no applicant, no code)
    POST /verify/{token}           is this file byte-identical to the published e-result?
"""
from pyramid.response import Response
from pyramid.view import view_config

from records import clock, labels
from records.errors import Conflict, NotFound, UserError
from records.i18n import _, english, translate
from records.resources.files import FileTooLarge, copy_hashed
from records.resources.portal import Portal
from records.results import publish
from records.signing.status import centre_signature
from records.signing.verify import SignatureReadError, verify_pdf
from records.views.common import file_field
from records.views.errors import error_page, shown, wants_json
from records.views.public import NO_STORE, answering_with, render, unit_name

MESSAGES = {
    "no_result": _("This e-result is not available for your dossier."),
    "unknown_token": _("No result has this verification code."),
    "no_file": _("Choose the file to check."),
    "too_large": _("The file is larger than the published e-result, so it cannot be "
                   "identical."),
    "no_length": _("Content-Length is required."),
}


class VerifyRefused(UserError):
    """A file the verify page cannot check: the page again, with what it says of the
    result (``details``: the verification, also in the JSON answer)."""


def _verified(request):
    """(dossier, result) for the token in the path, or None."""
    if len(request.subpath) != 1:
        return None
    found = request.root.tokens.get(request.subpath[0])
    if found is None:
        return None
    code, result_id = found
    dossier = request.root.dossiers.get(code)
    try:
        return dossier, dossier.result(result_id)
    except (AttributeError, KeyError):
        return None


def verification(request, dossier, result):
    """What anyone may know about a result: no applicant, no dossier code, no officer."""
    superseding = dossier.result(result.superseded_by) if result.superseded_by else None
    today = clock.today()
    if result.status == "published":
        state = "expired" if result.valid_until and result.valid_until < today else "valid"
    else:
        state = result.status
    return {
        "status": state, "doc_type": result.doc_type, "number_symbol": result.number_symbol,
        "issuer": result.issuer, "issue_date": _iso(result.issue_date),
        "valid_until": _iso(result.valid_until),
        "issuing_unit": unit_name(request.root.units, dossier.processing_unit),
        "published_at": _iso(result.published_at),
        "status_changed_at": _iso(result.status_at),
        "sha256": result.published.sha256 if result.published else None,
        "size": result.published.size if result.published else None,
        "signature": centre_signature(result.published.signatures, result.issuer)
        if result.published is not None else None,
        "superseded_by": {
            "number_symbol": superseding.number_symbol,
            "issue_date": _iso(superseding.issue_date),
            "verify_url": publish.verify_url(request.registry.settings["records.public_url"],
                                             superseding.verify_token),
        } if superseding is not None and superseding.published is not None else None,
    }


def _iso(value):
    return value.isoformat() if value is not None else None


#: The verify page: public, and its URL is not sent on to other sites (NB: the token is
#: in the URL).
public_verification = answering_with({**NO_STORE, "Referrer-Policy": "no-referrer"})


def _verify_reply(request, info, check=None, status=200, error=None):
    if wants_json(request):
        return Response(json=dict(info, check=check), status=status)
    return render(request, "verify.jinja2", status=status, info=info, check=check,
                  error=error, status_name=translate(request, labels.label(
                      labels.VERIFY_STATUSES, info["status"])) if info else None)


def _verified_or_404(request):
    found = _verified(request)
    if found is None:
        raise NotFound(MESSAGES["unknown_token"])
    return found


@error_page(Portal, "verify")
def verify_page_with_error(request, error):
    """The verify page again, saying why; what it knows of the result is in ``details``."""
    return _verify_reply(request, error.details or None, status=error.status,
                         error=translate(request, shown(error)))


@view_config(context=Portal, name="verify", request_method="GET", decorator=public_verification)
def verify_page(request):
    return _verify_reply(request, verification(request, *_verified_or_404(request)))


@view_config(context=Portal, name="verify", request_method="POST", require_csrf=False,
             decorator=public_verification)
def verify_file(request):
    """Compare an uploaded file with the published e-result: streamed, hashed, bounded.

    NB: no CSRF token: the check stores nothing and changes nothing, and a machine (or a
    page elsewhere) may ask it.
    """
    found = _verified_or_404(request)
    info = verification(request, *found)
    try:
        check = checked_upload(request, found[1].published)
    except UserError as e:
        raise VerifyRefused(e.message, status=e.status, details=dict(info, check=None)) from None
    return _verify_reply(request, info, check)


def checked_upload(request, published):
    """Is the file uploaded as ``file`` byte-identical to ``published`` (and what does it
    say of its signatures)? Refused (UserError) without reading it where no answer is
    possible or it cannot be identical."""
    if published is None:
        raise Conflict(MESSAGES["no_result"])
    length = request.content_length
    if length is None:
        raise UserError(MESSAGES["no_length"], status=411)
    # NB: multipart framing adds a little; anything bigger than that cannot be identical,
    # and refusing it before reading keeps the public endpoint cheap.
    if length > published.size + 64 * 1024:
        raise UserError(MESSAGES["too_large"], status=413)
    upload = file_field(request, MESSAGES["no_file"])
    try:
        size, digest = copy_hashed(upload.file, limit=published.size)
    except FileTooLarge as e:  # NB: stop reading: it cannot be identical any more
        size, digest = e.size, e.sha256
    check = {"identical": size == published.size and digest == published.sha256,
             "sha256": digest, "size": size}
    check.update(uploaded_signatures(request, upload.file, size))
    return check


def uploaded_signatures(request, stream, size):
    """The signatures of the uploaded file (it was bounded by the e-result's size above):
    ``{"signatures": [...]}``, or ``{"signatures": [], "signature_error": why}``."""
    stream.seek(0)
    signing = request.registry.signing
    try:
        return verify_pdf(stream.read(size), signing.trust_roots, signing.chain)
    except SignatureReadError as e:
        return {"signatures": [], "signature_error": english(e.message)}
