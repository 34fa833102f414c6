"""A refusal for lack of permission answers 403; 409 is kept for the state of things."""

from __future__ import annotations

import json

from django.test import Client

from saveit.audit.models import AuditEvent
from saveit.core.errors import Forbidden, Refusal
from saveit.testing.catalog_setup import procedure_version
from saveit.testing.factories import bearer

from ..models import Module


def _post(url: str, who, body=None):  # type: ignore[no-untyped-def]
    headers = who if isinstance(who, dict) else bearer(who)
    return Client().post(url, json.dumps(body or {}), "application/json", headers=headers)


def test_a_client_owner_creating_a_module_gets_403_and_nothing_changes(in_production, owner):
    headers = bearer(owner)  # issuing the token is audited: before counting
    events = AuditEvent.objects.count()
    response = _post(
        f"/api/v1/engagements/{in_production.pk}/modules",
        headers,
        {"title": "Nettoyage", "source_version_ids": [procedure_version(in_production).pk]},
    )
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert "concepteurs" in response.json()["detail"]  # the reason, in French
    assert not Module.objects.exists() and AuditEvent.objects.count() == events


def test_a_designer_submitting_unreviewed_proposals_gets_409(in_production, designer_member):
    created = _post(
        f"/api/v1/engagements/{in_production.pk}/modules",
        designer_member,
        {"title": "Nettoyage", "source_version_ids": [procedure_version(in_production).pk]},
    )
    submitted = _post(f"/api/v1/module-versions/{created.json()['id']}/submit", designer_member)
    assert (submitted.status_code, submitted.json()["code"]) == (409, "unreviewed")


def test_a_permission_refusal_is_still_a_refusal_for_the_pages():
    refusal = Forbidden("Non.")
    assert isinstance(refusal, Refusal) and (refusal.status, refusal.code) == (403, "forbidden")
    assert Refusal("Pas maintenant.").status == 409
