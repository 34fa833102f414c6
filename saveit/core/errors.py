from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class Refusal(Exception):
    """A business rule refused the operation; the message is shown to the user as is."""

    def __init__(self, message: str, *, code: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return str(self.message)

    def details(self) -> dict[str, object]:
        """Structured facts a client program can act on, added to the API's 409 body."""
        return {}


@contextmanager
def refusals_as_command_errors() -> Iterator[None]:
    """In a management command, a refusal or invalid value ends it with a clear message."""
    from django.core.exceptions import ValidationError
    from django.core.management.base import CommandError

    try:
        yield
    except Refusal as refusal:
        raise CommandError(refusal.message) from refusal
    except ValidationError as error:
        raise CommandError(" ".join(error.messages)) from error
