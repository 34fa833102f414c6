"""Dashboard pages, learner list, exports and API: right figures for the right people only."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from saveit.learning.models import Assignment
from saveit.learning.services import attempts
from saveit.testing.factories import bearer, signed_in
from saveit.testing.learning_setup import Form, answers_for


@pytest.fixture
def one_passed(assigned):
    camille = Assignment.objects.get(learner__email="camille.lefevre@alpha.example")
    attempt = attempts.start_attempt(assignment=camille)
    attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))
    return camille


def test_the_engagement_dashboard_shows_the_figures_and_versions_followed(one_passed, manager):
    page = signed_in(manager).get(reverse("reporting:engagement", args=[one_passed.engagement_id]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "33,3\u00a0%" in text  # completion: 1 of 3
    assert "100\u00a0%" in text  # pass rate and average score
    assert "Nettoyage des paillasses" in text and "nettoyage.txt" not in text
    assert 'role="img"' in text  # the SVG charts are on the page
    assert "Versions suivies" in text


def test_another_organisation_cannot_open_the_dashboard_or_its_exports(one_passed, outsider):
    browser = signed_in(outsider)
    for url in (
        reverse("reporting:engagement", args=[one_passed.engagement_id]),
        reverse("reporting:engagement_export", args=[one_passed.engagement_id, "learners", "csv"]),
        reverse("reporting:client", args=[one_passed.organization_id]),
        reverse("reporting:client_learners", args=[one_passed.organization_id]),
    ):
        assert browser.get(url).status_code == 404
    api = signed_in(outsider).get(
        f"/api/v1/engagements/{one_passed.engagement_id}/dashboard", headers=bearer(outsider)
    )
    assert api.status_code == 404


def test_a_forged_filter_is_refused_with_a_message_and_not_applied(one_passed, manager, other_org):
    from saveit.learning.models import Population

    url = reverse("reporting:engagement", args=[one_passed.engagement_id])
    page = signed_in(manager).get(url, {"population": 999999, "from": "2026-13"})
    text = page.content.decode()
    assert page.status_code == 200 and "data-error-summary" in text
    assert "Certains filtres n'ont pas été compris et ne sont pas appliqués" in text
    assert "33,3\u00a0%" in text  # the figures stay those of the whole engagement
    api = signed_in(manager).get(
        f"/api/v1/engagements/{one_passed.engagement_id}/dashboard",
        {"population": 999999},
        headers=bearer(manager),
    )
    assert api.status_code == 422
    assert Population.objects.filter(pk=999999).count() == 0


def test_the_api_gives_the_same_figures_as_the_page(one_passed, manager):
    response = signed_in(manager).get(
        f"/api/v1/engagements/{one_passed.engagement_id}/dashboard", headers=bearer(manager)
    )
    body = response.json()
    assert response.status_code == 200
    assert body["totals"]["assigned"] == 3 and body["totals"]["passed"] == 1
    assert body["totals"]["completion_rate"] == "33.3" and body["totals"]["pass_rate"] == "100.0"
    assert {s["name"]: s["figures"]["assigned"] for s in body["sites"]} == {
        "Lyon": 2,
        "Grenoble": 1,
    }
    lyon = signed_in(manager).get(
        f"/api/v1/engagements/{one_passed.engagement_id}/dashboard",
        {"site": "Lyon"},
        headers=bearer(manager),
    )
    assert lyon.json()["totals"]["assigned"] == 2


def test_the_learner_list_pages_by_name_and_exports_in_three_formats(one_passed, manager):
    browser = signed_in(manager)
    args = [one_passed.engagement_id]
    page = browser.get(reverse("reporting:engagement_learners", args=args)).content.decode()
    assert page.index("Durand") < page.index("Lefèvre") < page.index("Martin")
    exported = browser.get(reverse("reporting:engagement_export", args=[*args, "learners", "csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig")),
                           delimiter=";"))  # fmt: skip
    assert rows[0][0] == "Nom" and len(rows) == 4
    camille = next(row for row in rows if row[1] == "Camille")
    assert camille[7] == "réussi" and camille[8] == "100"
    xlsx = browser.get(reverse("reporting:engagement_export", args=[*args, "versions", "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(1, 1).value == "Module" and sheet.cell(2, 5).value == 3  # assigned
    pdf = browser.get(reverse("reporting:engagement_export", args=[*args, "learners", "pdf"]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Apprenants et résultats" in text and "Lefèvre" in text


def test_an_unknown_export_is_a_404(one_passed, manager):
    url = reverse("reporting:engagement_export", args=[one_passed.engagement_id, "secrets", "csv"])
    assert signed_in(manager).get(url).status_code == 404


def test_no_id_is_used_twice_on_the_dashboard(one_passed, manager):
    import re
    from collections import Counter

    page = signed_in(manager).get(reverse("reporting:engagement", args=[one_passed.engagement_id]))
    ids = Counter(re.findall(r'\sid="([^"]+)"', page.content.decode()))
    assert [name for name, n in ids.items() if n > 1] == []
