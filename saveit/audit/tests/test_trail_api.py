"""The audit trail API: scoped to what the token's membership may read."""

from __future__ import annotations

import pytest
from django.test import Client

from saveit.accounts.roles import Role
from saveit.audit.models import AuditEvent
from saveit.testing.factories import bearer, make_member, signed_in

EVENTS = "/api/v1/audit/events"
VERIFY = "/api/v1/audit/verify"


def _get(member, url, **params):  # type: ignore[no-untyped-def]
    return Client().get(url, params, headers=bearer(member))


def test_the_owner_lists_their_organisations_events_in_chain_order(owner, client_org):
    response = _get(owner, EVENTS)
    assert response.status_code == 200
    body = response.json()
    stored = AuditEvent.objects.filter(organization=client_org).order_by("seq")
    assert body["organization"] == client_org.slug
    assert body["count"] == stored.count()
    assert [e["seq"] for e in body["events"]] == [e.seq for e in stored]
    assert body["events"][0]["hash"] == stored[0].hash


def test_another_tenants_organisation_answers_not_found(owner, other_org):
    response = _get(owner, EVENTS, org_id=other_org.pk)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert _get(owner, VERIFY, org_id=other_org.pk).status_code == 404


def test_a_learner_is_refused(learner):
    assert _get(learner, EVENTS).status_code == 403
    assert _get(learner, VERIFY).status_code == 403


def test_an_anonymous_call_is_unauthenticated(db):
    assert Client().get(EVENTS).status_code == 401


def test_the_provider_quality_manager_lists_a_client_trail(provider, client_org):
    quality = make_member(provider, Role.QUALITY_MANAGER)
    response = _get(quality, EVENTS, org_id=client_org.pk)
    assert response.status_code == 200
    assert response.json()["organization"] == client_org.slug


def test_events_are_filtered_and_paged(owner, client_org):
    body = _get(owner, EVENTS, action="membership", limit=1, offset=0).json()
    expected = AuditEvent.objects.filter(organization=client_org, action__contains="membership")
    assert body["count"] == expected.count()
    assert len(body["events"]) == 1
    assert body["events"][0]["action"].startswith("membership")
    by_object = _get(
        owner, EVENTS, object_type="accounts.organization", object_id=str(client_org.pk)
    ).json()
    assert by_object["count"] >= 1
    assert all(e["object_id"] == str(client_org.pk) for e in by_object["events"])


@pytest.mark.parametrize("params", [{"limit": 501}, {"limit": 0}, {"offset": -1}, {"org_id": "x"}])
def test_out_of_range_paging_is_a_validation_error(owner, params):
    response = _get(owner, EVENTS, **params)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_verify_reports_a_holding_chain(owner, client_org):
    body = _get(owner, VERIFY).json()
    assert body == {
        "organization": client_org.slug,
        "events": AuditEvent.objects.filter(organization=client_org).count(),
        "ok": True,
        "broken_seq": None,
        "reason": "",
        "problems": [],
    }


def test_verify_names_the_first_broken_seq(owner, client_org):
    AuditEvent.objects.filter(organization=client_org, seq=2).delete()
    body = _get(owner, VERIFY).json()
    assert (body["ok"], body["broken_seq"]) == (False, 2)


def test_the_browser_session_reaches_the_api_too(owner, client_org):
    response = signed_in(owner).get(EVENTS)
    assert response.status_code == 200
    assert response.json()["organization"] == client_org.slug


def test_the_trail_operations_document_their_errors():
    from saveit.api import api

    schema = api.get_openapi_schema()
    for path in ("/api/v1/audit/events", "/api/v1/audit/verify"):
        responses = schema["paths"][path]["get"]["responses"]
        assert {"200", "401", "403", "404", "422"} <= set(map(str, responses))
