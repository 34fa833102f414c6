from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class Refusal(Exception):
    """A business rule refused the operation; the message is shown to the user as is.

    The API answers `status`: 409, the state of things forbids it now (a gate, a frozen
    version, a replay); Forbidden below answers 403.
    """

    status = 409

    def __init__(self, message: str, *, code: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return str(self.message)

    def details(self) -> dict[str, object]:
        """Structured facts a client program can act on, added to the API's error body."""
        return {}


class Forbidden(Refusal):
    """Refused for lack of permission: this member's role, organisation or ended access does not
    allow it, whatever the state of things. The API answers 403."""

    status = 403

    def __init__(self, message: str, *, code: str = "forbidden") -> None:
        super().__init__(message, code=code)


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
