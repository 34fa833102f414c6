"""Read and sign: the signer sees the document in the page and signs the version shown."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from saveit.audit.models import Signature
from saveit.engagements import services
from saveit.engagements.models import ScopingNote
from saveit.testing.factories import PASSWORD, bearer, make_engagement, signed_in

pytestmark = pytest.mark.django_db


def _issued_note(engagement, pm, objectives="Former 300 techniciens aux procédures d'hygiène"):
    services.record_interview(
        engagement=engagement, by=pm, held_on=date(2026, 11, 2), participants="A", notes="B"
    )
    services.save_scoping_note(engagement=engagement, by=pm, objectives=objectives, scope="Lyon")
    return services.issue_scoping_note(engagement=engagement, by=pm)


def _url(note) -> str:
    return reverse("engagements:read_and_sign", args=[note.engagement_id, note.document_id])


def _post(client, note, **overrides):
    data = {"intent": "Lu et approuvé", "password": PASSWORD, "sha256": note.document.sha256}
    return client.post(_url(note), data | overrides)


def test_the_page_shows_the_document_then_the_form_with_the_hash_signed(engagement, pm, owner):
    note = _issued_note(engagement, pm)
    html = signed_in(owner).get(_url(note)).content.decode()
    shown = html.index("Former 300 techniciens")
    form = html.index('name="password"')
    assert shown < form  # the document comes first, the form at its end
    assert f'name="sha256" value="{note.document.sha256}"' in html
    assert f'<code class="hash" data-signed-hash>{note.document.sha256}</code>' in html
    assert "<details" in html  # the evidence stays one click away


def test_signing_from_the_page_records_the_signature_and_offers_the_next_document(
    engagement, pm, owner, client_org
):
    note = _issued_note(engagement, pm)
    second = make_engagement(client_org, pm, title="Chaîne du froid")
    other_note = _issued_note(second, pm)
    client = signed_in(owner)
    response = _post(client, note)
    assert response.status_code == 302 and response.url == f"{_url(note)}#sign"
    signature = Signature.objects.get(document=note.document, membership=owner)
    assert signature.document_sha256 == note.document.sha256
    html = client.get(_url(note)).content.decode()
    assert 'name="password"' not in html  # signed once, not twice
    assert f'href="{_url(other_note)}" data-next-document' in html


def test_after_the_last_signature_nothing_else_is_offered(engagement, pm, owner):
    note = _issued_note(engagement, pm)
    client = signed_in(owner)
    _post(client, note)
    html = client.get(_url(note)).content.decode()
    assert "data-next-document" not in html
    assert reverse("engagements:to_sign") in html


def test_a_stale_or_forged_hash_is_refused_and_nothing_is_signed(engagement, pm, owner):
    note = _issued_note(engagement, pm)
    response = _post(signed_in(owner), note, sha256="0" * 64)
    assert response.status_code == 409
    assert Signature.objects.filter(document=note.document).count() == 0
    html = response.content.decode()
    assert "Ce document a changé depuis que vous" in html
    # the page shows the current version again, with its own fingerprint in a fresh form
    assert f'name="sha256" value="{note.document.sha256}"' in html


def test_a_document_changed_after_issue_offers_no_signature(engagement, pm, owner):
    note = _issued_note(engagement, pm)
    ScopingNote.objects.filter(pk=note.pk).update(objectives="Autre chose")
    client = signed_in(owner)
    assert 'name="password"' not in client.get(_url(note)).content.decode()
    response = _post(client, note)
    assert response.status_code == 302
    assert not Signature.objects.filter(document=note.document).exists()


def test_a_wrong_password_keeps_the_statement_and_signs_nothing(engagement, pm, owner):
    note = _issued_note(engagement, pm)
    response = _post(signed_in(owner), note, password="wrong", intent="Bon pour accord")
    assert response.status_code == 409
    assert "Bon pour accord" in response.content.decode()
    assert not Signature.objects.exists()


def test_another_tenants_document_is_not_found(engagement, pm, owner, outsider):
    note = _issued_note(engagement, pm)
    assert signed_in(outsider).get(_url(note)).status_code == 404
    assert _post(signed_in(outsider), note).status_code == 404
    assert not Signature.objects.exists()


def test_a_document_under_another_engagement_id_is_not_found(engagement, pm, owner, client_org):
    note = _issued_note(engagement, pm)
    second = make_engagement(client_org, pm, title="Chaîne du froid")
    url = reverse("engagements:read_and_sign", args=[second.pk, note.document_id])
    assert signed_in(owner).get(url).status_code == 404


def test_the_bare_file_page_sends_the_signer_to_the_reading_page(engagement, pm, owner):
    note = _issued_note(engagement, pm)
    client = signed_in(owner)
    detail = client.get(reverse("audit:document_detail", args=[note.document_id]))
    assert _url(note) in detail.content.decode()
    assert 'name="password"' not in detail.content.decode()
    response = client.post(
        reverse("audit:document_sign", args=[note.document_id]),
        {"intent": "Lu", "password": PASSWORD},
    )
    assert response.status_code == 302 and response.url == _url(note)
    assert not Signature.objects.exists()


def test_to_sign_links_to_the_reading_page(engagement, pm, owner):
    note = _issued_note(engagement, pm)
    html = signed_in(owner).get(reverse("engagements:to_sign")).content.decode()
    assert _url(note) in html


@pytest.fixture
def in_closure(assigned, pm):
    from saveit.learning.models import Assignment
    from saveit.orchestration import services as workflow

    engagement = Assignment.objects.first().engagement
    engagement = workflow.advance_phase(engagement=engagement, by=pm)  # 5 → 6
    return workflow.advance_phase(engagement=engagement, by=pm)  # 6 → 7


def test_the_delivery_note_and_the_pv_read_as_pages_built_from_their_pdf_data(
    in_closure, pm, owner
):
    from saveit.catalog.selectors import current_acceptance_record
    from saveit.orchestration.closure_data import delivery_note_data
    from saveit.orchestration.services import closure

    closure.generate_completion_report(engagement=in_closure, by=pm)
    note = closure.issue_delivery_note(engagement=in_closure, by=pm)
    client = signed_in(owner)
    html = client.get(_url(note)).content.decode()
    data = delivery_note_data(note)
    assert data["statement"] in html
    assert data["modules"] and all(m["sha256_short"] in html for m in data["modules"])
    assert 'name="password"' in html
    assert _post(client, note).status_code == 302
    assert Signature.objects.filter(document=note.document, membership=owner).exists()

    record = current_acceptance_record(in_closure)
    page = client.get(
        reverse("engagements:artefact", args=[in_closure.pk, "acceptance_record", record.revision])
    ).content.decode()
    for module in record.snapshot["modules"]:
        assert module["content_sha256"] in page and module["code"] in page
    from django.utils.html import escape

    from saveit.catalog.pdf_data import acceptance_record_data

    assert escape(acceptance_record_data(record)["paragraphs"][0]) in page


def _api_sign(owner, note):
    return Client().post(
        f"/api/v1/documents/{note.document_id}/sign",
        {"intent": "Lu et approuvé", "password": PASSWORD},
        content_type="application/json",
        headers={**bearer(owner), "Accept-Language": "fr"},
    )


def test_the_api_refuses_a_replaced_revision_as_the_page_does(engagement, pm, owner):
    first = _issued_note(engagement, pm)
    services.save_scoping_note(engagement=engagement, by=pm, objectives="Former 320", scope="Lyon")
    second = services.issue_scoping_note(engagement=engagement, by=pm)
    assert second.pk != first.pk
    response = _api_sign(owner, first)
    assert response.status_code == 409 and response.json()["code"] == "not_signable"
    assert "révision" in response.json()["detail"]
    assert "révision" in signed_in(owner).get(_url(first)).content.decode()
    assert not Signature.objects.filter(document=first.document).exists()
    assert _api_sign(owner, second).status_code == 201  # the current one signs


def test_nothing_is_signed_in_a_closed_engagement_whatever_the_way_in(engagement, pm, owner):
    note = _issued_note(engagement, pm)
    type(engagement).objects.filter(pk=engagement.pk).update(closed_at=timezone.now())
    response = _api_sign(owner, note)
    assert response.status_code == 409 and response.json()["code"] == "not_signable"
    _post(signed_in(owner), note)  # the page's own form, posted anyway
    assert not Signature.objects.filter(document=note.document).exists()
