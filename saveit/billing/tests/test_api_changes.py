"""The contract changes API: amendments, cancellation, late penalties, suspension."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from saveit.accounts.roles import Role
from saveit.billing import services
from saveit.billing.models import Amendment, Invoice, Suspension
from saveit.testing.engagement_setup import sign
from saveit.testing.factories import make_member, signed_in

from .conftest import draft


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


AMENDMENT = {
    "reason": "Nouveau site",
    "scope": "Ajout du site de Grenoble",
    "lines": [
        {
            "label": "Module Grenoble",
            "quantity": "1",
            "unit_price_excl_vat": "800",
            "vat_rate": "20",
        }
    ],
}


def test_amendments_are_written_issued_and_read_through_the_api(signed, pm, owner, other_org):
    api = signed_in(pm)
    base = f"/api/v1/engagements/{signed.pk}/amendments"
    response = _post(api, base, AMENDMENT)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == 1 and body["state"] == "draft"
    assert Decimal(body["change_excl_vat"]) == Decimal("800")
    assert signed_in(owner).get(base).json() == []  # no draft for the client
    assert _post(api, base, AMENDMENT).status_code == 409  # one at a time
    issued = _post(api, f"{base}/{body['id']}/issue", {})
    assert issued.status_code == 200 and issued.json()["state"] == "awaiting_signature"
    sign(Amendment.objects.get(), owner)
    rows = signed_in(owner).get(base).json()
    assert [row["state"] for row in rows] == ["signed"] and rows[0]["signed_at"]
    # The client writes none; another client reaches none.
    assert _post(signed_in(owner), base, AMENDMENT).status_code in (403, 404)
    stranger = signed_in(make_member(other_org, Role.CLIENT_OWNER))
    assert stranger.get(base).status_code == 404
    assert stranger.get(f"{base}/{body['id']}").status_code == 404
    assert signed_in(pm).get(f"{base}/99999999").status_code == 404


def test_bad_amendment_input_answers_422_or_409_and_changes_nothing(signed, pm):
    api = signed_in(pm)
    base = f"/api/v1/engagements/{signed.pk}/amendments"
    assert _post(api, base, {**AMENDMENT, "scope": ""}).status_code == 422
    bad_price = {**AMENDMENT, "lines": [{**AMENDMENT["lines"][0], "unit_price_excl_vat": "-1"}]}
    assert _post(api, base, bad_price).status_code == 422
    too_much = {**AMENDMENT, "lines": [{**AMENDMENT["lines"][0], "quantity": "-100"}]}
    response = _post(api, base, too_much)
    assert response.status_code == 409 and response.json()["code"] == "total"
    assert not Amendment.objects.exists()


def test_cancellation_through_the_api_refunds_or_charges_the_indemnity(signed, pm, owner):
    deposit = services.issue_invoice(
        invoice=services.create_deposit_invoice(engagement=signed, by=pm), by=pm
    )
    url = f"/api/v1/engagements/{signed.pk}/cancellation"
    today = timezone.localdate()
    assert _post(
        signed_in(owner), url, {"start": str(today), "received_on": str(today)}
    ).status_code in (403, 404)
    started = _post(
        signed_in(pm), url, {"start": str(today - timedelta(days=1)), "received_on": str(today)}
    )
    assert started.status_code == 409 and started.json()["code"] == "started"
    assert (
        _post(signed_in(pm), url, {"start": "not a date", "received_on": str(today)}).status_code
        == 422
    )
    late = _post(
        signed_in(pm), url, {"start": str(today + timedelta(days=14)), "received_on": str(today)}
    )
    assert late.status_code == 201, late.content
    body = late.json()
    assert body["refund"] is False and body["days_before_start"] == 14
    # 25 % of the total incl. VAT of the signed proposal (2 750,50 € excl. VAT at 20 %).
    assert Decimal(body["indemnity_excl_vat"]) == Decimal("825.15")
    Invoice.objects.filter(pk=body["indemnity_invoice_id"]).delete()
    early = _post(
        signed_in(pm), url, {"start": str(today + timedelta(days=15)), "received_on": str(today)}
    )
    refunded = early.json()
    assert refunded["refund"] is True and refunded["indemnity_invoice_id"] is None
    note = Invoice.objects.get(pk=refunded["credit_note_ids"][0])
    assert note.credited_invoice_id == deposit.pk and note.total_incl == deposit.total_incl


def _overdue(billable, pm):
    invoice = services.issue_invoice(invoice=draft(billable, pm), by=pm)
    due = timezone.localdate() - timedelta(days=40)
    Invoice.objects.filter(pk=invoice.pk).update(due_on=due)  # as if issued long ago
    invoice.refresh_from_db()
    return invoice


def test_penalties_are_invoiced_on_request(billable, pm, owner, other_org, staff_admin):
    from saveit.billing import collection

    invoice = _overdue(billable, pm)
    url = f"/api/v1/invoices/{invoice.pk}/penalties"
    future = str(timezone.localdate() + timedelta(days=3))
    assert _post(signed_in(pm), url, {"until": future}).status_code == 409
    assert _post(signed_in(owner), url, {}).status_code == 403
    stranger = signed_in(make_member(other_org, Role.CLIENT_OWNER))
    assert _post(stranger, url, {}).status_code == 404
    no_rate = _post(signed_in(pm), url, {})
    assert no_rate.status_code == 409 and no_rate.json()["code"] == "no_rate"
    today = timezone.localdate()
    for year in {today.year - 1, today.year}:
        for half in (1, 2):
            collection.enter_legal_rate(
                year=year, half=half, rate=Decimal("8"), source="Banque de France", by=staff_admin
            )
    response = _post(signed_in(pm), url, {})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "penalty" and body["state"] == "draft"
    assert any("40" in line["unit_price_excl_vat"] for line in body["lines"])
    again = _post(signed_in(pm), url, {})
    assert again.status_code == 409 and again.json()["code"] == "exists"


def test_suspension_is_recorded_and_lifted_by_an_administrator(
    billable, pm, owner, staff_admin, other_org
):
    body = {"client_id": billable.pk, "reason": "Factures impayées"}
    assert (
        _post(signed_in(staff_admin), "/api/v1/suspensions", body).status_code == 409
    )  # none overdue
    invoice = _overdue(billable, pm)
    assert _post(signed_in(pm), "/api/v1/suspensions", body).status_code == 403
    assert _post(signed_in(owner), "/api/v1/suspensions", body).status_code == 404
    assert (
        _post(signed_in(staff_admin), "/api/v1/suspensions", {**body, "reason": ""}).status_code
        == 422
    )
    response = _post(signed_in(staff_admin), "/api/v1/suspensions", body)
    assert response.status_code == 201, response.content
    suspension = response.json()
    assert suspension["invoice_ids"] == [invoice.pk] and suspension["lifted_at"] is None
    assert _post(signed_in(staff_admin), "/api/v1/suspensions", body).status_code == 409
    assert signed_in(owner).get("/api/v1/suspensions").json() == []
    assert [s["id"] for s in signed_in(pm).get("/api/v1/suspensions").json()] == [suspension["id"]]
    lift = f"/api/v1/suspensions/{suspension['id']}/lift"
    stranger = signed_in(make_member(other_org, Role.CLIENT_OWNER))
    assert _post(stranger, lift, {}).status_code == 404
    assert _post(signed_in(staff_admin), lift, {}).status_code == 200
    assert Suspension.objects.get().lifted_at is not None
    assert _post(signed_in(staff_admin), lift, {}).status_code == 409
