"""The signature status of stored file versions: computed from the committed bytes (never
changed) and kept beside them in ``version.signatures`` (a
:class:`records.resources.files.SignatureCheck`).

Cost, measured on the real signed PDFs of ../shared/realdocs (2-core machine): 0.02-0.16 s
for files with one or two signatures, 1-2.4 s for 1 MB files with 4-9 signatures; so a
received file is checked by a worker after the request commits
(:data:`records.jobs.CHECK_SIGNATURES`), and only a published e-result (one signature,
ours) is checked in the request that publishes it.
"""
from dataclasses import dataclass

from records.i18n import english
from records.signing.verify import SignatureReadError, verify_pdf

PDF = "application/pdf"


@dataclass(frozen=True)
class Outcome:
    """A verification's result before it is stored: the report, or why there is none."""
    report: dict = None
    reason: str = None

    def record_on(self, check, at):
        if self.report is not None:
            check.record(self.report, at)
        else:
            check.refuse(self.reason, at)


def check_bytes(data, config):
    """Verify the PDF ``data`` with ``config``'s trust roots (no store involved)."""
    try:
        return Outcome(report=verify_pdf(data, config.trust_roots, config.chain))
    except SignatureReadError as e:
        return Outcome(reason=english(e.message))


def check_version(version, config, now):
    """Verify ``version``'s signatures now and record the outcome in
    ``version.signatures``. Returns the report or None."""
    if version.media_type != PDF or version.signatures is None:
        return None
    with version.open() as f:
        outcome = check_bytes(f.read(), config)
    outcome.record_on(version.signatures, now)
    return outcome.report


def summary(check):
    """For pages and the API: ``None`` (not a PDF / not checked yet), or a dict with
    ``state``, ``signed`` (count), ``intact`` (all intact), ``trusted`` (all trusted),
    ``reason`` and the ``signatures``."""
    if check is None or check.state == "unchecked":
        return None
    if check.state == "failed":
        return {"state": "failed", "reason": check.reason, "signed": 0, "intact": False,
                "trusted": False, "signatures": []}
    signatures = check.report["signatures"]
    return {"state": "done", "reason": None, "signed": len(signatures),
            "intact": bool(signatures) and all(s["intact"] for s in signatures),
            "trusted": bool(signatures) and all(s["trusted"] for s in signatures),
            "signatures": signatures}


def is_signed(version):
    """True when the recorded check of ``version`` found at least one signature."""
    check = version.signatures
    return (check is not None and check.state == "done"
            and bool(check.report["signatures"]))


def intact_now(version):
    """True when ``version`` (a PDF) carries at least one signature and every signature in
    it still verifies over the stored bytes (checked now: the bytes could have rotted)."""
    with version.open() as f:
        data = f.read()
    try:
        signatures = verify_pdf(data)["signatures"]
    except SignatureReadError:
        return False
    return bool(signatures) and all(s["intact"] and s["valid"] for s in signatures)


def centre_signature(check, centre):
    """The centre's own signature on a published e-result (the last one it holds), or
    None: ``{"centre", "signed_at", "valid"}`` for the QR page."""
    summary_ = summary(check)
    if summary_ is None or not summary_["signatures"]:
        return None
    last = summary_["signatures"][-1]
    return {"centre": last["organisation"] or last["signer"] or centre,
            "signed_at": last["timestamp"] or last["signed_at"],
            # NB: B-LT appends validation data after the signature; anything else added
            # (or any doubt) is a problem and makes the e-result's signature not valid.
            "valid": bool(last["intact"] and last["valid"] and last["trusted"]
                          and not last["problems"]
                          and last["added_after"] in ("none", "validation data")),
            "problems": last["problems"]}
