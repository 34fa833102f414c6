"""Refused requests, told to whoever records them (the security events of the accounts app).

Access helpers answer the same 404 for "absent" and "not yours". `get_in_scope` keeps that answer
but, only when it refuses, looks whether the object exists at all: when it does, the 404 is an
`OutOfScope` carrying the object's type and id (never its data) so the attempt can be recorded.
A page that is served pays nothing: the extra lookup and the insert happen only on a refusal.

Core cannot know who records (that is the accounts app, above it): recorders register in
`refusal_recorded` (a hook, like `audit.services.document_signed`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from saveit.core.hooks import Hook

M = TypeVar("M", bound=Model)
logger = logging.getLogger("saveit.security")


class OutOfScope(Http404):
    """A 404 for an object that exists but is outside the asking member's scope."""

    def __init__(self, model: type[Model], object_id: Any) -> None:
        super().__init__("Not found.")
        self.model = model
        self.object_type = model._meta.label_lower
        self.object_id = str(object_id)[:40]


def not_found(model: type[Model], object_id: Any) -> Http404:
    """The 404 an access helper raises: an OutOfScope when a row with this id exists (the one
    extra query is made only here, when refusing), else a plain Http404."""
    try:
        exists = model._base_manager.filter(pk=object_id).exists()
    except (ValueError, TypeError, OverflowError):  # an id no row can have
        exists = False
    return OutOfScope(model, object_id) if exists else Http404("Not found.")


def get_in_scope(queryset: QuerySet[M], pk: Any) -> M:
    """get_object_or_404(queryset, pk=pk), telling a refused existing object from an absent one."""
    try:
        return queryset.get(pk=pk)
    except ObjectDoesNotExist:
        raise not_found(queryset.model, pk) from None


# Recorders get request= and exc= for a refused request (accounts records security events).
refusal_recorded = Hook("core.refusal_recorded")


def report_refusal(request: HttpRequest, exc: Exception) -> None:
    """Tells the recorders of a PermissionDenied or an OutOfScope (other 404s are no attempt)."""
    if not isinstance(exc, PermissionDenied | OutOfScope):
        return
    try:
        refusal_recorded(request=request, exc=exc)
    except Exception:  # recording must never turn a refusal into a server error
        logger.exception("a refusal recorder failed")


class RefusalMiddleware:
    """Pages (not the API, whose handlers report themselves): reports the view's refusals."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        report_refusal(request, exception)
        return None
