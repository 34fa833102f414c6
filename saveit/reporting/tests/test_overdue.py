"""Finding the overdue learners: one rule, the filter of the learner list (paged, exported, kept
in the URL), the dashboard figure that opens it, and the API parameter."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from saveit.learning.models import Assignment
from saveit.learning.services import attempts
from saveit.reporting import stats
from saveit.reporting.learners import export_assignments, learner_page
from saveit.reporting.models import StatusCell
from saveit.reporting.selectors import Filters, Scope, figures_by, total
from saveit.testing.factories import bearer, signed_in
from saveit.testing.learning_setup import OTHER_CSV, Form, answers_for, assign_csv, set_due_on

pytestmark = pytest.mark.django_db


def _row(email: str) -> Assignment:
    return Assignment.objects.get(learner__email=email)


@pytest.fixture
def late(assigned, other_deployed, outsider):
    """Éloïse Durand and Noé Martin are overdue; Camille Lefèvre passed after her due date (not
    overdue). Another client's learner, Léa Dupont, is overdue too (and sorts first by name)."""
    yesterday = timezone.localdate() - timedelta(days=1)
    camille = _row("camille.lefevre@alpha.example")
    attempt = attempts.start_attempt(assignment=camille)
    attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))
    for email in ("eloise.durand@alpha.example", "noe.martin@alpha.example"):
        set_due_on(_row(email), yesterday)
    set_due_on(_row("camille.lefevre@alpha.example"), yesterday)
    other, other_version = other_deployed
    assign_csv(other, other_version, outsider, OTHER_CSV)
    set_due_on(_row("lea.dupont@beta.example"), yesterday)
    return camille


def test_the_rule_reads_the_same_on_a_row_in_a_queryset_and_in_the_cube(assigned):
    today = timezone.localdate()
    row = _row("noe.martin@alpha.example")
    scope = Scope(row.organization_id, row.engagement_id)
    for status in Assignment.Status:
        for due_on in (None, today - timedelta(days=1), today, today + timedelta(days=1)):
            with transaction.atomic(), stats.tracking(row.pk):
                Assignment.objects.filter(pk=row.pk).update(status=status, due_on=due_on)
            row.refresh_from_db()
            in_sql = Assignment.objects.filter(Assignment.overdue(today), pk=row.pk).exists()
            assert row.is_overdue(today) == in_sql, (status, due_on)
            late_cells = StatusCell.objects.filter(Assignment.overdue(today), n__gt=0)
            assert sum(c.n for c in late_cells.filter(engagement_id=row.engagement_id)) == in_sql
            if status != Assignment.Status.REPLACED:
                overdue = total(figures_by(None, scope, Filters())).overdue
                assert overdue == in_sql, (status, due_on)


def test_the_filter_pages_through_the_overdue_learners_of_this_tenant_only(late):
    scope = Scope(late.organization_id)  # the whole client organisation
    seen, after = [], ""
    while True:
        page = learner_page(scope, Filters(overdue=True), after=after, size=1)
        seen += [(learner.last_name, [r.status for r in learner.rows]) for learner in page.learners]
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert seen == [("Durand", ["assigned"]), ("Martin", ["assigned"])]
    everyone = learner_page(scope, Filters(), size=10).learners
    assert [learner.last_name for learner in everyone] == ["Durand", "Lefèvre", "Martin"]
    # The other filters still narrow it: Lyon keeps Éloïse only.
    lyon = learner_page(scope, Filters(overdue=True, site="Lyon"), size=10).learners
    assert [learner.last_name for learner in lyon] == ["Durand"]
    exported = [a.learner.last_name for a in export_assignments(scope, Filters(overdue=True))]
    assert exported == ["Durand", "Martin"]
    engagement = Scope(late.organization_id, late.engagement_id)
    figures = total(figures_by(None, engagement, Filters(overdue=True)))
    assert (figures.assigned, figures.overdue, figures.passed) == (2, 2, 0)
    assert figures.scores == {}


