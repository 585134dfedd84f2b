"""Trust roots kept as data: a directory of certificates, read once per setting value."""
import functools
from pathlib import Path

from asn1crypto import pem, x509

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "data" / "trust"
SUFFIXES = (".pem", ".crt", ".cer", ".der")


class TrustError(ValueError):
    """A trust root file that cannot be read (a configuration error, named by file)."""


def trust_dir(settings):
    return Path(settings.get("records.signing.trust_roots") or DEFAULT_DIR)


def read_certificates(data):
    """Every certificate in ``data`` (PEM with one or more blocks, or one DER)."""
    if pem.detect(data):
        return [x509.Certificate.load(der) for kind, _headers, der in pem.unarmor(data, True)
                if kind == "CERTIFICATE"]
    return [x509.Certificate.load(data)]


@functools.lru_cache(maxsize=8)
def load_roots(directory):
    """The certificates in ``directory`` (a str path), as a tuple; a missing directory is
    no roots. NB: cached, so a request never re-reads the files; restart to pick up new
    ones."""
    path = Path(directory)
    if not path.is_dir():
        return ()
    roots = []
    for file in sorted(path.iterdir()):
        if file.suffix.lower() not in SUFFIXES:
            continue
        try:
            certs = read_certificates(file.read_bytes())
            for cert in certs:
                cert.native  # NB: parse now, so a broken file fails here, not mid-check
        except Exception as e:
            raise TrustError(f"trust root {file} cannot be read: {e}") from None
        roots.extend(certs)
    return tuple(roots)
