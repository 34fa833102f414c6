"""Provider managers edit a client's contract terms on a page and through the API."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from saveit.audit.models import AuditEvent
from saveit.engagements.models import ContractTerms
from saveit.testing.factories import bearer, signed_in

pytestmark = pytest.mark.django_db

FORM = {
    "vat_rate": "20,00",
    "deposit_rate": "30,00",
    "deposit_threshold": "1500,00",
    "payment_days": "45",
    "balance_days_after_delivery": "20",
    "recovery_fee": "40,00",
    "late_penalty_multiplier": "3,0",
    "proposal_validity_days": "60",
}


def _events(client_org) -> int:
    return AuditEvent.objects.filter(
        organization=client_org, action="engagement.contract_terms_updated"
    ).count()


def test_a_project_manager_edits_a_clients_terms_from_the_engagement_page(
    engagement, pm, client_org
):
    client = signed_in(pm)
    url = reverse("engagements:contract_terms", args=[client_org.pk])
    detail = client.get(reverse("engagements:detail", args=[engagement.pk])).content.decode()
    assert f'href="{url}"' in detail
    page = client.get(url)
    assert page.status_code == 200 and 'name="deposit_rate"' in page.content.decode()
    assert client.post(url, FORM).status_code == 302
    terms = ContractTerms.objects.get(client=client_org)
    assert (terms.deposit_rate, terms.payment_days) == (Decimal("30"), 45)
    assert terms.proposal_validity_days == 60
    assert _events(client_org) == 1


def test_an_invalid_rate_is_refused_and_nothing_changes(pm, client_org):
    url = reverse("engagements:contract_terms", args=[client_org.pk])
    response = signed_in(pm).post(url, {**FORM, "deposit_rate": "130"})
    assert response.status_code == 200 and response.context["form"].errors
    assert not ContractTerms.objects.filter(client=client_org).exists()
    assert _events(client_org) == 0


def test_client_users_cannot_read_or_change_the_terms(owner, manager, client_org):
    url = reverse("engagements:contract_terms", args=[client_org.pk])
    for member in (owner, manager):
        client = signed_in(member)
        assert client.get(url).status_code == 403
        assert client.post(url, FORM).status_code == 403
        api = f"/api/v1/engagements/contract-terms/{client_org.pk}"
        headers = bearer(member)
        assert Client().get(api, headers=headers).status_code == 403
        put = Client().put(
            api, json.dumps({"payment_days": 1}), content_type="application/json", headers=headers
        )
        assert put.status_code == 403
    assert not ContractTerms.objects.filter(client=client_org).exists()
    assert _events(client_org) == 0


def test_the_api_reads_the_defaults_then_sets_the_clients_own_terms(pm, client_org, provider):
    url = f"/api/v1/engagements/contract-terms/{client_org.pk}"
    headers = bearer(pm)
    before = Client().get(url, headers=headers).json()
    assert before["own"] is False and Decimal(before["deposit_rate"]) == Decimal("20")
    response = Client().put(
        url,
        json.dumps({"deposit_rate": "25", "payment_days": 40}),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["own"] is True and body["payment_days"] == 40
    assert Decimal(body["deposit_rate"]) == Decimal("25")
    assert Decimal(body["vat_rate"]) == Decimal("20")  # untouched fields keep their value
    assert _events(client_org) == 1
    assert (
        Client()
        .get(f"/api/v1/engagements/contract-terms/{provider.pk}", headers=headers)
        .status_code
        == 404
    )
