"""The privacy pages render for who may use them, and their forms act through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from saveit.accounts.roles import Role
from saveit.testing.factories import make_member, signed_in

from ..models import Breach, DataSubjectRequest, PrivacyContact, ProcessingActivity

pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated")


@pytest.fixture
def admin(provider):
    return make_member(provider, Role.ADMIN)


def test_the_register_is_seeded_and_its_pdf_renders(admin):
    assert ProcessingActivity.objects.filter(role="processor").exists()
    browser = signed_in(admin)
    page = browser.get("/donnees-personnelles/registre/")
    assert page.status_code == 200 and "Formation et certification" in page.content.decode()
    pdf = browser.get("/donnees-personnelles/registre.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_every_admin_page_renders(admin, client_org):
    browser = signed_in(admin)
    for url in ("", "violations/", "conservation/", "reversibilite/",
                "violations/registre.csv", "violations/registre.pdf"):  # fmt: skip
        assert browser.get(f"/donnees-personnelles/{url}").status_code == 200, url


def test_a_breach_shows_its_48_hour_countdown_and_notifies_the_privacy_contact(
    admin, client_org, owner
):
    PrivacyContact.objects.create(organization=client_org, name="DPO", email="dpo@alpha.example")
    browser = signed_in(admin)
    aware = timezone.localtime(timezone.now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = browser.post(
        "/donnees-personnelles/violations/",
        {"aware_at": aware, "nature": "Envoi d'un export au mauvais destinataire",
         "data_categories": "Noms, adresses", "people_count": 12, "records_count": 12,
         "consequences": "Divulgation", "measures": "Demande de suppression", "risk": "risk",
         "organizations": [client_org.pk]},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    breach = Breach.objects.get()
    page = browser.get(f"/donnees-personnelles/violations/{breach.pk}/").content.decode()
    assert "45 h" in page or "46 h" in page  # about 46 hours left of the 48
    browser.post(f"/donnees-personnelles/violations/{breach.pk}/notifier/")
    assert mail.outbox[-1].to == ["dpo@alpha.example"]
    assert breach.notices.count() == 1
    # The client's owner sees the breach that concerns it.
    assert signed_in(owner).get(f"/donnees-personnelles/violations/{breach.pk}/").status_code == 200


def test_the_client_owner_records_and_executes_a_request_in_the_pages(assigned, owner):
    browser = signed_in(owner)
    response = browser.post(
        "/donnees-personnelles/",
        {"kind": "access", "email": "camille.lefevre@alpha.example", "identity_note": "appel"},
    )
    request = DataSubjectRequest.objects.get()
    assert response.status_code == 302
    browser.post(f"/donnees-personnelles/demandes/{request.pk}/executer/")
    export = browser.get(f"/donnees-personnelles/demandes/{request.pk}/export.zip")
    assert export.status_code == 200 and export["Content-Type"] == "application/zip"
    unknown = browser.post("/donnees-personnelles/", {"kind": "access", "email": "x@y.example"})
    assert unknown.status_code == 200 and DataSubjectRequest.objects.count() == 1


def test_a_learner_does_not_reach_the_privacy_pages(client_org):
    learner = make_member(client_org, Role.LEARNER)
    assert signed_in(learner).get("/donnees-personnelles/").status_code == 403
