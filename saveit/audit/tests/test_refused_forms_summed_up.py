"""The audit forms drawn by hand (upload, filters of the trail) sum their errors up at the top,
mark the refused field for assistive technologies, and keep what was typed."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from saveit.accounts.roles import Role
from saveit.audit.models import Document
from saveit.testing.factories import signed_in
from saveit.testing.pdf import make_pdf

pytestmark = pytest.mark.django_db


def test_an_upload_without_title_is_summed_up_and_keeps_the_chosen_signers(owner, media):
    response = signed_in(owner).post(
        reverse("audit:document_list"),
        {
            "title": "",
            "signer_roles": [Role.CLIENT_OWNER],
            "file": SimpleUploadedFile("note.pdf", make_pdf(), "application/pdf"),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    summary = html[html.index("data-error-summary") :]
    assert '<a href="#id_title">' in summary
    title = re.search(r'<input[^>]*name="title"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in title and 'aria-describedby="id_title_error"' in title
    assert 'id="id_title_error"' in html
    assert re.search(rf'<input[^>]*value="{Role.CLIENT_OWNER}"[^>]*checked', html)
    assert not Document.objects.exists()


def test_a_filter_of_the_trail_not_understood_is_summed_up_and_marked(owner):
    response = signed_in(owner).get(reverse("audit:trail"), {"action": "x" * 81})
    assert response.status_code == 200
    html = response.content.decode()
    summary = html[html.index("data-error-summary") :]
    assert "Certains filtres n'ont pas été compris" in summary
    assert '<a href="#trail-action">Action : ' in summary
    action = re.search(r'<input[^>]*id="trail-action"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in action and 'aria-describedby="trail-action_error"' in action
    assert 'id="trail-action_error"' in html and f'value="{"x" * 81}"' in action
