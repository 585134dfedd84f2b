"""Check every signature of a PDF and say what it means, as a JSON-ready report.

:func:`verify_pdf` returns ``{"signatures": [...]}`` with, for each signature field (in the
order they were signed): ``signer``, ``organisation``, ``issuer``, ``signed_at`` (what the
signer's clock said), ``timestamp`` (a timestamp server's time, when there is one),
``intact`` (the signed bytes are unchanged), ``valid`` (intact, and the signature value
checks out against the signer's certificate),
``covers_whole_file``, ``added_after`` (what was appended after it: ``none``,
``validation data``, ``form filling or later signatures``, ``annotations``, ``other
changes``), ``trusted`` (the chain reaches a configured trust root), ``revocation``
(``good``, ``revoked``, ``not checked``: from the data embedded in the file only, nothing
is fetched), ``field`` and ``problems`` (English sentences; pages translate them: each is a
msgid of the ``records`` domain). An unsigned file gives an empty list.

What is not a PDF, is damaged beyond reading or is password protected raises
:class:`SignatureReadError`; one bad signature (a malformed signature dictionary, a chain
too long to examine) is reported with its problems and never stops the others.
"""
import asyncio
import io
import logging

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import EmbeddedPdfSignature, async_validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from records.errors import UserError
from records.i18n import _, english

log = logging.getLogger(__name__)

# NB: pyHanko logs a traceback with the signer's full subject (a person's name, e-mail,
# tax code) for every path it cannot build; personal data stays out of our logs.
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

MAX_SIGNATURES = 50     # more signature fields than any real document carries
MAX_CERTIFICATES = 30   # per signature: real chains carry 2-5 (plus a timestamp's)

ADDED_AFTER = {
    ModificationLevel.NONE: "none",
    ModificationLevel.LTA_UPDATES: "validation data",
    ModificationLevel.FORM_FILLING: "form filling or later signatures",
    ModificationLevel.ANNOTATIONS: "annotations",
    ModificationLevel.OTHER: "other changes",
}

# The problems (msgids: the JSON keeps them in English, pages translate them).
BROKEN = _("the signed content was changed after signing: the signature is broken")
BAD_VALUE = _("the signature value does not match the signed content and certificate")
UNREADABLE = _("the signature dictionary is malformed; the signature cannot be checked")
TOO_MANY_CERTS = _("the signature carries too many certificates to be examined")
NOT_TRUSTED = _("signature intact, signer not trusted here")
REVOKED = _("the signer's certificate was revoked")
OTHER_CHANGES = _("changes not allowed by the signature were made after signing")
PARTIAL = _("the signature does not cover a whole revision of the file")
WEAK = _("the signature uses an algorithm that is no longer accepted")
CERT_PROBLEM = _("the signer's certificate is not valid for signing at the signing time")


class SignatureReadError(UserError):
    """The file cannot be examined at all (not a PDF, damaged, password protected)."""


def verify_pdf(data, trust_roots=(), own_certs=()):
    """The report for the PDF ``data`` (bytes). ``trust_roots``: certificates trusted here;
    ``own_certs``: further certificates that may help build chains (not trusted)."""
    reader = _reader(data)
    unreadable, embedded = _signatures(reader)
    context, has_revinfo = _context_factory(reader, trust_roots, own_certs)
    return {"signatures": unreadable + [_one(sig, context, has_revinfo) for sig in embedded]}


def _signatures(reader):
    """(reports for signature fields that cannot even be parsed, the others in the order
    they were signed)."""
    try:
        fields = list(enumerate_sig_fields(reader, filled_status=True))
    except Exception:  # NB: pyHanko raises several kinds for a broken AcroForm
        raise SignatureReadError(
            _("the PDF's form (where signatures live) is damaged; its signatures cannot be "
              "read")) from None
    if len(fields) > MAX_SIGNATURES:
        raise SignatureReadError(_("the PDF has ${count} signatures; at most ${limit} are "
                                   "examined", mapping={"count": len(fields),
                                                        "limit": MAX_SIGNATURES}))
    unreadable, embedded = [], []
    for name, _value, field in fields:
        try:
            sig = EmbeddedPdfSignature(reader, field, name)
            sig.signed_revision  # NB: parses the byte range and the CMS now
            embedded.append(sig)
        except Exception:
            out = _blank(None)
            out["field"] = str(name)
            out["problems"].append(english(UNREADABLE))
            unreadable.append(out)
    embedded.sort(key=lambda sig: sig.signed_revision)
    return unreadable, embedded


