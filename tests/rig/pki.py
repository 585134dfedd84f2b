"""A test PKI on loopback: a root CA, the centre's signing certificate, a timestamp server,
an OCSP responder and a CRL, built by certomancer and served by its Animator WSGI app.

Keys are made fresh for each run (RSA, with cryptography); the certificates carry the
OCSP and CRL addresses of the running server, so pyHanko fetches real responses over
HTTP when it embeds revocation data (PAdES-B-LT).
"""
import threading
from pathlib import Path

from asn1crypto import pem
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.rig import ServiceUnavailable

ARCH = "records-test"
CENTRE = "Trung tâm Phục vụ hành chính công tỉnh Thử"
KEYS = ("root", "centre", "tsa", "ocsp", "revoked")

CONFIG = """
external-url-prefix: "{prefix}"
keysets:
  records-test:
    path-prefix: "{keys}"
    keys:
      root: {{path: root.key.pem}}
      centre: {{path: centre.key.pem}}
      tsa: {{path: tsa.key.pem}}
      ocsp: {{path: ocsp.key.pem}}
      revoked: {{path: revoked.key.pem}}
pki-architectures:
  records-test:
    keyset: records-test
    entity-defaults:
      country-name: VN
      organization-name: Records Test PKI
    entities:
      root: {{common-name: Records Test Root CA}}
      centre: {{common-name: "{centre} - ký số", organization-name: "{centre}"}}
      tsa: {{common-name: Records Test TSA}}
      ocsp: {{common-name: Records Test OCSP}}
      revoked: {{common-name: "Đơn vị đã thu hồi", organization-name: "Đơn vị đã thu hồi"}}
    certs:
      root:
        subject: root
        issuer: root
        validity: &validity
          valid-from: "2020-01-01T00:00:00+0000"
          valid-to: "2090-01-01T00:00:00+0000"
        extensions:
          - id: basic_constraints
            critical: true
            value: {{ca: true}}
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, key_cert_sign, crl_sign]}}
      centre: &leaf
        subject: centre
        issuer: root
        validity: *validity
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, non_repudiation]}}
          - id: authority_information_access
            smart-value:
              schema: aia-urls
              params:
                ocsp-responder-names: [root-ocsp]
          - id: crl_distribution_points
            smart-value:
              schema: crl-dist-url
              params: {{crl-repo-names: [root]}}
      revoked:
        <<: *leaf
        subject: revoked
        revocation:
          revoked-since: "2021-01-01T00:00:00+0000"
          reason: key_compromise
      tsa:
        subject: tsa
        issuer: root
        validity: *validity
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature]}}
          - id: extended_key_usage
            critical: true
            value: [time_stamping]
      ocsp:
        subject: ocsp
        issuer: root
        validity: *validity
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature]}}
          - id: extended_key_usage
            critical: true
            value: [ocsp_signing]
          - id: ocsp_no_check
    services:
      ocsp:
        root-ocsp:
          for-issuer: root
          responder-cert: ocsp
          signing-key: ocsp
      crl-repo:
        root:
          for-issuer: root
          signing-key: root
          simulated-update-schedule: "P90D"
      time-stamping:
        tsa:
          signing-key: tsa
          signing-cert: tsa
"""


class PkiRig:
    """``start()`` writes keys and serves the PKI; then ``tsa_url``, ``pkcs12(label)``,
    ``cert_pem(label)`` give what a centre's ini names."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.server = None
        self.arch = None

    def start(self):
        try:
            from certomancer.integrations.animator import Animator, AnimatorArchStore
            from certomancer.registry import CertomancerConfig
            from werkzeug.serving import make_server
        except ImportError as e:  # NB: a test dependency; the rig reports it, never hides it
            raise ServiceUnavailable(f"certomancer[web-api] is not installed: {e}") from e
        keys = self.directory / "keys"
        keys.mkdir(parents=True, exist_ok=True)
        for label in KEYS:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            (keys / f"{label}.key.pem").write_bytes(key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption()))
        self.server = make_server("127.0.0.1", 0, lambda env, start: [], threaded=True)
        prefix = f"http://127.0.0.1:{self.server.server_port}"
        config = CertomancerConfig.from_yaml(
            CONFIG.format(prefix=prefix, keys=keys, centre=CENTRE), key_search_dir=str(keys))
        self.arch = config.get_pki_arch(ARCH)
        self.server.app = Animator(AnimatorArchStore(config.pki_archs), with_web_ui=False)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    @property
    def tsa_url(self):
        return self.arch.service_registry.get_tsa_info("tsa").url

    def cert(self, label):
        return self.arch.get_cert(label)

    def cert_pem(self, label):
        path = self.directory / f"{label}.cert.pem"
        path.write_bytes(_pem(self.arch.get_cert(label).dump()))
        return path

    def pkcs12(self, label, passphrase=b"correct horse"):
        path = self.directory / f"{label}.p12"
        path.write_bytes(self.arch.package_pkcs12(label, password=passphrase))
        return path


def _pem(der):
    return pem.armor("CERTIFICATE", der)
