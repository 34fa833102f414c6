from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import Client

from saveit.accounts.models import ApiToken
from saveit.core.tokens import digest
from saveit.testing.factories import bearer, signed_in

pytestmark = pytest.mark.django_db


def test_a_token_acts_for_its_membership_and_is_stored_hashed(owner):
    headers = bearer(owner)
    secret = headers["Authorization"].split()[1]
    token = ApiToken.objects.get()
    assert token.token_hash == digest(secret) and secret not in token.token_hash
    me = Client(headers=headers).get("/api/v1/me").json()
    assert me["acting_as"]["id"] == owner.pk


def test_a_revoked_token_answers_401(owner):
    headers = bearer(owner)
    client = Client(headers=headers)
    token = ApiToken.objects.get()
    response = client.delete(f"/api/v1/tokens/{token.pk}")
    assert response.status_code == 200
    assert client.get("/api/v1/me").status_code == 401


def test_a_forged_token_answers_401_in_json(db):
    response = Client(headers={"Authorization": "Bearer sit_forged"}).get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_token_of_a_removed_member_stops_working(owner, learner):
    headers = bearer(learner)
    learner.is_active = False
    learner.save()
    assert Client(headers=headers).get("/api/v1/me").status_code == 401


def test_a_token_cannot_read_another_organisation(owner, other_org):
    client = Client(headers=bearer(owner))
    assert client.get(f"/api/v1/organizations/{other_org.pk}").status_code == 404
    assert client.get(f"/api/v1/organizations/{other_org.pk}/members").status_code == 404
    listed = [o["id"] for o in client.get("/api/v1/organizations").json()]
    assert listed == [owner.organization_id]


def test_session_writes_need_the_csrf_token(owner):
    client = signed_in(owner)
    client.handler.enforce_csrf_checks = True
    response = client.post(
        "/api/v1/tokens", json.dumps({"name": "x"}), content_type="application/json"
    )
    assert response.status_code == 403  # a session without its CSRF token is refused, not unknown
    assert not ApiToken.objects.exists()


def test_token_creation_shows_the_secret_once(owner):
    response = signed_in(owner).post(
        "/api/v1/tokens", {"name": "script"}, content_type="application/json"
    )
    assert response.status_code == 201
    created = response.json()
    assert created["token"].startswith("sit_")
    listing = Client(headers=bearer(owner)).get("/api/v1/tokens").json()
    assert all("token" not in row for row in listing)


def test_validation_errors_are_json_422(owner):
    response = Client(headers=bearer(owner)).post(
        f"/api/v1/organizations/{owner.organization_id}/invitations",
        {"email": "not-an-email", "role": "learner"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"]


def test_refusals_are_json_409(owner):
    response = Client(headers=bearer(owner)).post(
        f"/api/v1/organizations/{owner.organization_id}/invitations",
        {"email": "a@b.fr", "role": "admin"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "role_not_allowed"


def test_issue_api_token_command_prints_a_working_token(owner, capsys):
    call_command("issue_api_token", email=owner.user.email, org=owner.organization.slug)
    secret = capsys.readouterr().out.strip()
    response = Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/me")
    assert response.status_code == 200


def test_the_token_page_shows_a_new_token_once(owner):
    client = signed_in(owner)
    response = client.post("/comptes/jetons/", {"name": "Export mensuel"})
    secret = ApiToken.objects.get()
    assert secret.prefix.encode() in response.content
    again = client.get("/comptes/jetons/")
    assert b'id="new-token"' not in again.content
