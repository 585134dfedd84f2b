"""Digital signatures on PDFs (PAdES, with pyHanko): the centre's key and certificate
(:mod:`.keys`), signing e-results (:mod:`.sign`), checking every signature of any PDF
against trust roots kept as data (:mod:`.verify`, :mod:`.trust`).

Settings (``records.signing.*``):

``records.signing.key``          the centre's key: a PKCS#12 file (``.p12``/``.pfx``) or a
                                 PEM private key; empty: e-results are published unsigned
``records.signing.cert``         the PEM certificate, with a PEM key (not for PKCS#12)
``records.signing.chain``        PEM files of intermediate certificates (space-separated)
``records.signing.passphrase_file``  file holding the key's passphrase (never in the ini)
``records.signing.tsa_url``      a timestamp server (RFC 3161): PAdES-B-T
``records.signing.embed_revocation``  ``true``: fetch OCSP/CRL and embed them (PAdES-B-LT)
``records.signing.trust_roots``  a directory of PEM/DER root certificates (default: the
                                 one shipped in ``records/data/trust``)
"""
from records.signing.keys import load_config


def includeme(config):
    """Load the centre's key and the trust roots once, at start-up, into
    ``registry.signing`` (a :class:`records.signing.keys.SigningConfig`)."""
    config.registry.signing = load_config(config.registry.settings)
