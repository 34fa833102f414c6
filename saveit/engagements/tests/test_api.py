"""The engagement API: the gate's 409 body, and a path from creation to phase 1."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from saveit.audit.models import AuditEvent
from saveit.engagements.models import Engagement, PhaseChange
from saveit.testing.engagement_setup import through_phase_0
from saveit.testing.factories import PASSWORD, bearer

pytestmark = pytest.mark.django_db


def _post(client, url, body=None, headers=None, method="post"):
    return getattr(client, method)(
        url, json.dumps(body or {}), content_type="application/json", headers=headers or {}
    )


def test_advance_answers_409_with_the_unmet_checks_and_changes_nothing(engagement, pm):
    headers = bearer(pm)
    events = AuditEvent.objects.count()
    response = _post(Client(), f"/api/v1/engagements/{engagement.pk}/advance", headers=headers)
    assert response.status_code == 409
    body = response.json()
    assert body["phase"] == 0 and body["code"] == "gate_closed"
    assert [u["check"] for u in body["unmet"]] == [
        "scoping_interview_recorded",
        "scoping_note_signed",
    ]
    assert all(u["message"] for u in body["unmet"])
    assert AuditEvent.objects.count() == events
    assert Engagement.objects.get(pk=engagement.pk).phase == 0


def test_create_and_scope_an_engagement_through_the_api(pm, owner, client_org):
    client, headers = Client(), bearer(pm)
    created = _post(
        client,
        "/api/v1/engagements/",
        {"client_id": client_org.pk, "title": "Hygiène", "client_owner_id": owner.pk},
        headers,
    )
    assert created.status_code == 201, created.content
    eid = created.json()["id"]
    assert (
        _post(
            client,
            f"/api/v1/engagements/{eid}/interviews",
            {"held_on": "2026-11-02", "participants": "A", "notes": "B"},
            headers,
        ).status_code
        == 201
    )
    note = _post(
        client,
        f"/api/v1/engagements/{eid}/scoping-note",
        {"objectives": "O", "scope": "Lyon"},
        headers,
        method="put",
    )
    assert note.json()["state"] == "draft"
    issued = _post(client, f"/api/v1/engagements/{eid}/scoping-note/issue", headers=headers).json()
    assert issued["state"] == "awaiting_signature"
    owner_headers = bearer(owner)
    to_sign = client.get("/api/v1/engagements/to-sign", headers=owner_headers).json()
    assert [item["document_id"] for item in to_sign] == [issued["document_id"]]
    signed = _post(
        client,
        f"/api/v1/documents/{issued['document_id']}/sign",
        {"intent": "Lu et approuvé", "password": PASSWORD},
        owner_headers,
    )
    assert signed.status_code == 201
    advanced = _post(client, f"/api/v1/engagements/{eid}/advance", headers=headers)
    assert advanced.status_code == 200 and advanced.json()["phase"] == 1
    timeline = client.get(f"/api/v1/engagements/{eid}/timeline", headers=headers).json()
    actions = [event["action"] for event in timeline]
    assert actions[0] == "engagement.created" and "document.signed" in actions
    assert actions[-1] == "engagement.phase_advanced"


def test_client_members_cannot_move_or_reopen(engagement, pm, owner, manager):
    engagement = through_phase_0(engagement, pm, owner)
    for member in (owner, manager):
        headers = bearer(member)
        assert (
            _post(
                Client(), f"/api/v1/engagements/{engagement.pk}/advance", headers=headers
            ).status_code
            == 403
        )
        assert (
            _post(
                Client(),
                f"/api/v1/engagements/{engagement.pk}/reopen",
                {"to_phase": 0, "reason": "une bonne raison", "changes_scope": False},
                headers,
            ).status_code
            == 403
        )
    assert PhaseChange.objects.filter(kind="reopen").count() == 0


def test_a_replayed_advance_does_not_skip_a_phase(engagement, pm, owner):
    engagement = through_phase_0(engagement, pm, owner)  # now in phase 1
    response = _post(Client(), f"/api/v1/engagements/{engagement.pk}/advance", headers=bearer(pm))
    assert response.status_code == 409
    assert Engagement.objects.get(pk=engagement.pk).phase == 1
