"""Reuse of earlier results and documents (tái sử dụng): what to offer, and attaching one.

For each component of a dossier the portal offers the applicant's earlier results of the
same kind that are still valid, and earlier files of the same kind, best first. Attaching
one stores a *reference* pinned to one immutable file version: no copy is made.

Who may be offered what (personal data crosses units only for its owner):

- a dossier the officer may already open (their unit's) is offered on the applicant's ID;
- another unit's dossier only when the applicant's identity matches, ID *and* name (an ID
  number typed at another branch is not enough), and only as far as that dossier's units'
  policy allows (``Unit.reuse``, data: :data:`REUSE_POLICIES`); the strictest one applies.

Every offer says why it is made (``reason``); attaching records it on both dossiers.
"""
import datetime

from records import clock, notes
from records.archive.records import file_disposed, is_disposed
from records.errors import UserError
from records.i18n import _
from records.resources.units import REUSE_POLICIES
from records.security import can_see_dossier
from records.textnorm import fold
from records.signing.status import intact_now, is_signed

NOT_REUSABLE_KINDS = frozenset({"application-form", "receipt", ""})

# A unit's policy for offering its dossiers' documents to officers of other units, from
# the most open to the strictest (units.json ``reuse``; the default is the first).
DEFAULT_POLICY = REUSE_POLICIES[0]

# Why an offer is made (kept on the reference and in both dossiers' history).
SAME_UNIT = "same-unit"
IDENTITY = "identity-match"


class ReuseError(UserError):
    """The reference cannot be attached (shown to the officer as a 4xx)."""


def _valid(result, today):
    if not result.usable:
        return False
    if result.valid_until is not None and _as_date(result.valid_until) < today:
        return False
    # NB: a signed e-result is offered only while its signature still verifies over the
    # stored bytes (checked now, not taken from what was recorded at publication).
    version = result.published
    return version is None or not is_signed(version) or intact_now(version)


def _as_date(value):
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _fields_mention(version, applicant_id):
    ids = version.reading.fields.get("citizen_ids") or []
    values = {x.get("value") if isinstance(x, dict) else x for x in ids}
    return applicant_id in values


def policy_of(portal, dossier):
    """The strictest reuse policy of the dossier's receiving and processing units."""
    found = [getattr(portal.units.get(u), "reuse", DEFAULT_POLICY) or DEFAULT_POLICY
             for u in (dossier.receiving_unit, dossier.processing_unit) if u]
    return max(found, key=REUSE_POLICIES.index, default=DEFAULT_POLICY)


def same_applicant(one, other):
    """True when both applicants have the same ID number and the same name (folded)."""
    first, second = one.applicant, other.applicant
    return bool(first.get("id_number")) and first.get("id_number") == second.get("id_number") \
        and bool(fold(first.get("name"))) and fold(first.get("name")) == fold(second.get("name"))


def grounds(portal, actor, dossier, other):
    """(reason, results only) for offering ``other``'s documents in ``dossier`` to
    ``actor``, or None when nothing of it may be offered."""
    if can_see_dossier(actor, other):
        return SAME_UNIT, False
    policy = policy_of(portal, other)
    if policy == "unit" or not same_applicant(dossier, other):
        return None
    return IDENTITY, policy == "results"


