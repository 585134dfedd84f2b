"""POST /api/v1/verify-pdf: the signatures of any PDF an officer sends (what the dossier
page and ``records verify-pdf --json`` show), checked against the trust roots here."""
from pyramid.view import view_config

from records.errors import UserError
from records.i18n import _
from records.signing.verify import SignatureReadError, verify_pdf
from records.views.common import upload_limits, uploaded_file


@view_config(route_name="api.verify_pdf", renderer="json", permission="officer",
             request_method="POST")
def verify(request):
    upload = uploaded_file(request, _("send the PDF as multipart field 'file'"))
    limit = upload_limits(request)[1]
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise UserError(_("the upload is larger than the limit of ${mb} MB",
                          mapping={"mb": limit // (1024 * 1024)}), status=413)
    signing = request.registry.signing
    try:
        return verify_pdf(data, signing.trust_roots, signing.chain)
    except SignatureReadError as e:
        raise UserError(e.message, status=422) from e
