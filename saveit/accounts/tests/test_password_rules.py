"""New passwords are kept exactly as typed (spaces included) and are refused, in French, when
common or short, wherever they are set: invitation, password reset, learner page, services."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from saveit.accounts import services
from saveit.accounts.models import User
from saveit.accounts.roles import Role
from saveit.core.errors import Refusal
from saveit.learning.services import access
from saveit.testing.factories import PASSWORD, signed_in

pytestmark = pytest.mark.django_db
SPACED = "  lune pleine sur la Loire  "


def _can_sign_in(email: str, password: str) -> bool:
    response = Client().post(reverse("accounts:login"), {"username": email, "password": password})
    return response.status_code == 302


def _invitation_link(owner) -> str:  # type: ignore[no-untyped-def]
    sent = services.invite_member(
        organization=owner.organization, email="zoe@alpha.test", role=Role.LEARNER, by=owner
    )
    return reverse("accounts:invitation_accept", args=[sent.token])


def _accept(owner, password: str):  # type: ignore[no-untyped-def]
    return Client().post(
        _invitation_link(owner),
        {
            "first_name": "Zoé",
            "last_name": "Durand",
            "password": password,
            "password_again": password,
        },
    )


def test_a_password_with_surrounding_spaces_chosen_at_invitation_signs_in_as_typed(owner):
    assert _accept(owner, SPACED).status_code == 302
    assert _can_sign_in("zoe@alpha.test", SPACED)
    assert not _can_sign_in("zoe@alpha.test", SPACED.strip())


def test_a_password_with_surrounding_spaces_chosen_by_a_learner_signs_in_as_typed(learner):
    response = signed_in(learner).post(
        "/mes-formations/mot-de-passe/",
        {"current_password": PASSWORD, "password": SPACED, "confirm": SPACED},
    )
    assert response.status_code == 302
    assert _can_sign_in(learner.user.email, SPACED)


def test_a_password_with_surrounding_spaces_set_by_a_reset_link_signs_in_as_typed(manager):
    client = Client()
    client.post(reverse("accounts:password_reset"), {"email": manager.user.email})
    link = re.search(r"https?://\S+(/comptes/mot-de-passe/nouveau/\S+/)", mail.outbox[-1].body)
    form = client.get(link.group(1), follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": SPACED, "new_password2": SPACED})
    assert _can_sign_in(manager.user.email, SPACED)


@pytest.mark.parametrize(
    ("password", "french"),
    [("azertyuiop", "trop courant"), ("Kx9!q", "trop court")],
)
def test_a_common_or_short_password_is_refused_in_french_at_invitation(owner, password, french):
    response = _accept(owner, password)
    assert response.status_code == 200
    assert french in response.content.decode()
    assert not User.objects.filter(email="zoe@alpha.test").exists()


def test_a_common_password_is_refused_in_french_on_the_learner_page(learner):
    response = signed_in(learner).post(
        "/mes-formations/mot-de-passe/",
        {"current_password": PASSWORD, "password": "motdepasse", "confirm": "motdepasse"},
    )
    assert response.status_code == 200 and "trop courant" in response.content.decode()
    learner.user.refresh_from_db()
    assert learner.user.check_password(PASSWORD)


def test_a_common_password_is_refused_at_reset_in_french(manager):
    client = Client()
    client.post(reverse("accounts:password_reset"), {"email": manager.user.email})
    link = re.search(r"https?://\S+(/comptes/mot-de-passe/nouveau/\S+/)", mail.outbox[-1].body)
    form = client.get(link.group(1), follow=True)
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": "azertyuiop", "new_password2": "azertyuiop"}
    )
    assert "trop courant" in response.content.decode()
    manager.user.refresh_from_db()
    assert manager.user.check_password(PASSWORD)


@pytest.mark.parametrize("password", ["azertyuiop", "short-1"])
def test_the_services_themselves_refuse_a_common_or_short_password(owner, learner, password):
    with pytest.raises(Refusal) as refused:
        access.set_own_password(
            user=learner.user, password=password, current_password=PASSWORD, by=learner
        )
    assert refused.value.code == "weak_password"
    with pytest.raises(Refusal):
        services.add_member(
            organization=owner.organization,
            email="x@alpha.test",
            role=Role.LEARNER,
            password=password,
        )
    learner.user.refresh_from_db()
    assert learner.user.check_password(PASSWORD)
