"""Enforces a suspension for payment default (collection.suspend_client).

Decision: the client's own staff (content owners, managers) keep reading everything — their
invoices included, so they can pay — but every change they would make is refused until the
suspension is lifted. Learners are not cut off: a learner is a client's employee who did not
default, and an assessment stopped half-way would be lost; they keep their training, the
assessments in progress included. Provider staff are never affected.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from saveit.accounts.roles import Role

from .collection import open_suspension

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Signing out, switching organisation, changing one's own password or language stay possible.
ALWAYS_OPEN = ("/comptes/", "/i18n/", "/api/v1/auth/")
SUSPENDED_ROLES = {Role.CLIENT_OWNER, Role.CLIENT_MANAGER}


def suspension_for(request: HttpRequest) -> object | None:
    member = getattr(request, "member", None)
    if member is None or member.role not in SUSPENDED_ROLES or member.organization.is_provider:
        return None
    return open_suspension(member.organization_id)


class SuspensionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in SAFE_METHODS or request.path.startswith(ALWAYS_OPEN):
            return self.get_response(request)
        if suspension_for(request) is None:
            return self.get_response(request)
        message = _(
            "Service suspended for payment default: your organisation can read but not change "
            "anything until the overdue invoices are paid."
        )
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "code": "suspended"}, status=403)
        return HttpResponse(message, status=403, content_type="text/plain; charset=utf-8")


def suspension_notice(request: HttpRequest) -> dict[str, object]:
    """Context processor: the banner every page of a suspended client's staff shows."""
    return {"service_suspended": suspension_for(request) is not None}
