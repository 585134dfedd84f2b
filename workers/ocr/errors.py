"""The one error the reading raises for input it cannot read."""


class ReadError(Exception):
    """The file cannot be read; ``reason`` is a sentence a person understands.

    Raised for encrypted, corrupt or empty PDFs, images too large to decode safely, files
    with more pages than allowed, and types that are not PDF/JPEG/PNG/TIFF. A page that is
    merely blank is not an error.
    """

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason
