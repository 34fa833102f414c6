"""Second factor for client members: an enrolled factor is always asked; an organisation's rule
says who must set one up (provider staff and business content owners at least)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from saveit.accounts import services
from saveit.accounts.roles import SecondFactorRule
from saveit.audit.models import AuditEvent
from saveit.core.errors import Refusal
from saveit.testing.factories import PASSWORD, signed_in

pytestmark = pytest.mark.django_db
OTP = reverse("accounts:otp_verify")


def _sign_in(email: str) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _asked_for_second_factor(client: Client) -> bool:
    response = client.get("/")
    return response.status_code == 302 and response["Location"].startswith(OTP)


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key):06d}"


def _enrol(membership):  # type: ignore[no-untyped-def]
    return TOTPDevice.objects.create(user=membership.user, name="app", confirmed=True)


@pytest.mark.parametrize("persona", ["manager", "learner", "auditor"])
def test_an_enrolled_factor_is_always_asked_at_sign_in(persona, request):
    member = request.getfixturevalue(persona)
    device = _enrol(member)
    client = _sign_in(member.user.email)
    assert _asked_for_second_factor(client)
    assert client.get("/api/v1/me").status_code == 401
    assert client.post(OTP, {"code": _code(device)}).status_code == 302
    assert not _asked_for_second_factor(client)


def test_a_wrong_code_keeps_an_enrolled_client_member_out(manager):
    _enrol(manager)
    client = _sign_in(manager.user.email)
    assert client.post(OTP, {"code": "000000"}).status_code == 200
    assert _asked_for_second_factor(client)


def test_a_client_owner_must_set_up_a_second_factor_at_sign_in(owner):
    client = _sign_in(owner.user.email)
    assert _asked_for_second_factor(client)
    assert 'id="totp-secret"' in client.get(OTP).content.decode()


def test_provider_staff_must_set_up_a_second_factor_at_sign_in(designer):
    assert _asked_for_second_factor(_sign_in(designer.user.email))


@pytest.mark.parametrize("persona", ["manager", "learner", "auditor"])
def test_other_client_members_are_not_forced_by_default(persona, request):
    member = request.getfixturevalue(persona)
    assert member.organization.second_factor_rule == SecondFactorRule.SIGNERS
    assert not _asked_for_second_factor(_sign_in(member.user.email))


def test_an_organisation_requiring_everyone_forces_its_learners_at_next_sign_in(owner, learner):
    services.set_second_factor_rule(
        organization=owner.organization, rule=SecondFactorRule.EVERYONE, by=owner
    )
    assert _asked_for_second_factor(_sign_in(learner.user.email))


def test_the_rule_of_one_organisation_does_not_reach_another(owner, outsider):
    services.set_second_factor_rule(
        organization=owner.organization, rule=SecondFactorRule.EVERYONE, by=owner
    )
    from saveit.testing.factories import make_member

    other_learner = make_member(outsider.organization, "learner")
    assert not _asked_for_second_factor(_sign_in(other_learner.user.email))


def test_the_owner_changes_the_rule_on_the_organisation_page_and_it_is_audited(owner):
    browser = signed_in(owner)
    page = browser.get(reverse("accounts:organization_detail", args=[owner.organization.pk]))
    assert 'name="second_factor_rule"' in page.content.decode()
    url = reverse("accounts:organization_second_factor", args=[owner.organization.pk])
    response = browser.post(url, {"second_factor_rule": SecondFactorRule.EVERYONE})
    assert response.status_code == 302
    owner.organization.refresh_from_db()
    assert owner.organization.second_factor_rule == SecondFactorRule.EVERYONE
    event = AuditEvent.objects.get(action="organization.second_factor_policy_changed")
    assert event.before == {"second_factor_rule": "signers"}
    assert event.after == {"second_factor_rule": "everyone"}


def test_a_manager_may_not_change_the_rule_and_another_tenant_gets_404(owner, manager, outsider):
    url = reverse("accounts:organization_second_factor", args=[owner.organization.pk])
    data = {"second_factor_rule": SecondFactorRule.EVERYONE}
    assert signed_in(manager).post(url, data).status_code == 403
    assert signed_in(outsider).post(url, data).status_code == 404
    owner.organization.refresh_from_db()
    assert owner.organization.second_factor_rule == SecondFactorRule.SIGNERS
    assert not AuditEvent.objects.filter(action="organization.second_factor_policy_changed")


def test_an_unknown_rule_is_refused_in_french_and_changes_nothing(owner):
    browser = signed_in(owner)
    url = reverse("accounts:organization_second_factor", args=[owner.organization.pk])
    response = browser.post(url, {"second_factor_rule": "nobody"}, follow=True)
    assert "Choisissez" in response.content.decode()
    owner.organization.refresh_from_db()
    assert owner.organization.second_factor_rule == SecondFactorRule.SIGNERS
    with pytest.raises(Refusal):
        services.set_second_factor_rule(organization=owner.organization, rule="nobody", by=owner)


def test_who_must_use_a_second_factor_follows_the_one_staff_rule(
    designer, owner, manager, learner, client_org
):
    from datetime import timedelta

    from django.utils import timezone

    from saveit.accounts.models import Membership
    from saveit.accounts.roles import SecondFactorRule, requires_second_factor

    assert requires_second_factor(designer) and requires_second_factor(owner)
    assert not requires_second_factor(manager) and not requires_second_factor(learner)
    # a provider membership that has ended is no longer staff, so no longer obliged
    Membership.objects.filter(pk=designer.pk).update(expires_at=timezone.now() - timedelta(days=1))
    designer.refresh_from_db()
    assert not requires_second_factor(designer)
    client_org.second_factor_rule = SecondFactorRule.EVERYONE
    client_org.save(update_fields=["second_factor_rule"])
    learner.refresh_from_db()
    assert requires_second_factor(learner)
