"""From creation to phase 3 through the API only: the provider's project manager drives, the
client's content owner uploads and signs."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from saveit.testing.engagement_setup import PROCEDURE_TXT
from saveit.testing.factories import PASSWORD, bearer

pytestmark = pytest.mark.django_db


class Api:
    """One member's calls; every answer is checked against the expected status."""

    def __init__(self, member):
        self.client, self.headers = Client(), bearer(member)

    def call(self, method, path, body=None, status=200):
        url = f"/api/v1{path}"
        if method == "get":
            response = self.client.get(url, headers=self.headers)
        else:
            response = getattr(self.client, method)(
                url, json.dumps(body or {}), content_type="application/json", headers=self.headers
            )
        assert response.status_code == status, (path, response.content)
        return response.json()

    def upload(self, path, data, status=201):
        response = self.client.post(f"/api/v1{path}", data, headers=self.headers)
        assert response.status_code == status, (path, response.content)
        return response.json()

    def sign(self, document_id):
        body = {"intent": "Lu et approuvé", "password": PASSWORD}
        return self.call("post", f"/documents/{document_id}/sign", body, status=201)


def test_an_engagement_goes_from_creation_to_production_through_the_api(pm, owner, client_org):
    provider, client = Api(pm), Api(owner)

    created = provider.call(
        "post",
        "/engagements/",
        {
            "client_id": client_org.pk,
            "title": "Hygiène des laboratoires",
            "client_owner_id": owner.pk,
        },
        status=201,
    )
    eid, base = created["id"], f"/engagements/{created['id']}"
    assert (created["phase"], created["waiting_for"]) == (0, "provider")

    # Phase 0: interview, scoping note, the owner's signature.
    provider.call(
        "post",
        f"{base}/interviews",
        {"held_on": "2026-11-02", "participants": "Claire Dubois", "notes": "300 techniciens."},
        status=201,
    )
    provider.call("put", f"{base}/scoping-note", {"objectives": "Former.", "scope": "Site de Lyon"})
    note = provider.call("post", f"{base}/scoping-note/issue")
    assert client.call("get", "/engagements/to-sign")[0]["document_id"] == note["document_id"]
    client.sign(note["document_id"])
    assert provider.call("post", f"{base}/advance")["phase"] == 1

    # Phase 1: the owner uploads a procedure; the report is acknowledged.
    version = client.upload(
        f"{base}/sources",
        {
            "file": SimpleUploadedFile("hygiene.txt", PROCEDURE_TXT),
            "title": "Hygiène des paillasses",
            "version_label": "1.0",
            "scopes": ["Site de Lyon"],
        },
    )
    report = provider.call("post", f"{base}/mapping-report")
    assert report["state"] == "awaiting_signature"
    client.sign(report["document_id"])
    assert provider.call("post", f"{base}/advance")["phase"] == 2

    # Phase 2: proposal signed, proforma issued, agreement signed.
    valid_until = (timezone.localdate() + timedelta(days=30)).isoformat()
    provider.call(
        "put",
        f"{base}/proposal",
        {
            "need": "Former les techniciens.",
            "valid_until": valid_until,
            "lines": [{"label": "Module certifiant", "quantity": "1", "unit_price": "2500"}],
            "deliverables": [
                {"title": "Hygiène des paillasses", "source_ids": [version["source_id"]]}
            ],
        },
    )
    proposal = provider.call("post", f"{base}/proposal/issue")
    client.sign(proposal["document_id"])
    proforma = provider.call("post", f"{base}/proforma", status=201)
    assert (proforma["total_incl"], proforma["deposit"]) == ("3000.00", "600.00")
    agreement = provider.call("post", f"{base}/purchase-agreement", status=201)
    refused = provider.call("post", f"{base}/advance", status=409)
    assert [u["check"] for u in refused["unmet"]] == ["purchase_order_received"]
    client.sign(agreement["document_id"])
    assert provider.call("post", f"{base}/advance")["phase"] == 3

    detail = client.call("get", f"/engagements/{eid}")
    assert detail["phase"] == 3 and detail["proforma_number"] == proforma["number"]
    assert {a["kind"]: a["state"] for a in detail["artefacts"]} == {
        "scoping_note": "signed",
        "mapping_report": "signed",
        "proposal": "signed",
        "purchase_order": "signed",
    }
    actions = [e["action"] for e in provider.call("get", f"{base}/timeline")]
    assert actions.count("engagement.phase_advanced") == 3
    assert actions.count("document.signed") == 4
