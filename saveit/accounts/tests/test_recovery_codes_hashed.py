"""Recovery codes are stored as salted hashes, never in clear, and still work once each."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from saveit.accounts import second_factor
from saveit.accounts.models import RecoveryCode
from saveit.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(email: str) -> Client:
    client = Client()
    client.post(reverse("accounts:login"), {"username": email, "password": PASSWORD})
    return client


def test_no_recovery_code_is_stored_in_clear(staff_admin):
    codes = second_factor.regenerate_recovery_codes(user=staff_admin.user, member=None)
    assert len(codes) == 10
    assert not StaticToken.objects.exists()
    stored = list(RecoveryCode.objects.values_list("digest", flat=True))
    assert len(stored) == 10
    assert not any(code in digest for code in codes for digest in stored)


def test_a_hashed_recovery_code_signs_in_once(staff_admin):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=staff_admin.user, name="app", confirmed=True)
    codes = second_factor.regenerate_recovery_codes(user=staff_admin.user, member=None)
    first = _sign_in(staff_admin.user.email)
    assert first.post(reverse("accounts:otp_verify"), {"code": codes[3].upper()}).status_code == 302
    assert first.get(reverse("accounts:organization_list")).status_code == 200
    assert second_factor.remaining_recovery_codes(staff_admin.user) == 9
    again = _sign_in(staff_admin.user.email)
    assert again.post(reverse("accounts:otp_verify"), {"code": codes[3]}).status_code == 200


def test_the_migration_hashes_codes_kept_in_clear(staff_admin):
    device = StaticDevice.objects.create(user=staff_admin.user, name="recovery")
    StaticToken.objects.create(device=device, token="abcdefgh")
    migration = importlib.import_module("saveit.accounts.migrations.0007_hash_recovery_codes")
    migration.hash_clear_codes(apps, None)
    assert not StaticToken.objects.exists()
    assert not StaticDevice.objects.filter(name="recovery").exists()
    assert second_factor.remaining_recovery_codes(staff_admin.user) == 1
    assert second_factor.check_code(staff_admin.user, "abcdefgh") is not None
    assert second_factor.check_code(staff_admin.user, "abcdefgh") is None
