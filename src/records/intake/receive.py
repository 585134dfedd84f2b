"""Receiving a dossier (tiếp nhận): code, PIN, due date, components, receipt.

Any branch receives for any procedure, whatever the applicant's address. Called by the
intake page and the API; the caller's transaction (pyramid_tm) commits or aborts it whole.
"""
import io
import secrets
from dataclasses import dataclass

import argon2

from records import notes
from records.i18n import _
from records.resources.dossiers import Component, Dossier
from records.intake.uploads import store_upload
from records.errors import Conflict, UserError
from records.printing.receipt import render_receipt
from records.process.engine import StepInput, begin as begin_process

PIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud, typed by hand
PIN_LENGTH = 8

# NB: PINs are short-lived secrets checked on a public page; argon2 makes a leaked store
# useless for recovering them, at a cost that also slows guessing. Argon2id with OWASP's
# recommended configuration (Password Storage Cheat Sheet: m = 19 MiB, t = 2, p = 1).
# 32 MiB cost an intake 3× as much on a busy 2-core machine (0.9 s against 0.3 s measured in
# one run: memory bandwidth, not the CPU, is the limit) for no strength OWASP asks for.
# Hashes made with other parameters still verify (they are in the hash).
_pin_hasher = argon2.PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1,
                                    type=argon2.Type.ID)
_DUMMY_PIN = _pin_hasher.hash("DUMMYPIN")


class IntakeError(UserError):
    """Input that cannot be received (shown to the officer as a 4xx)."""


def new_pin():
    return "".join(secrets.choice(PIN_ALPHABET) for _ in range(PIN_LENGTH))


def hash_pin(pin):
    return _pin_hasher.hash(pin.upper())


def check_pin(dossier, pin):
    """Constant effort whether or not ``dossier`` exists (``None``): no timing oracle."""
    try:
        _pin_hasher.verify(dossier.pin_hash if dossier is not None else _DUMMY_PIN,
                           (pin or "").strip().upper())
    except (argon2.exceptions.VerifyMismatchError, argon2.exceptions.InvalidHashError):
        return False
    return dossier is not None


def issue_code(numbers, portal, unit_id, day):
    """``<unit id>-YYMMDD-XXXX``, the number taken from ``numbers`` (records.numbering:
    outside this transaction, so two intakes at once never conflict on it).

    Unique, not gapless: a number taken by a transaction that aborts is not used again.
    A code already in the store (numbers given out by the store's own counters before, or
    an allocator restored from an older backup than the store) is skipped."""
    key = f"{unit_id}-{day:%y%m%d}"
    after = portal.sequences.last(key)
    while True:
        number = numbers.take(key, after)
        if number > 9999:
            raise IntakeError(_("unit ${unit} has received 9,999 dossiers today",
                                mapping={"unit": unit_id}))
        code = f"{key}-{number:04d}"
        if code not in portal.dossiers:
            return code
        after = number


@dataclass
class Prepared:
    """An intake worked out and not yet kept: the dossier with its components and files (in
    blobs, not yet in the store), its PIN and the files to read."""
    dossier: Dossier
    pin: str
    versions: list
    note: str


def prepare(portal, data, uploads, actor, now, calendar, allowed_types, limit, numbers):
    """The part of receiving that takes time (the PIN's hash, the files into blobs) and writes
    nothing in the store: it may run in one transaction and :func:`keep` in the next.

    ``uploads`` maps a component key to a list of ``(filename, stream)``."""
    procedure = portal.procedures.get(data["procedure"])
    if procedure is None or not procedure.active:
        raise IntakeError(_("unknown procedure ${code}",
                            mapping={"code": repr(data["procedure"])}))
    unit_id = data.get("unit") or actor.unit
    if unit_id not in portal.units:
        raise IntakeError(_("unknown unit ${unit}", mapping={"unit": repr(unit_id)}))
    if "admin" not in actor.roles and unit_id not in actor.units:
        raise IntakeError(_("you can receive only at your own unit"))
    known = {c["key"] for c in procedure.components}
    extra = set(uploads) - known
    if extra:
        raise IntakeError(_("procedure ${code} has no component ${key}",
                            mapping={"code": procedure.code, "key": repr(sorted(extra)[0])}))
    missing = [c["name"] for c in procedure.components
               if c.get("required") and not uploads.get(c["key"])]
    pin = new_pin()
    due = calendar.add_working_days(now.date(), procedure.days)
    code = issue_code(numbers, portal, unit_id, now)
    dossier = Dossier(code, procedure.code, data["applicant"], data.get("channel", "in_person"),
                      unit_id, now, actor.login, due, hash_pin(pin))
    versions = []
    for spec in procedure.components:
        component = dossier.add_component(Component(spec["key"], spec["name"], spec.get("kind", "")))
        for filename, stream in uploads.get(spec["key"], ()):
            version = store_upload(stream, filename, uploaded_by=actor.login, uploaded_at=now,
                                   allowed_types=allowed_types, limit=limit, unit_id=unit_id,
                                   owner=code)
            component.add_version(version)
            versions.append(version)
    note = data.get("note", "")
    if missing:
        reason = data.get("missing_reason") or ""
        note = (note + "\n" if note else "") + notes.missing_at_intake(missing, reason)
    return Prepared(dossier, pin, versions, note)


