from __future__ import annotations

import base64
import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from saveit.accounts.roles import Role
from saveit.testing.factories import PASSWORD, make_member

pytestmark = pytest.mark.django_db


def _login(client: Client, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_client_manager_signs_in_and_the_session_key_is_rotated(manager):
    client = Client()
    client.get(reverse("accounts:login"))
    before = client.session.session_key
    response = _login(client, manager.user.email)
    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused_with_a_message(owner):
    response = _login(Client(), owner.user.email, "not-the-password")
    assert response.status_code == 200
    assert b"error-summary" in response.content  # the refusal is summed up at the top of the form


def test_provider_staff_cannot_reach_any_page_before_the_second_factor(staff_admin):
    client = Client()
    _login(client, staff_admin.user.email)
    response = client.get(reverse("accounts:organization_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    api = client.get("/api/v1/me")
    assert api.status_code == 401


def _current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key):06d}"


def test_staff_enrols_an_authenticator_and_gets_recovery_codes_once(staff_admin, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the wrong code below would otherwise delay the next
    client = Client()
    _login(client, staff_admin.user.email)
    page = client.get(reverse("accounts:otp_verify"))
    secret = re.search(rb'id="totp-secret">([A-Z2-7]+)<', page.content).group(1).decode()
    device = TOTPDevice.objects.get(user=staff_admin.user, confirmed=False)
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    wrong = client.post(reverse("accounts:otp_verify"), {"code": "000000"})
    assert wrong.status_code == 200 and not TOTPDevice.objects.get(pk=device.pk).confirmed
    response = client.post(reverse("accounts:otp_verify"), {"code": _current_code(device)})
    assert response["Location"] == reverse("accounts:otp_recovery_codes")
    codes_page = client.get(reverse("accounts:otp_recovery_codes"))
    assert codes_page.content.count(b"<li>") >= 10
    # Shown once: a second visit sends back to the security page.
    assert client.get(reverse("accounts:otp_recovery_codes")).status_code == 302
    assert client.get(reverse("accounts:organization_list")).status_code == 200


@pytest.fixture
def enrolled_admin(staff_admin):  # type: ignore[no-untyped-def]
    device = TOTPDevice.objects.create(user=staff_admin.user, name="app", confirmed=True)
    from saveit.accounts.second_factor import regenerate_recovery_codes

    codes = regenerate_recovery_codes(user=staff_admin.user, member=None)
    return staff_admin, device, codes


def test_a_totp_code_cannot_be_replayed(enrolled_admin):
    admin, device, _codes = enrolled_admin
    code = _current_code(device)
    first = Client()
    _login(first, admin.user.email)
    assert first.post(reverse("accounts:otp_verify"), {"code": code}).status_code == 302
    second = Client()
    _login(second, admin.user.email)
    replay = second.post(reverse("accounts:otp_verify"), {"code": code})
    assert replay.status_code == 200
    assert second.get(reverse("accounts:organization_list")).status_code == 302


def test_a_recovery_code_works_exactly_once(enrolled_admin):
    admin, _device, codes = enrolled_admin
    first = Client()
    _login(first, admin.user.email)
    assert first.post(reverse("accounts:otp_verify"), {"code": codes[0]}).status_code == 302
    assert first.get(reverse("accounts:organization_list")).status_code == 200
    second = Client()
    _login(second, admin.user.email)
    assert second.post(reverse("accounts:otp_verify"), {"code": codes[0]}).status_code == 200


def test_client_members_are_not_asked_for_a_second_factor(learner):
    client = Client()
    _login(client, learner.user.email)
    response = client.get("/", follow=True)  # a learner's home is "My trainings"
    assert response.status_code == 200 and response.redirect_chain[-1][0] == "/mes-formations/"


def test_logout_requires_post_and_ends_the_session(owner):
    client = Client()
    _login(client, owner.user.email)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get("/").status_code == 302


def test_switcher_only_accepts_the_users_own_memberships(owner, other_org):
    second = make_member(owner.organization, Role.CLIENT_MANAGER, email=owner.user.email)
    foreign = make_member(other_org, Role.CLIENT_OWNER)
    client = Client()
    _login(client, owner.user.email)
    client.post(reverse("accounts:switch"), {"membership": second.pk})
    assert client.session["active_membership_id"] == second.pk
    client.post(reverse("accounts:switch"), {"membership": foreign.pk})
    assert client.session["active_membership_id"] == second.pk
