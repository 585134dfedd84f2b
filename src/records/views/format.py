"""Template filters: dates, sizes and state names as officers read them; officers and units
by name."""
import datetime

from jinja2 import pass_context

from records.i18n import _

STATE_NAMES = {
    "received": _("Received"),
    "in_processing": _("In processing"),
    "supplement_requested": _("Supplement requested"),
    "result_ready": _("Result ready"),
    "returned": _("Returned"),
    "rejected": _("Rejected"),
    "withdrawn": _("Withdrawn"),
}


ACTION_NAMES = {
    "receive": _("received"), "transfer": _("transferred for processing"),
    "request_supplement": _("supplement requested"), "receive_supplement": _("supplement received"),
    "approve": _("result approved"), "return": _("result returned"), "reject": _("rejected"),
    "withdraw": _("withdrawn"), "reschedule": _("rescheduled"), "upload": _("new version uploaded"),
    "reuse": _("earlier result reused"), "correct_field": _("field corrected"),
    "attach_result": _("result attached"), "publish_result": _("e-result published"),
    "revoke_result": _("result revoked"), "supersede_result": _("result superseded"),
    "dispose": _("disposed"),
    "reused_by": _("document reused by another dossier"),
}


def action_filter(value):
    return ACTION_NAMES.get(value, value)


def datetime_filter(value):
    return value.strftime("%d/%m/%Y %H:%M") if value else ""


def date_filter(value):
    """dd/mm/yyyy for a date, a datetime or an ISO date string (as read or sent as JSON);
    other text is shown as it is."""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value.strftime("%d/%m/%Y") if value else ""


@pass_context
def officer_filter(context, login):
    """An officer's name for their login (the login when the account is gone)."""
    request = context.get("request")
    user = request.root.users.get(login) if request is not None and login else None
    return user.name if user is not None else (login or "")


@pass_context
def unit_filter(context, identifier):
    """A unit's name for its identifier (the identifier when it is unknown)."""
    request = context.get("request")
    unit = request.root.units.get(identifier) if request is not None and identifier else None
    return unit.name if unit is not None else (identifier or "")


def size_filter(value):
    value = float(value or 0)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024


def state_filter(value):
    return STATE_NAMES.get(value, value)
