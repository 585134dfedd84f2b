"""Public pages for citizens: look up a dossier, download the e-result, rate the service
(verifying an e-result: records.views.verify). No login; Vietnamese by default, English on
request.

    GET  /lookup                   the form (``?code=`` may pre-fill the code, as on the receipt)
    POST /lookup                   code + PIN; success remembers the dossier in the session
    GET  /lookup/status            the dossier as its citizen sees it (state, steps, due date)
    GET  /lookup/download/{id}     the published e-result (every download is recorded)
    POST /lookup/rate              the satisfaction rating, once, after the result is returned
    POST /lookup/end               forget the lookup

Rules: a wrong code and a wrong PIN give the same answer after the same work
(records.intake.receive.check_pin); failures per client address and code, and per address,
are refused for a while with a 429 (records.limits); the code and PIN never appear in a URL
after the lookup (the session holds the authorisation, for ``records.lookup_session_seconds``); no names or ID numbers
are shown, logged or put in a URL or title.
"""
import logging
import time

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from records import clock, labels, workflow
from records.errors import Conflict, NotFound, UserError
from records.i18n import _, translate
from records.limits import client_address, minutes
from records.intake.receive import check_pin
from records.resources.dossiers import RATING_LEVELS
from records.resources.portal import Portal
from records.textnorm import clean
from records.views.common import download
from records.views.errors import error_page, shown
from records.views.public import answer_with, public, render, unit_name

log = logging.getLogger(__name__)

SESSION_KEY = "citizen_lookup"
DEFAULT_SESSION_SECONDS = 900
MAX_COMMENT = 1000

# NB: message ids (translated by the catalog like every page); ``${minutes}`` is filled in.
MESSAGES = {
    "wrong": _("The dossier code or the PIN is wrong."),
    "empty": _("Enter the dossier code and the PIN printed on your receipt."),
    "refused": _("Too many failed lookups. Please try again in ${minutes} minutes."),
    "expired": _("Your lookup has expired. Please look the dossier up again."),
    "not_returned": _("You can rate the service once the result has been returned."),
    "rated": _("This dossier has already been rated. Thank you!"),
    "bad_level": _("Choose one of the ratings."),
    "long_comment": _("The comment may have at most 1000 characters."),
    "no_result": _("This e-result is not available for your dossier."),
}

# The history entries a citizen sees (named in records.labels.CITIZEN_STEPS), and whether
# their note is meant for the citizen. Everything else (uploads, internal notes, who did
# it) stays inside.
CITIZEN_NOTES = {"receive": False, "transfer": False, "request_supplement": True,
                 "receive_supplement": False, "reschedule": False, "approve": False,
                 "publish_result": False, "supersede_result": False, "return": False,
                 "reject": True, "withdraw": False}


class LookupRefused(UserError):
    """A lookup not done (no code or PIN, a wrong one, too many failures): the form again,
    saying why. A wrong code and a wrong PIN raise the same one."""


class LookupExpired(UserError):
    """No fresh lookup in this browser's session: the form again."""

    status = 401


def _session_seconds(request):
    return float(request.registry.settings.get("records.lookup_session_seconds",
                                               DEFAULT_SESSION_SECONDS))


# -- lookup --------------------------------------------------------------------------------

@view_config(context=Portal, name="lookup", request_method="GET", path_info=r"^/lookup/?$",
             decorator=public)
def lookup_form(request):
    code = clean(request.params.get("code", ""))[:64]
    return render(request, "lookup.jinja2", code=code)


def _posted_code(request):
    return clean(request.POST.get("code", "")).upper()[:64]


@view_config(context=Portal, name="lookup", request_method="POST", path_info=r"^/lookup/?$",
             decorator=public)
def lookup(request):
    """Code + PIN. Wrong code and wrong PIN: the same page, status and work (argon2)."""
    code = _posted_code(request)
    pin = clean(request.POST.get("pin", ""))[:64]
    if not code or not pin:
        raise LookupRefused(MESSAGES["empty"])
    attempt = request.limiter.lookup_attempt(client_address(request), code)
    if attempt.refused:
        answer_with(request, {"Retry-After": str(attempt.retry_after)})
        raise LookupRefused(_(str(MESSAGES["refused"]), mapping={
            "minutes": minutes(attempt.retry_after)}), status=429)
    dossier = request.root.dossiers.get(code)
    if not attempt.run(lambda: check_pin(dossier, pin)):
        raise LookupRefused(MESSAGES["wrong"])
    request.session[SESSION_KEY] = {"code": dossier.code,
                                    "until": time.time() + _session_seconds(request)}
    return HTTPSeeOther(request.application_url + "/lookup/status")


def authorised_dossier(request):
    """The dossier this browser looked up, while the lookup is fresh; else None."""
    held = request.session.get(SESSION_KEY)
    if not isinstance(held, dict) or held.get("until", 0) < time.time():
        return None
    return request.root.dossiers.get(held.get("code"))


