"""Hooks: how a lower app triggers work that belongs to an app above it.

The lower app declares a Hook and calls it; the upper app registers its handler in its
AppConfig.ready(). Imports keep pointing down (see the layer contract in pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from typing import Any


class Hook:
    """Handlers called in registration order, in the caller's transaction."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._handlers: list[Callable[..., Any]] = []

    def register(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        if handler not in self._handlers:
            self._handlers.append(handler)
        return handler

    def __call__(self, **kwargs: Any) -> None:
        for handler in self._handlers:
            handler(**kwargs)

    @contextmanager
    def around(self, **kwargs: Any) -> Iterator[None]:
        """For handlers that are context managers: every one wraps the block."""
        with ExitStack() as stack:
            for handler in self._handlers:
                manager: AbstractContextManager[Any] = handler(**kwargs)
                stack.enter_context(manager)
            yield

    def __repr__(self) -> str:
        return f"Hook({self.name!r}, {len(self._handlers)} handlers)"


class Veto(Hook):
    """Handlers that may each refuse some of the ids a lower app is about to act on.

    Each handler gets `ids=` (a list) plus the caller's keywords and returns the ids it vetoes;
    calling the veto returns the union (an empty set without handlers).
    """

    def __call__(self, **kwargs: Any) -> set[Any]:  # type: ignore[override]
        vetoed: set[Any] = set()
        for handler in self._handlers:
            vetoed |= set(handler(**kwargs) or ())
        return vetoed


class Collect(Hook):
    """Handlers that each contribute a value (None: nothing); calling returns the values in
    registration order. For a lower app that prints what upper apps know (the CGV version on a
    proposal)."""

    def __call__(self, **kwargs: Any) -> list[Any]:  # type: ignore[override]
        values = (handler(**kwargs) for handler in self._handlers)
        return [value for value in values if value is not None]
