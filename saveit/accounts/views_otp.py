from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from . import second_factor
from .forms import OtpForm
from .models import User

_RECOVERY_SESSION_KEY = "fresh_recovery_codes"


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    # Only a path of this site: redirect() would take "foo" for a URL name (a server error).
    local = target.startswith("/") and not target.startswith("//")
    if local and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator on first use, then ask for a code at every sign-in."""
    user = cast(User, request.user)
    if second_factor.is_verified(user):
        return redirect(_safe_next(request))
    device = second_factor.confirmed_totp(user)
    form = OtpForm(request.POST or None)
    member = getattr(request, "member", None)
    if device is None:
        pending = second_factor.pending_totp(user)
        if request.method == "POST" and form.is_valid():
            codes = second_factor.confirm_totp(
                user=user, code=form.cleaned_data["code"], member=member
            )
            if codes is None:
                form.add_error(
                    "code", _("This code is not valid. Check your device's clock and try again.")
                )
            else:
                otp_login(request, pending)
                request.session[_RECOVERY_SESSION_KEY] = codes
                return redirect("accounts:otp_recovery_codes")
        return render(
            request,
            "accounts/otp_enrol.html",
            {
                "form": form,
                "secret": second_factor.base32_secret(pending),
                "qr": second_factor.qr_svg(pending),
                "next": _safe_next(request),
            },
        )
    if request.method == "POST" and form.is_valid():
        matched = second_factor.check_code(user, form.cleaned_data["code"])
        if matched is None:
            form.add_error("code", _("This code is not valid."))
        else:
            otp_login(request, matched)
            if second_factor.is_recovery_device(matched):
                messages.warning(
                    request,
                    _("You used a recovery code; %(n)s remain.")
                    % {"n": second_factor.remaining_recovery_codes(user)},
                )
            return redirect(_safe_next(request))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _safe_next(request)})


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Shows freshly generated recovery codes exactly once."""
    codes = request.session.pop(_RECOVERY_SESSION_KEY, None)
    if not codes:
        return redirect("accounts:security")
    return render(request, "accounts/otp_recovery_codes.html", {"codes": codes})


@login_required
def security(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    if request.method == "POST" and request.POST.get("action") == "regenerate":
        if not second_factor.is_verified(user):
            return redirect("accounts:otp_verify")
        codes = second_factor.regenerate_recovery_codes(
            user=user, member=getattr(request, "member", None)
        )
        request.session[_RECOVERY_SESSION_KEY] = codes
        return redirect("accounts:otp_recovery_codes")
    context = {
        "totp": second_factor.confirmed_totp(user),
        "remaining_codes": second_factor.remaining_recovery_codes(user),
        "verified": second_factor.is_verified(user),
        "required": second_factor.is_required(getattr(request, "memberships", [])),
    }
    return render(request, "accounts/security.html", context)
