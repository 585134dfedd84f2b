"""POST /api/v1/verify-pdf: the signatures of any PDF an officer sends (what the dossier
page and ``records verify-pdf --json`` show), checked against the trust roots here."""
from pyramid.view import view_config

from records.i18n import english
from records.signing.verify import SignatureReadError, verify_pdf
from records.views.common import check_content_length, upload_limits


@view_config(route_name="api.verify_pdf", renderer="json", permission="officer",
             request_method="POST")
def verify(request):
    check_content_length(request)
    upload = request.POST.get("file")
    if not hasattr(upload, "file"):
        request.response.status = 400
        return {"error": "send the PDF as multipart field 'file'"}
    limit = upload_limits(request)[1]
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        request.response.status = 413
        return {"error": f"the file is larger than the limit of {limit} bytes"}
    signing = request.registry.signing
    try:
        return verify_pdf(data, signing.trust_roots, signing.chain)
    except SignatureReadError as e:
        request.response.status = 422
        return {"error": english(e.message)}
