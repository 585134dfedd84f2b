"""The one kind of error shown to people: :class:`UserError`.

Domain code (workflow, intake, results, reuse, archive, reading) raises a UserError, or a
subclass naming its concern, with a translatable message (records.i18n) and the HTTP status
it means. Views do not catch it: records.views.errors dooms the transaction and renders it,
as the page (in the page's language) or as JSON (in English), so the same error gives the
same status from a page and from the API.
"""
from records.i18n import _, english


class UserError(Exception):
    """Something the user asked for that cannot be done; ``message`` says why.

    ``message`` is a translation string (or plain text); ``str(error)`` is its English
    text. ``status`` is the 4xx it answers with; ``fields`` optionally maps input field
    names to messages (invalid input); ``details`` are extra values for API clients (ids,
    codes: never personal data)."""

    status = 400

    def __init__(self, message="", status=None, fields=None, details=None):
        super().__init__(english(message))
        self.message = message
        if status is not None:
            self.status = status
        self.fields = dict(fields) if fields else {}
        self.details = dict(details) if details else {}

    def english_fields(self):
        return {k: english(v) for k, v in self.fields.items()}


class NotFound(UserError):
    status = 404


class Forbidden(UserError):
    status = 403


class Conflict(UserError):
    status = 409


class InputError(UserError):
    """Invalid input: ``fields`` maps field names to messages."""

    def __init__(self, fields, status=400, message=None):
        super().__init__(message or _("invalid input"), status=status, fields=fields)
        self.errors = self.fields