def candidates(portal, dossier, component, today, actor):
    """Offers for ``component`` to ``actor``: dicts with ``source`` ("result:<id>" /
    ``file:<id>``), ``kind``, ``dossier``, ``title``, ``number_symbol``, ``issuer``,
    ``issue_date``, ``file_id``, ``score``, ``reason``; best first. Revoked, superseded or
    expired results are never offered, nor a signed one whose signature no longer verifies;
    other units' documents only as :func:`grounds` allows."""
    kind = component.kind
    if kind in NOT_REUSABLE_KINDS:
        return []
    applicant_id = dossier.applicant.get("id_number")
    offers = []
    for code in portal.dossiers_of(applicant_id):
        other = portal.dossiers.get(code)
        if other is None or other.code == dossier.code or is_disposed(portal, code):
            continue
        allowed = grounds(portal, actor, dossier, other)
        if allowed is None:
            continue
        reason, results_only = allowed
        for result in other.results:
            if result.kind == kind and _valid(result, today):
                version = result.published or result.original
                offers.append({
                    "source": f"result:{result.result_id}", "kind": "result", "dossier": code,
                    "title": " ".join(x for x in (result.doc_type, result.number_symbol) if x),
                    "number_symbol": result.number_symbol, "issuer": result.issuer,
                    "issue_date": str(result.issue_date or ""), "file_id": version.file_id,
                    "score": 100 + _recency(result.issue_date or result.created_at, today),
                    "reason": reason})
        if results_only:
            continue
        for earlier in other.ordered_components():
            current = earlier.current
            if earlier.kind != kind or current is None:
                continue
            score = 50 + _recency(current.uploaded_at, today)
            if _fields_mention(current, applicant_id):
                score += 20  # the text read from it names this applicant
            offers.append({
                "source": f"file:{current.file_id}", "kind": "file", "dossier": code,
                "title": f"{earlier.name}: {current.filename}",
                "number_symbol": current.reading.field_value("number_symbol") or "",
                "issuer": current.reading.field_value("issuer") or "",
                "issue_date": current.reading.field_value("issue_date") or "",
                "file_id": current.file_id, "score": score, "reason": reason})
    offers.sort(key=lambda o: o["score"], reverse=True)
    return offers


def _recency(when, today):
    if when is None:
        return 0
    day = when.date() if isinstance(when, datetime.datetime) else _as_date(when)
    return max(0.0, 10.0 - (today - day).days / 365.0)


def offers_for(portal, dossier, today, actor):
    """{component key: offers to ``actor``} for the components still without a file that
    have offers."""
    found = {c.key: candidates(portal, dossier, c, today, actor)
             for c in dossier.ordered_components() if not c.versions and not c.reference}
    return {key: offers for key, offers in found.items() if offers}


def attach(portal, dossier, component_key, source, actor, now):
    """Make ``component_key`` refer to the offer ``source``; returns the reference dict."""
    component = dossier.components.get(component_key)
    if component is None:
        raise ReuseError(_("no component ${key}", mapping={"key": repr(component_key)}))
    if component.versions or component.reference:
        raise ReuseError(_("this component already has a file"))
    offer = next((o for o in candidates(portal, dossier, component, now.date(), actor)
                  if o["source"] == source), None)
    if offer is None:
        raise ReuseError(_("that document is not offered for this component (it may have "
                           "been revoked, superseded or expired)"))
    version = portal.files[offer["file_id"]]
    component.reference = {
        "source": source, "kind": offer["kind"], "dossier": offer["dossier"],
        "title": offer["title"], "file_id": version.file_id, "sha256": version.sha256,
        "by": actor.login, "at": now, "reason": offer["reason"],
    }
    why = REASON_NOTES[offer["reason"]]
    dossier.record("reuse", actor.login, now, actor.unit, dossier.state, dossier.state,
                   f"{component.name}: {offer['title']} ({offer['dossier']}); {why}")
    # NB: the dossier the document comes from says who took it, where and why.
    source_dossier = portal.dossiers[offer["dossier"]]
    source_dossier.record("reused_by", actor.login, now, actor.unit, source_dossier.state,
                          source_dossier.state,
                          f"{offer['title']} → {dossier.code} ({component.name}); {why}")
    return component.reference


# English notes in the history (like the other history notes); the reason key is kept on
# the reference for pages and the audit trail.
REASON_NOTES = {
    SAME_UNIT: notes.REUSE_SAME_UNIT,
    IDENTITY: notes.REUSE_IDENTITY,
}


def reference_status(portal, reference):
    """"valid", "revoked", "superseded" or "expired" for a reused result; "file" for files."""
    if file_disposed(portal, reference["file_id"]):
        return "missing"
    if reference["kind"] != "result":
        return "file"
    code = reference["dossier"]
    result_id = reference["source"].split(":", 1)[1]
    try:
        result = portal.dossiers[code].result(result_id)
    except KeyError:
        return "missing"
    if result.status in ("revoked", "superseded"):
        return result.status
    if result.valid_until is not None and _as_date(result.valid_until) < clock.today():
        return "expired"
    return "valid"
