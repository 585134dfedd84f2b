"""The one error the reading raises for input it cannot read."""
from records.errors import UserError
from records.i18n import english


class ReadError(UserError):
    """The file cannot be read; ``reason`` is a sentence a person understands (English),
    ``message`` the same as a translation string (records.i18n) that pages translate.

    Raised for encrypted, corrupt or empty PDFs, images too large to decode safely, files
    with more pages than allowed, and types that are not PDF/JPEG/PNG/TIFF. A page that is
    merely blank is not an error.
    """

    status = 422

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = english(reason)
