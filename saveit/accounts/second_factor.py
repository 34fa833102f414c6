"""TOTP second factor and recovery codes (django-otp), with their audit events."""

from __future__ import annotations

import base64
from collections.abc import Iterable

import segno
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from saveit.audit.chain import record_event

from .models import Membership, RecoveryCode, RecoveryCodeDevice, User
from .roles import requires_second_factor

RECOVERY_CODE_COUNT = 10


def is_required(memberships: Iterable[Membership]) -> bool:
    """Whether one of these (current) memberships obliges the user to use a second factor."""
    return any(requires_second_factor(m) for m in memberships)


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
    """Fresh codes, shown once; only their salted hashes are kept (ASVS 6.5.2)."""
    device, _created = RecoveryCodeDevice.objects.get_or_create(user=user, name="recovery")
    device.codes.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(device=device, digest=make_password(code)) for code in codes]
    )
    return codes


def check_code(user: User, code: str) -> Device | None:
    """The confirmed device that accepts the code: the authenticator for a 6-digit code, else a
    one-use recovery code (so a mistyped TOTP code costs no password-hash checks)."""
    cleaned = code.strip().replace(" ", "").replace("-", "").lower()
    with transaction.atomic():
        if cleaned.isdigit() and len(cleaned) == 6:
            devices: Iterable[Device] = TOTPDevice.objects.devices_for_user(
                user, confirmed=True
            ).select_for_update()
        else:
            devices = RecoveryCodeDevice.objects.devices_for_user(
                user, confirmed=True
            ).select_for_update()
        return next((d for d in devices if d.verify_token(cleaned)), None)


def is_recovery_device(device: Device) -> bool:
    return isinstance(device, RecoveryCodeDevice)


def remaining_recovery_codes(user: User) -> int:
    return RecoveryCode.objects.filter(device__user=user).count()


def is_verified(user: object) -> bool:
    """Whether this request's user passed the second factor (set by django-otp's middleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False
