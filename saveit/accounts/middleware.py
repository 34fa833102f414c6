from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .roles import is_provider_staff
from .second_factor import is_verified
from .selectors import current_memberships

SESSION_KEY = "active_membership_id"


class ActiveMembershipMiddleware:
    """Sets request.member: the membership (organisation + role) the user acts as.

    The user picks it with the organisation switcher; the choice lives in the session and is
    re-checked on every request, so a revoked or expired membership stops working at once.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.member = None  # type: ignore[attr-defined]
        request.memberships = []  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            memberships = current_memberships(request.user)
            request.memberships = memberships  # type: ignore[attr-defined]
            wanted = request.session.get(SESSION_KEY)
            chosen = next((m for m in memberships if m.pk == wanted), None)
            if chosen is None and memberships:
                chosen = memberships[0]
                request.session[SESSION_KEY] = chosen.pk
            request.member = chosen  # type: ignore[attr-defined]
        return self.get_response(request)


# Pages a signed-in member of the provider may reach before completing the second factor.
_OTP_EXEMPT_PREFIXES = ("/comptes/2fa/", "/comptes/deconnexion/", "/static/", "/i18n/")


class StaffSecondFactorMiddleware:
    """Provider staff must pass TOTP before anything else (SPEC §15)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and needs_second_factor(request)
            and not is_verified(request.user)
            and not request.path.startswith(_OTP_EXEMPT_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse(
                    {"detail": "Second factor required: complete the TOTP check in the browser."},
                    status=401,
                )
            return redirect(f"{reverse('accounts:otp_verify')}?next={request.get_full_path()}")
        return self.get_response(request)


def needs_second_factor(request: HttpRequest) -> bool:
    return any(is_provider_staff(m) for m in getattr(request, "memberships", []))