def looked_up(request):
    """The dossier this browser looked up; :class:`LookupExpired` when there is none."""
    dossier = authorised_dossier(request)
    if dossier is None:
        raise LookupExpired(MESSAGES["expired"])
    return dossier


@view_config(context=Portal, name="lookup", request_method="POST", path_info=r"^/lookup/end$",
             decorator=public)
def end(request):
    request.session.pop(SESSION_KEY, None)
    return HTTPSeeOther(request.application_url + "/lookup")


@view_config(context=Portal, name="lookup", request_method="GET", path_info=r"^/lookup/status$",
             decorator=public)
def status(request):
    return render(request, "status.jinja2", **status_values(request, looked_up(request)))


def status_values(request, dossier):
    portal = request.root
    procedure = portal.procedures.get(dossier.procedure_code)
    units = portal.units
    return {
        "dossier": dossier,
        "state": translate(request, labels.label(labels.STATES, dossier.state)),
        "procedure": procedure.name if procedure is not None else dossier.procedure_code,
        "receiving_unit": unit_name(units, dossier.receiving_unit),
        "processing_unit": unit_name(units, dossier.processing_unit),
        "steps": timeline(request, dossier),
        "timeliness": timeliness(dossier, clock.today()),
        "results": [r for r in reversed(dossier.results) if r.published is not None],
        "public_url": request.registry.settings["records.public_url"].rstrip("/"),
        "ratings": [(level, translate(request, labels.RATINGS[level]))
                    for level in RATING_LEVELS],
        "rating_name": translate(request, labels.RATINGS[dossier.rating["level"]])
        if dossier.rating else None,
    }


def timeline(request, dossier):
    """The steps that concern the citizen: when, what, and a note only where it is for them
    (what to supplement, why rejected). No officer names, no internal notes."""
    steps = []
    for entry in dossier.history:
        citizen_note = CITIZEN_NOTES.get(entry["action"])
        if citizen_note is None:
            continue
        note = entry["note"] if citizen_note else ""
        if entry["action"] == "reschedule" and dossier.rescheduled:
            note = translate(request, _("New return date: ${date}", mapping={
                "date": dossier.due_at.strftime("%d/%m/%Y")}))
        steps.append({"at": entry["at"], "note": note,
                      "label": translate(request, labels.CITIZEN_STEPS[entry["action"]])})
    return steps


def timeliness(dossier, today):
    """'late', 'on_time', 'paused' or None (nothing to say: rejected or withdrawn)."""
    if dossier.state in ("rejected", "withdrawn"):
        return None
    if dossier.state in ("result_ready", "returned"):
        return {True: "on_time", False: "late", None: None}[workflow.finished_on_time(dossier)]
    if dossier.paused_at is not None:
        return "late" if workflow.is_overdue(dossier, today) else "paused"
    return "late" if workflow.is_overdue(dossier, today) else "on_time"


@view_config(context=Portal, name="lookup", request_method="GET",
             path_info=r"^/lookup/download/[^/]+$", decorator=public)
def download_result(request):
    """The published e-result of the looked-up dossier; recorded (when, which file)."""
    dossier = looked_up(request)
    result_id = request.subpath[-1]
    found = [r for r in dossier.results if r.result_id == result_id and r.status == "published"]
    if not found:
        raise NotFound(MESSAGES["no_result"])
    version = found[0].published
    dossier.note_download({"at": clock.now(), "file_id": version.file_id,
                           "result_id": result_id})
    return download(request, version)


@view_config(context=Portal, name="lookup", request_method="POST", path_info=r"^/lookup/rate$",
             decorator=public)
def rate(request):
    dossier = looked_up(request)
    level = request.POST.get("level", "")
    comment = clean(request.POST.get("comment", ""))
    if dossier.state != "returned":
        raise Conflict(MESSAGES["not_returned"])
    if dossier.rating is not None:
        raise Conflict(MESSAGES["rated"])
    if level not in RATING_LEVELS:
        raise UserError(MESSAGES["bad_level"])
    if len(comment) > MAX_COMMENT:
        raise UserError(MESSAGES["long_comment"])
    dossier.rate(level, comment, clock.now())
    return HTTPSeeOther(request.application_url + "/lookup/status#rating")


@error_page(Portal, "lookup")
def lookup_page_with_error(request, error):
    """A refused lookup page, saying why: the form again for a refused lookup or one that
    has expired; the status page for a refused rating; a message for a result not there."""
    message = translate(request, shown(error))
    dossier = authorised_dossier(request)
    if isinstance(error, (LookupRefused, LookupExpired)) or dossier is None:
        code = _posted_code(request) if isinstance(error, LookupRefused) else ""
        return render(request, "lookup.jinja2", status=error.status, code=code, error=message)
    if request.path_info.startswith("/lookup/download/"):
        return render(request, "message.jinja2", status=error.status, title=message,
                      error=message)
    return render(request, "status.jinja2", status=error.status, error=message,
                  **status_values(request, dossier))
