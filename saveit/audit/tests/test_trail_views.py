"""The trail pages: who may read which organisation's trail, filters, exports, verification."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from saveit.accounts.roles import Role
from saveit.audit.chain import record_event
from saveit.audit.models import AuditEvent
from saveit.testing.factories import make_member, signed_in

TRAIL = reverse("audit:trail")


def _events(organization) -> int:  # type: ignore[no-untyped-def]
    return AuditEvent.objects.filter(organization=organization).count()


def test_the_client_owner_reads_the_trail_of_their_own_organisation(owner, client_org):
    response = signed_in(owner).get(TRAIL)
    assert response.status_code == 200
    assert response.context["organization"] == client_org
    shown = {e.seq for e in response.context["page"].object_list}
    assert shown == set(range(1, _events(client_org) + 1))
    assert b"membership.granted" in response.content


@pytest.mark.parametrize("persona", ["learner", "manager"])
def test_members_without_an_audit_role_are_refused(persona, request):
    member = request.getfixturevalue(persona)
    assert signed_in(member).get(TRAIL).status_code == 403


def test_the_provider_designer_is_refused(designer):
    assert signed_in(designer).get(TRAIL).status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login_page(db, client):
    response = client.get(TRAIL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_another_organisations_trail_answers_not_found_to_a_client_owner(owner, other_org):
    response = signed_in(owner).get(TRAIL, {"org": other_org.pk})
    assert response.status_code == 404


def test_an_unknown_or_malformed_organisation_answers_not_found(owner):
    client = signed_in(owner)
    assert client.get(TRAIL, {"org": 987654}).status_code == 404
    assert client.get(TRAIL, {"org": "abc"}).status_code == 404


def test_the_auditor_reads_only_their_own_organisation(auditor, client_org, other_org):
    client = signed_in(auditor)
    assert client.get(TRAIL).context["organization"] == client_org
    assert client.get(TRAIL, {"org": other_org.pk}).status_code == 404


@pytest.mark.parametrize("persona", ["staff_admin", "quality_manager"])
def test_provider_admin_and_quality_manager_read_any_organisation(persona, request, client_org):
    member = request.getfixturevalue(persona)
    response = signed_in(member).get(TRAIL, {"org": client_org.pk})
    assert response.status_code == 200
    assert response.context["organization"] == client_org
    assert client_org in response.context["organizations"]


def test_an_auditor_of_the_provider_may_not_read_client_trails(provider, client_org):
    auditor = make_member(provider, Role.AUDITOR)
    client = signed_in(auditor)
    assert client.get(TRAIL).status_code == 200
    assert client.get(TRAIL, {"org": client_org.pk}).status_code == 404


def test_the_trail_is_filtered_by_action_and_object_type(owner, client_org):
    client = signed_in(owner)
    by_action = client.get(TRAIL, {"action": "membership"}).context["page"].object_list
    assert by_action and all("membership" in e.action for e in by_action)
    by_type = client.get(TRAIL, {"object_type": "accounts.user"}).context["page"].object_list
    assert by_type and all(e.object_type == "accounts.user" for e in by_type)


def test_the_trail_is_filtered_by_paris_dates(owner, client_org):
    AuditEvent.objects.filter(organization=client_org, seq=1).update(
        created_at=timezone.now() - timedelta(days=10)
    )
    today = timezone.localdate().isoformat()
    page = signed_in(owner).get(TRAIL, {"date_from": today}).context["page"]
    assert 1 not in {e.seq for e in page.object_list}
    earlier = (timezone.localdate() - timedelta(days=5)).isoformat()
    page = signed_in(owner).get(TRAIL, {"date_to": earlier}).context["page"]
    assert [e.seq for e in page.object_list] == [1]


def test_a_malformed_date_filter_shows_an_error_and_keeps_the_other_filters(owner):
    response = signed_in(owner).get(TRAIL, {"date_from": "yesterday", "action": "user"})
    assert response.status_code == 200
    assert response.context["form"].errors["date_from"]
    assert all("user" in e.action for e in response.context["page"].object_list)


def test_the_trail_is_paginated_fifty_events_per_page_newest_first(owner, client_org):
    with transaction.atomic():
        for n in range(60):
            record_event(organization=client_org, action="test.bulk", after={"n": n})
    total = _events(client_org)
    client = signed_in(owner)
    first = client.get(TRAIL).context["page"]
    assert [e.seq for e in first.object_list] == list(range(total, total - 50, -1))
    second = client.get(TRAIL, {"page": 2}).context["page"]
    assert [e.seq for e in second.object_list] == list(range(total - 50, 0, -1))


def test_the_object_trail_shows_only_that_objects_events(owner, client_org):
    url = reverse("audit:object_trail", args=["accounts.organization", str(client_org.pk)])
    response = signed_in(owner).get(url)
    assert response.status_code == 200
    events = response.context["page"].object_list
    assert events and {(e.object_type, e.object_id) for e in events} == {
        ("accounts.organization", str(client_org.pk))
    }


def test_the_object_trail_of_another_organisation_answers_not_found(owner, other_org):
    url = reverse("audit:object_trail", args=["accounts.organization", str(other_org.pk)])
    assert signed_in(owner).get(url, {"org": other_org.pk}).status_code == 404


def test_the_object_trail_never_shows_another_organisations_events(owner, other_org):
    url = reverse("audit:object_trail", args=["accounts.organization", str(other_org.pk)])
    response = signed_in(owner).get(url)
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []


def test_verifying_a_holding_chain_shows_success(owner, client_org):
    response = signed_in(owner).post(reverse("audit:trail_verify"), {"org": client_org.pk})
    assert response.status_code == 200
    assert response.context["report"].ok
    assert b"alert-ok" in response.content


def test_verifying_a_broken_chain_names_the_first_broken_seq(owner, client_org):
    AuditEvent.objects.filter(organization=client_org, seq=2).update(after={"forged": True})
    response = signed_in(owner).post(reverse("audit:trail_verify"), {"org": client_org.pk})
    report = response.context["report"]
    assert (report.ok, report.broken_seq) == (False, 2)
    alert = response.content.decode().split('class="alert alert-error"')[1].split("</div>")[0]
    assert "n°\xa02 " in alert and "modifié" in alert  # the French page names seq 2 and why


def test_verification_over_htmx_returns_only_the_result(owner, client_org):
    response = signed_in(owner).post(
        reverse("audit:trail_verify"), {"org": client_org.pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert b'id="verification"' in response.content
    assert b"<table" not in response.content


def test_verification_is_refused_by_get_and_for_another_organisation(owner, other_org):
    client = signed_in(owner)
    assert client.get(reverse("audit:trail_verify")).status_code == 405
    response = client.post(reverse("audit:trail_verify"), {"org": other_org.pk})
    assert response.status_code == 404


def test_verification_requires_the_csrf_token(owner, client_org):
    client = signed_in(owner)
    client.handler.enforce_csrf_checks = True
    response = client.post(reverse("audit:trail_verify"), {"org": client_org.pk})
    assert response.status_code == 403


def test_the_csv_export_holds_every_row_with_its_hashes(owner, client_org):
    response = signed_in(owner).get(reverse("audit:trail_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    stored = AuditEvent.objects.filter(organization=client_org).order_by("seq")
    assert [int(r["seq"]) for r in rows] == [e.seq for e in stored]
    assert [r["hash"] for r in rows] == [e.hash for e in stored]
    assert rows[1]["prev_hash"] == rows[0]["hash"]
    assert rows[0]["time_utc"].endswith("Z")


def test_the_json_export_respects_the_filters(owner, client_org):
    response = signed_in(owner).get(reverse("audit:trail_json"), {"action": "membership"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = json.loads(b"".join(response.streaming_content))
    assert document["organization"] == client_org.slug
    expected = AuditEvent.objects.filter(organization=client_org, action__contains="membership")
    assert [e["seq"] for e in document["events"]] == sorted(e.seq for e in expected)
    event = document["events"][0]
    assert {"hash", "prev_hash", "actor_user_id", "before", "after", "ip", "user_agent"} <= set(
        event
    )


def test_an_export_of_another_organisation_answers_not_found(owner, other_org):
    client = signed_in(owner)
    assert client.get(reverse("audit:trail_csv"), {"org": other_org.pk}).status_code == 404
    assert client.get(reverse("audit:trail_json"), {"org": other_org.pk}).status_code == 404


def test_exports_are_refused_to_a_learner(learner):
    assert signed_in(learner).get(reverse("audit:trail_csv")).status_code == 403


def test_a_csv_cell_that_looks_like_a_formula_is_neutralised(owner, client_org):
    AuditEvent.objects.filter(organization=client_org, seq=1).update(user_agent="=HYPERLINK(1)")
    text = b"".join(signed_in(owner).get(reverse("audit:trail_csv")).streaming_content)
    assert b"'=HYPERLINK(1)" in text


def test_provider_quality_manager_exports_a_client_trail(provider, client_org):
    quality = make_member(provider, Role.QUALITY_MANAGER)
    response = signed_in(quality).get(reverse("audit:trail_json"), {"org": client_org.pk})
    assert json.loads(b"".join(response.streaming_content))["organization"] == client_org.slug
