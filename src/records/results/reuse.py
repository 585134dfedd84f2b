"""Reuse of earlier results and documents (tái sử dụng): what to offer, and attaching one.

For each component of a dossier the portal offers the applicant's earlier results of the
same kind that are still valid, and earlier files of the same kind, best first. Attaching
one stores a *reference* pinned to one immutable file version: no copy is made.
"""
import datetime

from records import clock
from records.archive.records import file_disposed, is_disposed
from records.errors import UserError
from records.i18n import _
from records.signing.status import intact_now, is_signed

NOT_REUSABLE_KINDS = frozenset({"application-form", "receipt", ""})


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


def candidates(portal, dossier, component, today):
    """Offers for ``component``: dicts with ``source`` ("result:<id>" / "file:<id>"),
    ``kind``, ``dossier``, ``title``, ``number_symbol``, ``issuer``, ``issue_date``,
    ``file_id``, ``score``; best first. Revoked, superseded or expired results are never
    offered, nor a signed one whose signature no longer verifies."""
    kind = component.kind
    if kind in NOT_REUSABLE_KINDS:
        return []
    applicant_id = dossier.applicant.get("id_number")
    offers = []
    for code in portal.dossiers_of(applicant_id):
        other = portal.dossiers.get(code)
        if other is None or other.code == dossier.code or is_disposed(portal, code):
            continue
        for result in other.results:
            if result.kind == kind and _valid(result, today):
                version = result.published or result.original
                offers.append({
                    "source": f"result:{result.result_id}", "kind": "result", "dossier": code,
                    "title": " ".join(x for x in (result.doc_type, result.number_symbol) if x),
                    "number_symbol": result.number_symbol, "issuer": result.issuer,
                    "issue_date": str(result.issue_date or ""), "file_id": version.file_id,
                    "score": 100 + _recency(result.issue_date or result.created_at, today)})
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
                "file_id": current.file_id, "score": score})
    offers.sort(key=lambda o: o["score"], reverse=True)
    return offers


def _recency(when, today):
    if when is None:
        return 0
    day = when.date() if isinstance(when, datetime.datetime) else _as_date(when)
    return max(0.0, 10.0 - (today - day).days / 365.0)


def offers_for(portal, dossier, today):
    """{component key: offers} for the components still without a file that have offers."""
    found = {c.key: candidates(portal, dossier, c, today)
             for c in dossier.ordered_components() if not c.versions and not c.reference}
    return {key: offers for key, offers in found.items() if offers}


def attach(portal, dossier, component_key, source, actor, now):
    """Make ``component_key`` refer to the offer ``source``; returns the reference dict."""
    component = dossier.components.get(component_key)
    if component is None:
        raise ReuseError(_("no component ${key}", mapping={"key": repr(component_key)}))
    if component.versions or component.reference:
        raise ReuseError(_("this component already has a file"))
    offer = next((o for o in candidates(portal, dossier, component, now.date())
                  if o["source"] == source), None)
    if offer is None:
        raise ReuseError(_("that document is not offered for this component (it may have "
                           "been revoked, superseded or expired)"))
    version = portal.files[offer["file_id"]]
    component.reference = {
        "source": source, "kind": offer["kind"], "dossier": offer["dossier"],
        "title": offer["title"], "file_id": version.file_id, "sha256": version.sha256,
        "by": actor.login, "at": now,
    }
    dossier.record("reuse", actor.login, now, actor.unit, dossier.state, dossier.state,
                   f"{component.name}: {offer['title']} ({offer['dossier']})")
    return component.reference


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
