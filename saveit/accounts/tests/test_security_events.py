"""Refused requests are recorded (never the other tenant's data), shown to provider admins and
alerted on a burst."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from saveit.accounts.models import SecurityEvent
from saveit.accounts.security_events import BURST_EVENTS
from saveit.testing.clock import move_clock
from saveit.testing.factories import bearer, make_engagement, signed_in

pytestmark = pytest.mark.django_db


def test_reading_another_organisations_object_is_recorded_as_cross_tenant(owner, other_org):
    secret = other_org.name
    response = Client(headers=bearer(owner)).get(f"/api/v1/organizations/{other_org.pk}")
    assert response.status_code == 404
    event = SecurityEvent.objects.get()
    assert event.member == owner
    assert event.kind == SecurityEvent.Kind.CROSS_TENANT
    assert (event.method, event.route) == ("GET", f"/api/v1/organizations/{other_org.pk}")
    assert (event.object_type, event.object_id) == ("accounts.organization", str(other_org.pk))
    stored = " ".join(str(v) for v in SecurityEvent.objects.values().get().values())
    assert secret not in stored


def test_a_page_of_another_organisations_engagement_is_recorded(owner, outsider):
    engagement = make_engagement(outsider.organization)
    response = signed_in(owner).get(reverse("engagements:detail", args=[engagement.pk]))
    assert response.status_code == 404
    event = SecurityEvent.objects.get()
    assert event.kind == SecurityEvent.Kind.CROSS_TENANT
    assert (event.object_type, event.object_id) == ("engagements.engagement", str(engagement.pk))


def test_an_id_that_does_not_exist_is_a_plain_404_and_not_recorded(owner):
    response = Client(headers=bearer(owner)).get("/api/v1/organizations/987654")
    assert response.status_code == 404
    assert not SecurityEvent.objects.exists()


def test_a_forbidden_action_is_recorded_with_its_route(learner):
    url = reverse("accounts:security_events")
    assert signed_in(learner).get(url).status_code == 403
    event = SecurityEvent.objects.get()
    assert (event.kind, event.route, event.object_type) == ("forbidden", url, "")
    api = Client(headers=bearer(learner)).post(
        "/api/v1/organizations", {"name": "X", "kind": "client"}, content_type="application/json"
    )
    assert api.status_code == 403
    assert SecurityEvent.objects.filter(route="/api/v1/organizations", kind="forbidden").exists()


def test_served_pages_record_nothing(owner, learner):
    assert signed_in(learner).get("/", follow=True).status_code == 200
    assert Client(headers=bearer(owner)).get("/api/v1/me").status_code == 200
    assert not SecurityEvent.objects.exists()


def test_a_burst_of_refusals_mails_the_provider_admins_once_per_window(
    owner, other_org, staff_admin, monkeypatch, django_capture_on_commit_callbacks
):
    client = Client(headers=bearer(owner))
    url = f"/api/v1/organizations/{other_org.pk}"
    move_clock(monkeypatch, timedelta(0))  # the same clock for the whole burst
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(BURST_EVENTS - 1):
            client.get(url)
    assert not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            client.get(url)
    assert len(mail.outbox) == 1
    alert = mail.outbox[0]
    assert alert.to == [staff_admin.user.email]
    assert owner.user.email in alert.subject and "20" in alert.subject
    assert other_org.name not in alert.body
    move_clock(monkeypatch, timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(BURST_EVENTS):
            client.get(url)
    assert len(mail.outbox) == 2


def test_the_provider_admin_sees_the_events_paged_in_french(owner, other_org, staff_admin):
    client = Client(headers=bearer(owner))
    for _ in range(55):
        client.get(f"/api/v1/organizations/{other_org.pk}")
    page = signed_in(staff_admin).get(reverse("accounts:security_events"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Événements de sécurité" in html and "Objet d’une autre organisation" in html
    assert html.count(f"/api/v1/organizations/{other_org.pk}") == 50
    assert "Page 1 sur 2" in html
    second = signed_in(staff_admin).get(reverse("accounts:security_events"), {"page": 2})
    assert second.content.decode().count(f"/api/v1/organizations/{other_org.pk}") == 5


def test_no_one_but_a_provider_admin_sees_the_events(owner, designer):
    for member in (owner, designer):
        assert signed_in(member).get(reverse("accounts:security_events")).status_code == 403
