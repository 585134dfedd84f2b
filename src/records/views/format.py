"""Template filters: dates, sizes and state names as officers read them."""
from records import labels

STATE_NAMES = labels.STATES
ACTION_NAMES = labels.HISTORY


def action_filter(value):
    return ACTION_NAMES.get(value, value)


def datetime_filter(value):
    return value.strftime("%d/%m/%Y %H:%M") if value else ""


def date_filter(value):
    return value.strftime("%d/%m/%Y") if value else ""


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
