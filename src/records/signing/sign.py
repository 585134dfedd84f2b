"""Signing a PDF as the centre (PAdES): B-B, B-T with a timestamp server, B-LT with the
revocation data embedded.

The signature is appended as an incremental update, so whatever the file held before (the
stamp, an earlier signature over the original) stays byte for byte under it.
"""
import os

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko_certvalidator import ValidationContext

from records.errors import UserError
from records.i18n import _

FIELD_NAME = "RecordsCentreSignature"
TSA_TIMEOUT = 10  # seconds


class SigningError(UserError):
    """The PDF could not be signed (the timestamp or revocation server did not answer, the
    file cannot take a signature); nothing was published."""

    status = 503


def sign_file(path, config, reason, location=""):
    """Sign the PDF at ``path`` in place with ``config`` (a
    :class:`records.signing.keys.SigningConfig` that has a signer)."""
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES,
        reason=reason, location=location or None, name=config.centre,
        embed_validation_info=config.embed_revocation,
        validation_context=ValidationContext(trust_roots=list(config.trust_roots),
                                             other_certs=list(config.chain),
                                             allow_fetching=True)
        if config.embed_revocation else None)
    timestamper = (RequestsHTTPTimeStamper(config.tsa_url, timeout=TSA_TIMEOUT)
                   if config.tsa_url else None)
    signed = path + ".signed"
    try:
        with open(path, "rb") as src, open(signed, "wb") as out:
            writer = IncrementalPdfFileWriter(src, strict=False)
            signers.sign_pdf(writer, meta, signer=config.signer, timestamper=timestamper,
                             output=out)
    except Exception as e:
        if os.path.exists(signed):
            os.remove(signed)
        raise SigningError(_("the e-result could not be signed (${kind}); nothing was "
                             "published", mapping={"kind": type(e).__name__})) from e
    os.replace(signed, path)
