"""Each artefact revision has an HTML page with the content of its PDF, for the engagement's
readers only."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from saveit.engagements import services
from saveit.orchestration import services as workflow
from saveit.testing.engagement_setup import sign, signed_proposal, through_phase_0, through_phase_1
from saveit.testing.factories import signed_in
from saveit.testing.pdf import make_pdf

pytestmark = pytest.mark.django_db


def _url(engagement, kind, revision=1):
    return reverse("engagements:artefact", args=[engagement.pk, kind, revision])


def _pdf_text(document) -> str:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def _html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    return " ".join(html.replace("&nbsp;", " ").replace("\u202f", " ").replace("\xa0", " ").split())


def test_the_scoping_note_page_shows_the_fields_of_its_pdf(engagement, pm, owner):
    engagement = through_phase_0(engagement, pm, owner)
    note = engagement.scoping_notes.get()
    html = _html(signed_in(owner), _url(engagement, "scoping_note"))
    pdf = _pdf_text(note.document)
    assert "<p>Maîtriser les procédures d&#x27;hygiène.</p>" in html
    assert "<li>Techniciens de laboratoire</li>" in html
    for expected in (
        f"{engagement.reference}-NC-r1",
        "Maîtriser les procédures d&#x27;hygiène.",
        "Site de Lyon",
        "Techniciens de laboratoire",
        "Bonnes pratiques de laboratoire.",
        "Attestation par apprenant.",
        "Claire Dubois, responsable qualité",
        "Déploiement",
        "janvier 2027",
    ):
        assert expected in html, expected
        assert expected.replace("&#x27;", "'") in pdf, expected
    assert note.document.sha256 in html  # the fingerprint the signature covers
    assert reverse("engagements:pdf", args=[engagement.pk, note.document_id]) in html


def test_the_mapping_report_page_shows_scopes_and_gaps(engagement, pm, owner):
    engagement = through_phase_1(engagement, pm, owner)
    html = _html(signed_in(pm), _url(engagement, "mapping_report"))
    assert "Hygiène des paillasses" in html
    assert "Techniciens de laboratoire" in html  # a gap: no source covers it
    assert 'data-scope="Site de Lyon"' in html


def test_the_proposal_and_agreement_pages_show_prices_and_totals(engagement, pm, owner):
    engagement = through_phase_1(engagement, pm, owner)
    proposal = signed_proposal(engagement, pm, owner)
    services.issue_proforma(engagement=engagement, by=pm)
    agreement = services.create_purchase_agreement(engagement=engagement, by=pm)
    client = signed_in(owner)
    html = _html(client, _url(engagement, "proposal"))
    pdf = _pdf_text(proposal.document)
    for expected in ("Former les techniciens.", "2 750,50", "3 300,60", "Conception d&#x27;un"):
        assert expected in html, expected
        assert expected.replace("&#x27;", "'") in pdf, expected
    html = _html(client, _url(engagement, "purchase_order"))
    assert f"{engagement.reference}-BC-r1" in html and "3 300,60" in html
    assert reverse("engagements:read_and_sign", args=[engagement.pk, agreement.document_id]) in html


def test_another_organisation_gets_404_on_every_artefact_page(engagement, pm, owner, outsider):
    engagement = through_phase_0(engagement, pm, owner)
    client = signed_in(outsider)
    for kind in ("scoping_note", "mapping_report", "proposal", "purchase_order", "nothing"):
        assert client.get(_url(engagement, kind)).status_code == 404


def test_a_draft_is_shown_to_the_provider_only(engagement, pm, owner, manager):
    services.save_scoping_note(engagement=engagement, by=pm, objectives="Brouillon", scope="Lyon")
    assert "Brouillon" in _html(signed_in(pm), _url(engagement, "scoping_note"))
    for member in (owner, manager):
        assert signed_in(member).get(_url(engagement, "scoping_note")).status_code == 404


def test_an_uploaded_purchase_order_has_its_pdf_but_no_page(engagement, pm, owner):
    engagement = through_phase_1(engagement, pm, owner)
    signed_proposal(engagement, pm, owner)
    services.record_purchase_order(
        engagement=engagement, by=owner, uploaded_file=(make_pdf("Bon de commande"), "bc.pdf")
    )
    assert signed_in(pm).get(_url(engagement, "purchase_order")).status_code == 404


def test_the_engagement_page_links_each_issued_artefact_to_its_page(engagement, pm, owner):
    engagement = through_phase_0(engagement, pm, owner)
    html = signed_in(owner).get(reverse("engagements:detail", args=[engagement.pk])).content
    assert _url(engagement, "scoping_note").encode() in html


def test_a_revision_keeps_its_own_content(engagement, pm, owner):
    engagement = through_phase_0(engagement, pm, owner)
    workflow.reopen_phase(engagement=engagement, by=pm, to_phase=0, reason="Un site de plus.")
    services.save_scoping_note(engagement=engagement, by=pm, objectives="Nouveaux", scope="Nice")
    sign(services.issue_scoping_note(engagement=engagement, by=pm), owner)
    client = signed_in(owner)
    assert "Nice" in _html(client, _url(engagement, "scoping_note", 2))
    first = _html(client, _url(engagement, "scoping_note", 1))
    assert "Site de Lyon" in first and "Nice" not in first


def test_free_text_becomes_paragraphs_and_lists_as_in_the_pdf():
    from saveit.engagements.templatetags.artefact_tags import paragraphs

    assert paragraphs("Intro\n- un\n• deux\n\nFin") == [
        {"text": "Intro"},
        {"bullets": ["un", "deux"]},
        {"text": "Fin"},
    ]
