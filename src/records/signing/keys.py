"""The centre's signing key and certificate: loading them from the ini's settings, and a
self-signed trial certificate for a trial install.

:func:`load_config` is called once at start-up (:func:`records.signing.includeme`): a key
named in the ini that cannot be loaded stops the portal with a clear message, instead of
failing at the first publication.
"""
import datetime
import os
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.sign import signers

from records.signing.trust import load_roots, trust_dir

TRIAL_DAYS = 3 * 365


class SigningConfigError(ValueError):
    """The signing settings name files that cannot be used (said at start-up)."""


@dataclass(frozen=True)
class SigningConfig:
    """What publishing and verification need: the signer (None: sign nothing), the
    timestamp server, whether to embed revocation data, the trust roots."""
    signer: object = None
    tsa_url: str = ""
    embed_revocation: bool = False
    trust_roots: tuple = ()
    chain: tuple = field(default=())

    @property
    def centre(self):
        """The name the centre signs with (its certificate's organisation or name)."""
        if self.signer is None:
            return None
        subject = self.signer.signing_cert.subject.native
        return subject.get("organization_name") or subject.get("common_name")

    @property
    def level(self):
        if self.signer is None:
            return None
        if self.embed_revocation:
            return "PAdES-B-LT"
        return "PAdES-B-T" if self.tsa_url else "PAdES-B-B"


def _flag(value):
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def load_config(settings):
    """The :class:`SigningConfig` for ``settings``; :class:`SigningConfigError` when a file
    named there is missing or unreadable."""
    roots = load_roots(str(trust_dir(settings)))
    key = (settings.get("records.signing.key") or "").strip()
    if not key:
        return SigningConfig(trust_roots=roots)
    signer = _load_signer(settings, key)
    chain = tuple(signer.cert_registry)
    # NB: what the centre signs with is trusted here: its own root (or, for a trial
    # certificate, the certificate itself) joins the configured roots.
    own = tuple(c for c in chain if c.self_signed) or (signer.signing_cert,)
    return SigningConfig(signer=signer,
                         tsa_url=(settings.get("records.signing.tsa_url") or "").strip(),
                         embed_revocation=_flag(settings.get("records.signing.embed_revocation",
                                                             "")),
                         trust_roots=roots + own, chain=chain)


def _passphrase(settings):
    path = (settings.get("records.signing.passphrase_file") or "").strip()
    if not path:
        return None
    try:
        return Path(path).read_bytes().strip()
    except OSError as e:
        raise SigningConfigError(f"records.signing.passphrase_file: {e.strerror}: {path}") \
            from None


def _load_signer(settings, key):
    if not Path(key).is_file():
        raise SigningConfigError(f"records.signing.key: no such file: {key}")
    chain = (settings.get("records.signing.chain") or "").split()
    for path in chain:
        if not Path(path).is_file():
            raise SigningConfigError(f"records.signing.chain: no such file: {path}")
    passphrase = _passphrase(settings)
    try:
        if key.lower().endswith((".p12", ".pfx")):
            signer = signers.SimpleSigner.load_pkcs12(key, ca_chain_files=chain or None,
                                                      passphrase=passphrase)
        else:
            cert = (settings.get("records.signing.cert") or "").strip()
            if not cert or not Path(cert).is_file():
                raise SigningConfigError("records.signing.cert: a PEM key needs its certificate "
                                         f"file (got {cert!r})")
            signer = signers.SimpleSigner.load(key, cert, ca_chain_files=chain or None,
                                               key_passphrase=passphrase)
    except SigningConfigError:
        raise
    except Exception as e:  # NB: a wrong passphrase or a damaged file, in several kinds
        raise SigningConfigError(f"records.signing.key: {key} could not be loaded: "
                                 f"{type(e).__name__}") from None
    if signer is None:  # NB: pyHanko logs why and returns None (wrong passphrase, bad file)
        raise SigningConfigError(f"records.signing.key: {key} could not be loaded (wrong "
                                 "passphrase, or not a key and certificate)")
    return signer


def _fit(text, limit):
    """``text`` cut to ``limit`` UTF-8 bytes. NB: X.520 bounds these names (64), and
    cryptography counts bytes; a Vietnamese centre's name often runs longer."""
    while len(text.encode("utf-8")) > limit:
        text = text[:-1]
    return text


def make_trial_certificate(directory, centre, days=TRIAL_DAYS, now=None):
    """Write a new RSA key (``signing-key.pem``, mode 0600) and a self-signed certificate
    (``signing-cert.pem``) for ``centre`` into ``directory``; return both paths. For a trial
    install only: nobody else trusts it."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(centre, 64)),
                      x509.NameAttribute(NameOID.COMMON_NAME, _fit(centre, 56) + " (trial)")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=True,
                                         crl_sign=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    key_path, cert_path = directory / "signing-key.pem", directory / "signing-cert.pem"
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM,
                                  serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path
