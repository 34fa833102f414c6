"""Amendment pages and the reopen form's question (French pages, tenancy, bad input)."""

from __future__ import annotations

from django.urls import reverse

from saveit.accounts.roles import Role
from saveit.billing import amendments
from saveit.billing.models import Amendment
from saveit.engagements.models import Engagement, PhaseChange
from saveit.testing.engagement_setup import sign
from saveit.testing.factories import make_member, signed_in

FORM = {
    "scope": "Ajout du site de Grenoble.",
    "reason": "Le client ouvre un nouveau site.",
    "lines-TOTAL_FORMS": "3",
    "lines-INITIAL_FORMS": "0",
    "lines-MIN_NUM_FORMS": "3",
    "lines-MAX_NUM_FORMS": "20",
    "lines-0-label": "Module supplémentaire",
    "lines-0-quantity": "1",
    "lines-0-unit_price": "800",
    "lines-0-vat_rate": "20",
    "lines-1-label": "Guide imprimé retiré",
    "lines-1-quantity": "-1",
    "lines-1-unit_price": "350,50",
    "lines-1-vat_rate": "20",
}


def test_the_provider_writes_issues_and_the_client_owner_signs_from_the_pages(signed, pm, owner):
    page = signed_in(pm)
    url = reverse("billing:amendments", args=[signed.pk])
    assert "Rédiger un avenant" in page.get(url).content.decode()
    response = page.post(url, FORM)
    amendment = Amendment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("billing:amendment", args=[signed.pk, amendment.pk])
    assert amendment.lines[1]["quantity"] == "-1" and amendment.lines[1]["unit_price"] == "350.50"
    detail = page.get(response["Location"]).content.decode()
    assert "Avenant n° 1 à la proposition" in detail and "Nouveau total HT" in detail
    assert "3\u202f200,00\u00a0€" in detail  # 2 750,50 + 800 − 350,50
    # The client sees no draft.
    client = signed_in(owner)
    assert client.get(response["Location"]).status_code == 404
    assert "Avenant n° 1" not in client.get(url).content.decode()
    page.post(reverse("billing:amendment_issue", args=[signed.pk, amendment.pk]))
    amendment.refresh_from_db()
    assert amendment.is_issued
    # Issued, it waits on the client owner's "To sign" page and its own page links to signing.
    to_sign = client.get(reverse("engagements:to_sign")).content.decode()
    assert "Avenant" in to_sign
    detail = client.get(response["Location"]).content.decode()
    sign_url = reverse("engagements:read_and_sign", args=[signed.pk, amendment.document_id])
    assert sign_url in detail and "Lire et signer" in detail
    reading = client.get(sign_url).content.decode()  # the amendment itself, above the form
    assert "Nouveau total HT" in reading and "Guide imprimé retiré" in reading
    assert amendment.document.sha256 in reading
    assert (
        client.get(reverse("engagements:pdf", args=[signed.pk, amendment.document_id])).status_code
        == 200
    )
    sign(amendment, owner)
    billing_page = client.get(reverse("billing:engagement", args=[signed.pk])).content.decode()
    assert "Avenant n° 1" in billing_page and "Signé par" in billing_page
    # The client never writes one.
    assert client.post(url, FORM).status_code == 403


def test_bad_input_is_refused_in_french_and_changes_nothing(signed, pm):
    page = signed_in(pm)
    url = reverse("billing:amendments", args=[signed.pk])
    response = page.post(url, {**FORM, "scope": "", "lines-0-quantity": ""})
    text = response.content.decode()
    assert response.status_code == 422
    assert "Corrigez les champs signalés en rouge" in text
    assert "Indiquez la quantité (non nulle)" in text
    response = page.post(url, {**FORM, "lines-0-quantity": "-10"}, follow=True)
    assert "Le total HT modifié doit rester positif" in response.content.decode()
    assert not Amendment.objects.exists()


def test_another_clients_owner_reaches_no_amendment(signed, pm, owner, other_org):
    amendment = amendments.issue_amendment(
        amendment=amendments.create_amendment(
            engagement=signed, by=pm, reason="Raison", scope="Périmètre", lines=[]
        ),
        by=pm,
    )
    stranger = signed_in(make_member(other_org, Role.CLIENT_OWNER))
    assert stranger.get(reverse("billing:amendments", args=[signed.pk])).status_code == 404
    detail = reverse("billing:amendment", args=[signed.pk, amendment.pk])
    assert stranger.get(detail).status_code == 404
    response = stranger.post(reverse("billing:amendment_issue", args=[signed.pk, amendment.pk]))
    assert response.status_code == 404


def test_the_reopen_form_asks_whether_scope_or_price_change(signed, pm, owner):
    Engagement.objects.filter(pk=signed.pk).update(phase=5)
    page = signed_in(pm)
    detail = page.get(reverse("engagements:detail", args=[signed.pk])).content.decode()
    assert "Cette réouverture modifie-t-elle le périmètre ou le prix ?" in detail
    url = reverse("engagements:reopen", args=[signed.pk])
    reason = "Ajout du site de Grenoble"
    page.post(url, {"to_phase": 3, "reason": reason}, follow=True)  # no answer: refused
    response = page.post(
        url, {"to_phase": 3, "reason": reason, "changes_scope": "yes"}, follow=True
    )
    assert "exige un avenant signé par le client" in response.content.decode()
    signed.refresh_from_db()
    assert signed.phase == 5 and not PhaseChange.objects.filter(kind="reopen").exists()
    amendment = amendments.issue_amendment(
        amendment=amendments.create_amendment(
            engagement=signed, by=pm, reason="Raison", scope="Grenoble", lines=[]
        ),
        by=pm,
    )
    sign(amendment, owner)
    page.post(url, {"to_phase": 3, "reason": reason, "changes_scope": "yes"})
    signed.refresh_from_db()
    amendment.refresh_from_db()
    assert signed.phase == 3 and amendment.reopening is not None


def test_a_refused_amendment_line_is_summed_up_marked_and_kept(signed, pm):
    import re

    url = reverse("billing:amendments", args=[signed.pk])
    response = signed_in(pm).post(url, {**FORM, "lines-1-unit_price": "trois cents"})
    html = response.content.decode()
    assert html.count("data-error-summary") == 1  # the amendment and its lines, summed up once
    summary = html[html.index("data-error-summary") :]
    assert '<a href="#id_lines-1-unit_price">' in summary and ", ligne 2 : " in summary
    price = re.search(r'<input[^>]*name="lines-1-unit_price"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in price
    assert 'aria-describedby="id_lines-1-unit_price_error"' in price
    assert 'value="trois cents"' in price and 'id="id_lines-1-unit_price_error"' in html
    assert "Ajout du site de Grenoble." in html  # the rest of what was typed stays
    assert not Amendment.objects.exists()
