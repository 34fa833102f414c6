from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from .roles import is_provider_staff
from .second_factor import confirmed_totp, is_verified
from .second_factor import is_required as second_factor_is_required
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


# Pages a signed-in user may reach before completing the second factor.
_OTP_EXEMPT_PREFIXES = ("/comptes/2fa/", "/comptes/deconnexion/", "/static/", "/i18n/")
# Whether the signed-in user has a confirmed authenticator, remembered for the session so that
# users without one (most learners) cost no query per request; forgotten at each sign-in.
ENROLLED_SESSION_KEY = "second_factor_enrolled"


class StaffSecondFactorMiddleware:
    """The second factor is asked before anything else (SPEC §15): from every user who enrolled
    one, and from those whose memberships require one (provider staff, business content owners,
    members of an organisation that requires it of everyone), who must enrol at once."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and not is_verified(request.user)
            and not request.path.startswith(_OTP_EXEMPT_PREFIXES)
            and (
                second_factor_is_required(getattr(request, "memberships", []))
                or _has_enrolled_factor(request)
            )
        ):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse(
                    {"detail": "Second factor required: complete the TOTP check in the browser."},
                    status=401,
                )
            return redirect(f"{reverse('accounts:otp_verify')}?next={request.get_full_path()}")
        return self.get_response(request)


def _has_enrolled_factor(request: HttpRequest) -> bool:
    enrolled = request.session.get(ENROLLED_SESSION_KEY)
    if enrolled is None:
        enrolled = confirmed_totp(request.user) is not None  # type: ignore[arg-type]
        request.session[ENROLLED_SESSION_KEY] = enrolled
    return bool(enrolled)


def forget_enrolment(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    """user_logged_in receiver: look the user's authenticator up again at each sign-in."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(ENROLLED_SESSION_KEY, None)


class NoStoreForSignedInMiddleware:
    """Pages served to a signed-in user hold personal data: no browser or proxy may keep them
    (Cache-Control: no-store), unless the view chose its own cache policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


LAST_SEEN_SESSION_KEY = "last_seen"
# The last-seen time is written at most this often, so a busy session is not saved each time.
_LAST_SEEN_GRANULARITY_SECONDS = 60


class StaffIdleTimeoutMiddleware:
    """Provider staff, who can reach every client, are signed out after STAFF_IDLE_TIMEOUT_MINUTES
    without a request (ASVS 7.3.1); other members keep the session lifetime (SESSION_COOKIE_AGE).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and any(
            is_provider_staff(m) for m in getattr(request, "memberships", [])
        ):
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_SESSION_KEY)
            limit = settings.STAFF_IDLE_TIMEOUT_MINUTES * 60
            if last_seen is not None and now - float(last_seen) > limit:
                return self._sign_out(request)
            if last_seen is None or now - float(last_seen) > _LAST_SEEN_GRANULARITY_SECONDS:
                request.session[LAST_SEEN_SESSION_KEY] = now
        return self.get_response(request)

    @staticmethod
    def _sign_out(request: HttpRequest) -> HttpResponse:
        logout(request)
        if request.path.startswith("/api/"):
            from django.http import JsonResponse

            return JsonResponse({"detail": "Session expired after inactivity."}, status=401)
        messages.info(
            request,
            _("You were signed out after %(minutes)s minutes without activity.")
            % {"minutes": settings.STAFF_IDLE_TIMEOUT_MINUTES},
        )
        return redirect(f"{reverse('accounts:login')}?next={quote(request.get_full_path())}")
