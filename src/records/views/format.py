"""Template filters: dates, sizes and state names as officers read them."""
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