def _reader(data):
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise SignatureReadError(_("the file is not a PDF"))
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
    except Exception:
        raise SignatureReadError(_("the PDF could not be opened; it may be damaged")) from None
    if reader.encrypted:
        try:
            ok = reader.decrypt(b"").status.name != "FAILED"
        except Exception:
            ok = False
        if not ok:
            raise SignatureReadError(_("the PDF is password protected; its signatures cannot "
                                       "be checked without the password"))
    return reader


def _context_factory(reader, trust_roots, own_certs):
    """A new validation context per signature (contexts keep state), preloaded with the
    certificates and revocation data the file carries (its DSS); and whether it carries
    revocation data at all."""
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except Exception:  # NB: no DSS (KeyError) or a damaged one: validate without it
        dss = None
    has_revinfo = dss is not None and bool(list(dss.ocsps) or list(dss.crls))

    def make():
        kwargs = {"trust_roots": list(trust_roots), "other_certs": list(own_certs),
                  "allow_fetching": False, "revocation_mode": "soft-fail"}
        if dss is not None:
            try:
                return dss.as_validation_context(kwargs)
            except Exception:
                pass
        return ValidationContext(**kwargs)
    return make, has_revinfo


def _blank(sig):
    return {"field": _field_name(sig) if sig is not None else None, "signer": None,
            "organisation": None, "issuer": None,
            "signed_at": None, "timestamp": None, "intact": False, "covers_whole_file": False,
            "valid": False, "added_after": None, "trusted": False, "revocation": "not checked",
            "problems": []}


def _field_name(sig):
    try:
        return str(sig.field_name)
    except Exception:
        return None


def _one(sig, make_context, has_revinfo):
    out = _blank(sig)
    try:
        certs = sig.signed_data["certificates"]
        count = len(certs) if certs.native is not None else 0
    except Exception:
        out["problems"].append(english(UNREADABLE))
        return out
    if count > MAX_CERTIFICATES:
        out["problems"].append(english(TOO_MANY_CERTS))
        return out
    try:
        status = asyncio.run(async_validate_pdf_signature(
            sig, signer_validation_context=make_context(), ts_validation_context=make_context()))
    except Exception:
        # NB: e.g. a malformed algorithm identifier; say what we can about the signer.
        _describe_cert(out, _signer_cert(sig))
        out["problems"].append(english(UNREADABLE))
        return out
    _describe_cert(out, status.signing_cert)
    out["signed_at"] = _iso(status.signer_reported_dt)
    if status.timestamp_validity is not None:
        out["timestamp"] = _iso(status.timestamp_validity.timestamp)
    out["intact"] = bool(status.intact)
    out["valid"] = bool(status.intact and status.valid)
    out["covers_whole_file"] = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    out["added_after"] = ADDED_AFTER.get(status.modification_level)
    out["trusted"] = bool(out["valid"] and status.trusted)
    out["revocation"] = _revocation(status, has_revinfo)
    out["problems"] = [english(p) for p in _problems(status, out)]
    return out


def _problems(status, out):
    problems = []
    if not status.intact:
        problems.append(BROKEN)
    elif not status.valid:
        problems.append(BAD_VALUE)
    if _weak(status):
        problems.append(WEAK)
    if status.coverage is not None and status.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        problems.append(PARTIAL)
    if status.modification_level == ModificationLevel.OTHER or status.docmdp_ok is False:
        problems.append(OTHER_CHANGES)
    if out["revocation"] == "revoked":
        problems.append(REVOKED)
    elif out["valid"] and not status.trusted:
        problems.append(NOT_TRUSTED if _untrusted_root(status) else CERT_PROBLEM)
    return problems


def _weak(status):
    return "sha1" in str(status.md_algorithm).lower()


def _untrusted_root(status):
    """True when the only trouble with the chain is that its root is not configured here."""
    indication = status.trust_problem_indic
    # NB: a SHA-1 signature fails the algorithm policy before any chain is built; its
    # weakness is reported on its own.
    # A self-signed certificate that is not a root here fails the chain constraints.
    return indication is None or indication.name in ("NO_CERTIFICATE_CHAIN_FOUND",
                                                     "CHAIN_CONSTRAINTS_FAILURE",
                                                     "CRYPTO_CONSTRAINTS_FAILURE")


def _revocation(status, has_revinfo):
    if status.revocation_details is not None:
        return "revoked"
    if has_revinfo and status.trusted:
        return "good"
    return "not checked"


def _signer_cert(sig):
    try:
        return sig.signer_cert
    except Exception:
        return None


def _describe_cert(out, cert):
    if cert is None:
        return
    try:
        subject, issuer = cert.subject.native, cert.issuer.native
    except Exception:
        return
    out["signer"] = subject.get("common_name")
    out["organisation"] = subject.get("organization_name")
    out["issuer"] = issuer.get("common_name") or issuer.get("organization_name")


def _iso(value):
    return value.isoformat() if value is not None else None
