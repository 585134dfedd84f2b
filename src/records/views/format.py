"""Template filters: dates, sizes and state names as officers read them."""
import datetime

from jinja2 import pass_context

from records import labels

STATE_NAMES = labels.STATES
ACTION_NAMES = labels.HISTORY


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


def field_filter(value):
    """The name of a field read from a file (``{{ f.field|field }}``)."""
    return labels.label(labels.FIELDS, value)


def reading_filter(value):
    """Where the reading of a file is (``{{ v.reading.state|reading }}``)."""
    return labels.label(labels.READING_STATES, value)
