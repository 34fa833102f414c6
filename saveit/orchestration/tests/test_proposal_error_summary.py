"""A refused proposal is summed up at the top of its form, price lines included (the table is
drawn by hand): each error links to its field, the field is marked, and what was typed stays."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from saveit.testing.engagement_setup import through_phase_1
from saveit.testing.factories import signed_in

pytestmark = pytest.mark.django_db


def _lines(*lines: tuple[str, str, str, str]) -> dict[str, str]:
    data = {
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "3",
        "lines-MAX_NUM_FORMS": "30",
    }
    for n, (label, quantity, price, vat) in enumerate(lines):
        data |= {
            f"lines-{n}-label": label,
            f"lines-{n}-quantity": quantity,
            f"lines-{n}-unit_price": price,
            f"lines-{n}-vat_rate": vat,
        }
    return data


def test_a_refused_price_line_is_summed_up_marked_and_kept(engagement, pm, owner):
    engagement = through_phase_1(engagement, pm, owner)
    url = reverse("engagements:proposal_edit", args=[engagement.pk])
    data = {
        "need": "Former les caristes",
        "planning": "",
        "valid_until": "31/12/2099",
        "terms": "",
        "modules-TOTAL_FORMS": "2",
        "modules-INITIAL_FORMS": "0",
        "modules-MIN_NUM_FORMS": "2",
        "modules-MAX_NUM_FORMS": "20",
        "modules-0-title": "Conduite",
        "modules-0-description": "",
        "modules-1-title": "",
        "modules-1-description": "",
    } | _lines(
        ("Conception", "1", "1900", "20"),
        ("Session", "2", "quatre cents", "20"),
        ("Tutorat", "", "", "20"),
    )
    response = signed_in(pm).post(url, data)
    html = response.content.decode()
    assert html.count("data-error-summary") == 1  # one summary for the whole page
    summary = html[
        html.index("data-error-summary") : html.index("</div>", html.index("data-error-summary"))
    ]
    assert "Ce formulaire contient 3 erreurs à corriger" in summary
    assert '<a href="#id_lines-1-unit_price">Prix unitaire HT (€), ligne 2 : ' in summary
    assert "Ligne 3 : " in summary  # the line's own rule (a designation without a price)
    price = re.search(r'<input[^>]*name="lines-1-unit_price"[^>]*>', html).group(0)
    assert (
        'aria-invalid="true"' in price and 'aria-describedby="id_lines-1-unit_price_error"' in price
    )
    assert 'value="quatre cents"' in price  # what was typed is kept
    assert '<div id="id_lines-1-unit_price_error"><p class="error">' in html
    assert 'value="Tutorat"' in html and "Former les caristes" in html
    quantity = re.search(r'<input[^>]*name="lines-0-quantity"[^>]*>', html).group(0)
    assert "aria-invalid" not in quantity


def test_modules_say_so_when_the_engagement_has_no_procedure_to_tie_them_to(engagement, pm, owner):
    from saveit.engagements.forms import DeliverableForm

    empty = "Le client n'a encore déposé aucune procédure."
    with translation.override("fr"):
        assert str(DeliverableForm(source_choices=[]).fields["sources"].help_text) == empty
    assert DeliverableForm(source_choices=[(1, "Hygiène")]).fields["sources"].help_text == ""
    engagement = through_phase_1(engagement, pm, owner)  # its client's procedures are uploaded
    assert engagement.sources.exists()
    page = signed_in(pm).get(reverse("engagements:proposal_edit", args=[engagement.pk]))
    assert "encore déposé aucune procédure" not in page.content.decode()