def test_the_filter_is_kept_in_the_url_of_every_link_of_the_list(late, manager):
    url = reverse("reporting:engagement_learners", args=[late.engagement_id])
    page = signed_in(manager).get(url, {"overdue": "1"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Durand" in html and "Martin" in html and "Lefèvre" not in html
    assert 'name="overdue" id="id_overdue" checked' in html
    links = page.context["exports"]
    assert all(parse_qs(urlsplit(link).query) == {"overdue": ["1"]} for link in links.values())
    assert "overdue=1" in page.context["board_url"] and "overdue=1" in page.context["first_url"]
    assert Filters(overdue=True, site="Lyon").as_query() == {"site": "Lyon", "overdue": "1"}
    # Unchecked, or "0" typed in the URL: everyone.
    for query in ({}, {"overdue": "0"}):
        html = signed_in(manager).get(url, query).content.decode()
        assert "Lefèvre" in html


def test_the_exports_of_the_list_keep_the_overdue_learners_only(late, manager):
    browser = signed_in(manager)
    args = [late.engagement_id, "learners"]
    exported = browser.get(
        reverse("reporting:engagement_export", args=[*args, "csv"]), {"overdue": "1"}
    )
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [row[0] for row in rows if row and row[2].endswith("@alpha.example")] == [
        "Durand",
        "Martin",
    ]
    assert "Dupont" not in text
    xlsx = browser.get(
        reverse("reporting:engagement_export", args=[*args, "xlsx"]), {"overdue": "1"}
    )
    values = [c for row in load_workbook(io.BytesIO(xlsx.content)).active.values for c in row]
    assert "Durand" in values and "Martin" in values and "Lefèvre" not in values
    pdf = browser.get(reverse("reporting:engagement_export", args=[*args, "pdf"]), {"overdue": "1"})
    printed = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "En retard uniquement" in printed and "Lefèvre" not in printed


def test_the_overdue_figure_opens_the_list_filtered_on_it(late, manager, owner):
    board = signed_in(manager).get(
        reverse("reporting:engagement", args=[late.engagement_id]), {"site": "Lyon"}
    )
    link = board.context["overdue_url"]
    assert urlsplit(link).path == reverse(
        "reporting:engagement_learners", args=[late.engagement_id]
    )
    assert parse_qs(urlsplit(link).query) == {"site": ["Lyon"], "overdue": ["1"]}
    assert f'href="{link.replace("&", "&amp;")}" data-figure="overdue"' in board.content.decode()
    # The client dashboard too, and nothing to open when nobody is late.
    client = signed_in(owner).get(reverse("reporting:client", args=[late.organization_id]))
    assert client.context["overdue_url"].endswith("/apprenants/?overdue=1")
    for email in ("eloise.durand@alpha.example", "noe.martin@alpha.example"):
        set_due_on(_row(email), None)
    again = signed_in(manager).get(reverse("reporting:engagement", args=[late.engagement_id]))
    assert (
        again.context["overdue_url"] == "" and 'data-figure="overdue"' not in again.content.decode()
    )


def test_the_api_takes_the_overdue_parameter(late, manager):
    url = f"/api/v1/engagements/{late.engagement_id}/dashboard"
    browser = signed_in(manager)
    late_only = browser.get(url, {"overdue": "true"}, headers=bearer(manager)).json()
    assert late_only["filters"] == {"overdue": "1"}
    assert late_only["totals"]["assigned"] == 2 and late_only["totals"]["overdue"] == 2
    assert late_only["totals"]["passed"] == 0 and late_only["trend"] == []
    everyone = browser.get(url, {"overdue": "false"}, headers=bearer(manager)).json()
    assert everyone["totals"]["assigned"] == 3 and everyone["totals"]["overdue"] == 2
    refused = browser.get(url, {"overdue": "maybe"}, headers=bearer(manager))
    assert refused.status_code == 422
    schema = browser.get("/api/v1/openapi.json").json()
    path = schema["paths"]["/api/v1/engagements/{engagement_id}/dashboard"]["get"]
    assert any(p["name"] == "overdue" for p in path["parameters"])
