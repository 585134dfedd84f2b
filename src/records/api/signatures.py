"""POST /api/v1/verify-pdf: the signatures of any PDF an officer sends (what the dossier
page and ``records verify-pdf --json`` show), checked against the trust roots here."""
from pyramid.view import view_config

from records.api.views import error
from records.i18n import _, english
from records.signing.verify import SignatureReadError, verify_pdf
from records.views.common import upload_limits, uploaded_file


@view_config(route_name="api.verify_pdf", renderer="json", permission="officer",
             request_method="POST")
def verify(request):
    upload = uploaded_file(request, _("send the PDF as multipart field 'file'"))
    limit = upload_limits(request)[1]
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        return error(request, 413, f"the file is larger than the limit of {limit} bytes")
    signing = request.registry.signing
    try:
        return verify_pdf(data, signing.trust_roots, signing.chain)
    except SignatureReadError as e:
        return error(request, 422, english(e.message))
