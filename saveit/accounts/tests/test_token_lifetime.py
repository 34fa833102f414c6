"""API tokens expire, cannot mint tokens, and die with the password that made them."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth.forms import SetPasswordForm
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from saveit.accounts.models import ApiToken
from saveit.accounts.services import issue_api_token
from saveit.audit.models import AuditEvent
from saveit.testing.clock import move_clock
from saveit.testing.factories import bearer, signed_in

pytestmark = pytest.mark.django_db


def _create(client: Client, **body: object):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/tokens", json.dumps(body), content_type="application/json")


def test_a_token_lasts_90_days_by_default_and_answers_401_in_french_after(owner, monkeypatch):
    headers = bearer(owner)
    token = ApiToken.objects.get()
    lifetime = token.expires_at - token.created_at
    assert timedelta(days=90) - timedelta(seconds=5) < lifetime <= timedelta(days=90)
    move_clock(monkeypatch, timedelta(days=89, hours=23))
    assert Client(headers=headers).get("/api/v1/me").status_code == 200
    move_clock(monkeypatch, timedelta(days=90, minutes=1))
    response = Client(headers=headers).get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert response.json()["detail"].startswith("Ce jeton d’API a expiré le ")


def test_the_lifetime_is_chosen_at_creation_up_to_one_year(owner):
    client = signed_in(owner)
    created = _create(client, name="annuel", days=365)
    assert created.status_code == 201
    body = created.json()
    assert body["expires_at"] > (timezone.now() + timedelta(days=364)).isoformat()
    for days in (0, 366, 10_000):
        assert _create(client, name="trop", days=days).status_code == 422
    assert ApiToken.objects.count() == 1


def test_a_token_cannot_create_tokens(owner):
    response = _create(Client(headers=bearer(owner)), name="enfant")
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Un jeton ne peut pas créer de jeton : connectez-vous pour en créer un."
    )
    assert ApiToken.objects.count() == 1  # only the one that asked


def test_a_password_reset_revokes_every_token_of_the_person(owner, monkeypatch):
    headers = bearer(owner)
    other = issue_api_token(membership=owner, name="second")
    form = SetPasswordForm(owner.user, {"new_password1": "Un-autre-Mot2passe!", "new_password2": "Un-autre-Mot2passe!"})  # fmt: skip
    assert form.is_valid(), form.errors
    form.save()
    assert Client(headers=headers).get("/api/v1/me").status_code == 401
    other.token.refresh_from_db()
    assert other.token.revoked_at is not None
    revoked = AuditEvent.objects.filter(action="api_token.revoked", organization=owner.organization)
    assert revoked.count() == 2


def test_saving_a_user_without_a_new_password_keeps_their_tokens(owner):
    headers = bearer(owner)
    owner.user.first_name = "Renommé"
    owner.user.save()
    assert Client(headers=headers).get("/api/v1/me").status_code == 200


def test_the_token_page_shows_each_tokens_expiry_and_takes_a_lifetime(owner):
    client = signed_in(owner)
    client.post("/comptes/jetons/", {"name": "Export", "days": "30"})
    token = ApiToken.objects.get()
    assert 29 <= (token.expires_at - timezone.now()).days <= 30
    page = client.get("/comptes/jetons/").content.decode()
    assert "Expire" in page
    assert timezone.localtime(token.expires_at).strftime("%Y") in page
    refused = client.post("/comptes/jetons/", {"name": "Trop long", "days": "400"})
    assert refused.status_code == 200 and ApiToken.objects.count() == 1


def test_the_command_takes_a_lifetime_in_days(owner, capsys):
    call_command("issue_api_token", email=owner.user.email, org=owner.organization.slug, days=7)
    token = ApiToken.objects.get()
    assert 6 <= (token.expires_at - timezone.now()).days <= 7
    with pytest.raises(CommandError):
        call_command(
            "issue_api_token", email=owner.user.email, org=owner.organization.slug, days=400
        )
