from __future__ import annotations


class Refusal(Exception):
    """A business rule refused the operation; the message is shown to the user as is."""

    def __init__(self, message: str, *, code: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return str(self.message)