def keep(portal, prepared, actor, now, data):
    """Put a :func:`prepare`d dossier in the store: its files, the catalog, the applicant's
    list, its history and the first step of its process."""
    dossier = prepared.dossier
    for version in prepared.versions:
        portal.register_file(version)
    portal.dossiers.add(dossier.code, dossier)
    portal.note_applicant(dossier.applicant["id_number"], dossier.code)
    dossier.record("receive", actor.login, now, dossier.receiving_unit, None, "received",
                   prepared.note)
    try:
        begin_process(portal, dossier, now, actor.login, data.get("case"))
    except StepInput as e:
        raise IntakeError(e.message) from None


def receive(portal, data, uploads, actor, now, calendar, allowed_types, limit, numbers):
    """Create a dossier from validated ``data`` (see schemas.Intake) in one transaction.

    Returns ``(dossier, pin, versions)``; the PIN is shown once (on the receipt) and stored
    hashed."""
    prepared = prepare(portal, data, uploads, actor, now, calendar, allowed_types, limit,
                       numbers)
    keep(portal, prepared, actor, now, data)
    return prepared.dossier, prepared.pin, prepared.versions


def _refuse_resubmitted(portal, token):
    if token and portal.submissions.get(token):
        code = portal.submissions.get(token)
        raise Conflict(_("This form was already submitted: dossier ${code} was received. "
                         "Open it from the dossier list instead of submitting again.",
                         mapping={"code": code}), details={"code": code})


def receive_with_receipt(portal, actor, now, data, uploads, calendar, allowed_types, limit,
                         public_url, numbers, fresh_snapshot=lambda: None):
    """Receive a dossier (:func:`receive`) and keep its printed receipt (a PDF with the
    lookup QR code); returns ``(dossier, pin, versions to read)``.

    The slow part (the PIN's hash, the receipt, the files: nine tenths of an intake) is done
    first, writing nothing in the store; then ``fresh_snapshot()`` may begin a new
    transaction (records.store.fresh_snapshot) so that only the writes that follow can
    conflict with other intakes: under load the conflicts and the retries they cost grow
    with the time between a transaction's first read and its commit.

    A form's one-time ``submission`` token that already received a dossier is refused (409,
    naming that dossier): a double click receives nothing twice."""
    token = data.get("submission")
    _refuse_resubmitted(portal, token)
    prepared = prepare(portal, data, uploads, actor, now, calendar, allowed_types, limit,
                       numbers)
    dossier = prepared.dossier
    procedure = portal.procedures[dossier.procedure_code]
    pdf = render_receipt(dossier, procedure, portal.units[dossier.receiving_unit],
                         prepared.pin, public_url)
    receipt = store_upload(io.BytesIO(pdf), f"giay-tiep-nhan-{dossier.code}.pdf",
                           uploaded_by=actor.login, uploaded_at=now,
                           allowed_types={"application/pdf"}, limit=None,
                           unit_id=dossier.receiving_unit, owner=dossier.code)
    receipt.derivation = "receipt"
    receipt.reading.state = "done"  # NB: our own print-out; nothing to read
    fresh_snapshot()
    _refuse_resubmitted(portal, token)  # NB: again, as the store is now
    keep(portal, prepared, actor, now, data)
    if token:
        portal.submissions.add(token, dossier.code, now)
    dossier.receipt = portal.register_file(receipt)
    return dossier, prepared.pin, prepared.versions
