"""The provider's legal mentions (legal form, share capital, RCS) are part of its details."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from saveit.accounts.models import Organization
from saveit.accounts.roles import OrganizationKind
from saveit.audit.models import AuditEvent
from saveit.testing.factories import bearer, signed_in
from saveit.web.demo.accounts import load_demo

pytestmark = pytest.mark.django_db


def test_an_admin_edits_the_legal_mentions_with_the_details(staff_admin, provider):
    url = reverse("accounts:organization_edit", args=[provider.pk])
    client = signed_in(staff_admin)
    form = client.get(url).content.decode()
    for name in ("legal_form", "share_capital", "rcs_city"):
        assert f'name="{name}"' in form
    response = client.post(
        url,
        {
            "name": provider.name,
            "siren": "732 829 320",
            "vat_number": "",
            "address": "Lyon",
            "legal_form": "SARL",
            "share_capital": "7500,50",
            "rcs_city": "Villeurbanne",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    provider.refresh_from_db()
    assert (provider.legal_form, provider.share_capital, provider.rcs_city) == (
        "SARL",
        Decimal("7500.50"),
        "Villeurbanne",
    )
    event = AuditEvent.objects.filter(action="organization.updated").last()
    assert event.after["legal_form"] == "SARL" and event.after["share_capital"] == "7500.50"
    page = client.get(reverse("accounts:organization_detail", args=[provider.pk])).content
    assert b"RCS Villeurbanne 732829320" in page


def test_the_api_reads_and_changes_the_legal_mentions(staff_admin, provider):
    headers = bearer(staff_admin)
    response = Client().patch(
        f"/api/v1/organizations/{provider.pk}",
        json.dumps({"share_capital": "20000", "rcs_city": "Paris"}),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["legal_form"], Decimal(body["share_capital"]), body["rcs_city"]) == (
        "SAS",
        Decimal("20000"),
        "Paris",
    )


def test_a_negative_share_capital_is_refused(staff_admin, provider):
    response = Client().patch(
        f"/api/v1/organizations/{provider.pk}",
        json.dumps({"share_capital": "-1"}),
        content_type="application/json",
        headers=bearer(staff_admin),
    )
    assert response.status_code == 422
    provider.refresh_from_db()
    assert provider.share_capital == Decimal("10000")


def test_the_demo_provider_has_every_invoice_mention():
    load_demo()
    demo = Organization.objects.get(kind=OrganizationKind.PROVIDER)
    assert demo.missing_invoice_mentions() == []
    Organization.objects.filter(pk=demo.pk).update(legal_form="", share_capital=None, rcs_city="")
    load_demo()  # a demo loaded before the mentions existed gets them
    demo.refresh_from_db()
    assert demo.missing_invoice_mentions() == []
