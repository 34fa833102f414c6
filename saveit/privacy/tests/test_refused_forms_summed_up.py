"""The privacy forms drawn by hand come back refused with their error summary, the refused field
marked and described, what was typed kept, and nothing done."""

from __future__ import annotations

import re

import pytest

from saveit.testing.factories import signed_in

from ..models import DataSubjectRequest, PrivacyContact

pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated")


def _tag(html: str, name: str) -> str:
    return re.search(rf'<(?:input|textarea|select)[^>]*name="{name}"[^>]*>', html).group(0)


def test_a_refused_privacy_contact_is_summed_up_and_kept(owner):
    response = signed_in(owner).post(
        "/donnees-personnelles/contact/", {"name": "Délégué", "email": "pas-une-adresse"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "data-error-summary" in html and '<a href="#contact-email">' in html
    email = re.search(r'<input[^>]*id="contact-email"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in email and 'aria-describedby="contact-email_error"' in email
    assert 'value="pas-une-adresse"' in email and 'value="Délégué"' in html
    assert 'id="contact-email_error"' in html
    assert html.count('id="id_email"') == 1  # the request form's field keeps its own id
    assert not PrivacyContact.objects.exists()


@pytest.fixture
def request_of(assigned, owner):
    browser = signed_in(owner)
    browser.post(
        "/donnees-personnelles/",
        {"kind": "access", "email": "camille.lefevre@alpha.example", "identity_note": "appel"},
    )
    return DataSubjectRequest.objects.get()


def test_an_extension_without_its_reason_is_summed_up_and_kept(request_of, owner):
    due = request_of.due_on
    response = signed_in(owner).post(
        f"/donnees-personnelles/demandes/{request_of.pk}/prolonger/", {"months": "2"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "data-error-summary" in html and '<a href="#id_reason">' in html
    assert 'aria-invalid="true"' in _tag(html, "reason")
    assert re.search(r'<option value="2"[^>]*selected', html)  # the chosen length is kept
    request_of.refresh_from_db()
    assert request_of.due_on == due


def test_a_request_is_not_carried_out_on_a_note_that_cannot_be_kept(request_of, owner):
    note = "x" * 301
    response = signed_in(owner).post(
        f"/donnees-personnelles/demandes/{request_of.pk}/executer/", {"identity_note": note}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "data-error-summary" in html and 'aria-invalid="true"' in _tag(html, "identity_note")
    assert note in _tag(html, "identity_note")
    request_of.refresh_from_db()
    assert request_of.status != "done"
