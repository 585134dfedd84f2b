"""Template filters: dates, sizes and state names as officers read them."""
import datetime

from babel.numbers import format_decimal
from jinja2 import pass_context

from records import labels, notes
from records.i18n import joined

STATE_NAMES = labels.STATES
ACTION_NAMES = labels.HISTORY


def action_filter(value):
    return ACTION_NAMES.get(value, value)


def datetime_filter(value):
    """dd/mm/yyyy hh:mm for a datetime or an ISO string (as the audit trail keeps it)."""
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
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


@pass_context
def decimal_filter(context, value, places=1):
    """A number with ``places`` decimals as the page's language writes it: "4,5" and
    "1.234,5" in Vietnamese, "4.5" and "1,234.5" in English; None as "–"."""
    if value is None:
        return "–"
    request = context.get("request")
    locale = getattr(request, "locale_name", None) or "vi"
    return format_decimal(value, format="#,##0." + "0" * places if places else "#,##0",
                          locale=locale)


@pass_context
def size_filter(context, value):
    """A file's size in B, KB, MB or GB, the decimal as the page's language writes it."""
    value = float(value or 0)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{decimal_filter(context, value, 0 if unit == 'B' else 1)} {unit}"
        value /= 1024


def state_filter(value):
    return STATE_NAMES.get(value, value)


def field_filter(value):
    """The name of a field read from a file (``{{ f.field|field }}``)."""
    return labels.label(labels.FIELDS, value)


def reading_filter(value):
    """Where the reading of a file is (``{{ v.reading.state|reading }}``)."""
    return labels.label(labels.READING_STATES, value)


def role_filter(value):
    """An officer's role (``{{ r|role }}``)."""
    return labels.label(labels.ROLES, value)


def kind_filter(value):
    """What a search hit is (``{{ hit.kind|kind }}``)."""
    return labels.label(labels.SEARCH_KINDS, value)


def facet_filter(value):
    """A facet's heading on the search page (``{{ name|facet }}``)."""
    return labels.label(labels.FACETS, value)


def result_status_filter(value):
    """A result's status (``{{ r.status|result_status }}``)."""
    return labels.label(labels.RESULT_STATUSES, value)


def audit_action_filter(value):
    """An audit trail entry's action: a history line's name or the trail's own."""
    return labels.AUDIT_ACTIONS.get(value) or labels.HISTORY.get(value, value)


def note_filter(entry):
    """A history line's note in the page's language (records.notes): ``{{ h|note|tr }}``."""
    return notes.shown(entry.get("action"), entry.get("note"))


_STATE_DETAILS = {"from_state", "to_state"}


def audit_details(entry, hidden):
    """[(name, value)] of an audit entry's details (names and states as messages; the
    note as :func:`note_filter` shows it; roles by name), leaving out ``hidden`` keys."""
    out = []
    for key, value in sorted(entry.items()):
        if key in hidden or value in (None, ""):
            continue
        if key in _STATE_DETAILS:
            value = STATE_NAMES.get(value, value)
        elif key == "note":
            value = notes.shown(entry.get("action"), value)
        elif key == "roles":
            value = joined([labels.label(labels.ROLES, r) for r in str(value).split(",")],
                           separator=", ")
        out.append((labels.label(labels.AUDIT_DETAILS, key), value))
    return out
