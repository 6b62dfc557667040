class ApplicationError(Exception):
    """The one root for business-rule failures; `message` is translated and shown to the user."""

    def __init__(self, message: str, *, code: str = "invalid", extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}
