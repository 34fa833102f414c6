"""Every field of the proposal's price lines has a label (axe: critical without one), and each
"Remove access" button names the member it concerns."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from saveit.testing.engagement_setup import through_phase_1
from saveit.testing.factories import signed_in

pytestmark = pytest.mark.django_db


def test_every_price_field_of_the_proposal_has_a_label(engagement, pm, owner):
    engagement = through_phase_1(engagement, pm, owner)
    page = signed_in(pm).get(reverse("engagements:proposal_edit", args=[engagement.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    table = html[
        html.index('<table class="lines">') : html.index(
            "</table>", html.index('<table class="lines">')
        )
    ]
    fields = re.findall(r"<(?:input|select|textarea)\b[^>]*>", table)
    visible = [
        re.search(r'\sid="([^"]+)"', tag).group(1)  # type: ignore[union-attr]
        for tag in fields
        if 'type="hidden"' not in tag
    ]
    assert len(visible) >= 12
    labelled = set(re.findall(r'<label[^>]*for="([^"]+)"', table))
    assert set(visible) <= labelled
    assert "Prix unitaire HT (€), ligne 1" in table


def test_each_remove_access_button_names_the_member(owner, manager):
    page = signed_in(owner).get(
        reverse("accounts:organization_detail", args=[owner.organization_id])
    )
    text = page.content.decode()
    name = manager.user.full_name or manager.user.email
    assert f'Retirer l’accès<span class="visually-hidden"> de {name}</span>' in text or (
        f'Retirer l\'accès<span class="visually-hidden"> de {name}</span>' in text
    )
