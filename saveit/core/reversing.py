"""URL reversing remembered per process: a learner page reversed ~20 URLs per request (issue 22).

A URL depends only on the URL configuration, the script prefix, the view name and its
arguments; with arguments that are plain ints and strings the result is kept (LRU-bounded).
Anything else (a model instance, a lazy string) is reversed as usual. A failed reverse is never
kept (NoReverseMatch propagates as before).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


@lru_cache(maxsize=16_384)
def _reverse(
    view_name: str,
    args: tuple[Any, ...],
    kwargs: tuple[tuple[str, Any], ...],
    current_app: str | None,
    prefix: str,
    urlconf: str | None,
    root_urlconf: str,
) -> str:
    return reverse(
        view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app
    )


def _plain(value: Any) -> bool:
    # str subclasses too (a template literal is a SafeString); never a lazy string or a bool
    return isinstance(value, str) or (type(value) is int)


def cached_reverse(
    view_name: Any,
    args: list[Any] | tuple[Any, ...] | None = None,
    kwargs: dict[str, Any] | None = None,
    current_app: str | None = None,
) -> str:
    args = tuple(args or ())
    if (
        isinstance(view_name, str)
        and (current_app is None or isinstance(current_app, str))
        and all(_plain(arg) for arg in args)
        and (not kwargs or all(_plain(v) for v in kwargs.values()))
    ):
        return _reverse(
            view_name,
            args,
            tuple(sorted(kwargs.items())) if kwargs else (),
            current_app,
            get_script_prefix(),
            get_urlconf(),
            settings.ROOT_URLCONF,
        )
    return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
