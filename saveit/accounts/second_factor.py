"""TOTP second factor and recovery codes (django-otp), with their audit events."""

from __future__ import annotations

import base64
from collections.abc import Iterable

import segno
from django.db import transaction
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from saveit.audit.chain import record_event

from .models import Membership, User

RECOVERY_CODE_COUNT = 10


def is_required(memberships: Iterable[Membership]) -> bool:
    """Whether one of these (current) memberships obliges the user to use a second factor."""
    return any(m.requires_second_factor for m in memberships)


def confirmed_totp(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_totp(user: User) -> TOTPDevice:
    """The device being enrolled: created once, shown until its first code is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def base32_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#1d2330")


@transaction.atomic
def confirm_totp(*, user: User, code: str, member: Membership | None) -> list[str] | None:
    """Confirm enrolment with a first code; returns fresh recovery codes, or None if wrong."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(code.strip()):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    if member is not None:
        record_event(
            organization=member.organization,
            action="user.totp_enrolled",
            actor=member,
            target=user,
        )
    return _new_recovery_codes(user)


@transaction.atomic
def regenerate_recovery_codes(*, user: User, member: Membership | None) -> list[str]:
    codes = _new_recovery_codes(user)
    if member is not None:
        record_event(
            organization=member.organization,
            action="user.recovery_codes_regenerated",
            actor=member,
            target=user,
        )
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def check_code(user: User, code: str):  # type: ignore[no-untyped-def]
    """The confirmed device (TOTP or a one-use recovery code) that accepts the code."""
    cleaned = code.strip().replace(" ", "").lower()
    return match_token(user, cleaned)


def remaining_recovery_codes(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__name="recovery").count()


def is_verified(user: object) -> bool:
    """Whether this request's user passed the second factor (set by django-otp's middleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False
