"""The invitation and token forms come back refused with their error summary, the refused field
marked and described, what was typed kept, and nothing done."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from saveit.accounts.models import Invitation
from saveit.accounts.roles import Role
from saveit.testing.factories import signed_in

pytestmark = pytest.mark.django_db


def _tag(html: str, name: str) -> str:
    return re.search(rf'<(?:input|select)[^>]*name="{name}"[^>]*>', html).group(0)


def test_a_refused_invitation_is_summed_up_marked_and_kept(owner):
    url = reverse("accounts:member_invite", args=[owner.organization_id])
    response = signed_in(owner).post(url, {"email": "nouvelle@alpha", "role": Role.CLIENT_MANAGER})
    assert response.status_code == 400
    html = response.content.decode()
    summary = html[html.index("data-error-summary") :]
    assert "Ce formulaire contient 1 erreur à corriger" in summary
    assert '<a href="#id_email">Adresse e-mail : ' in summary
    email = _tag(html, "email")
    assert 'aria-invalid="true"' in email and 'aria-describedby="id_email_error"' in email
    assert 'value="nouvelle@alpha"' in email  # what was typed is kept
    assert re.search(rf'<option value="{Role.CLIENT_MANAGER}"[^>]*selected', html)
    assert not Invitation.objects.exists()


def test_a_refused_token_is_summed_up_and_kept(owner):
    response = signed_in(owner).post(
        reverse("accounts:token_list"), {"name": "Export", "days": "0"}
    )
    html = response.content.decode()
    assert "data-error-summary" in html and '<a href="#id_days">' in html
    days = _tag(html, "days")
    assert 'aria-invalid="true"' in days and "id_days_error" in days and 'value="0"' in days
    assert 'value="Export"' in html
