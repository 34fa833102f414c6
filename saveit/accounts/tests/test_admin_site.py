"""The Django admin asks for the verified second factor and never shows a TOTP seed."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from saveit.accounts.models import Organization, User
from saveit.accounts.second_factor import regenerate_recovery_codes
from saveit.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser() -> User:
    return User.objects.create_superuser("root@saveit.test", PASSWORD)


def test_a_password_alone_does_not_open_the_admin(superuser):
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": superuser.email, "password": PASSWORD, "next": "/admin/"},
    )
    assert client.get("/admin/").status_code == 302
    assert response.status_code == 200  # the form stays, asking for the code


def test_a_signed_in_superuser_without_the_second_factor_is_sent_to_the_login(superuser):
    client = Client()
    client.force_login(superuser)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def _verified_client(user: User) -> tuple[Client, TOTPDevice]:
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client, device


def test_the_verified_second_factor_opens_the_admin(superuser):
    client, _device = _verified_client(superuser)
    assert client.get("/admin/").status_code == 200


def test_admin_pages_never_show_a_totp_seed_or_recovery_codes(superuser):
    client, device = _verified_client(superuser)
    codes = regenerate_recovery_codes(user=superuser, member=None)
    # django-otp's own static device, had an older installation kept codes in it.
    static = StaticDevice.objects.create(user=superuser, name="legacy")
    StaticToken.objects.create(device=static, token="legacycode")
    codes.append("legacycode")
    pages = [
        "/admin/otp_totp/totpdevice/",
        f"/admin/otp_totp/totpdevice/{device.pk}/change/",
        f"/admin/otp_static/staticdevice/{static.pk}/change/",
    ]
    for url in pages:
        content = client.get(url).content.decode()
        assert device.key not in content, url
        assert not any(code in content for code in codes), url
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 403


def test_the_demo_refuses_to_run_with_production_settings(settings):
    settings.SAVEIT_ENVIRONMENT = "production"
    with pytest.raises(CommandError, match="production"):
        call_command("demo")
    assert not Organization.objects.exists()
