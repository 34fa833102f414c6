"""The proforma and the completion report read as pages built from their PDF's data, for the
engagement's readers only."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from saveit.engagements import services
from saveit.engagements.pdf_data import proforma_data
from saveit.learning.models import Assignment
from saveit.learning.services import attempts
from saveit.orchestration import services as workflow
from saveit.orchestration.services import closure
from saveit.reporting.completion import is_current, report_data, report_page_data
from saveit.testing.engagement_setup import signed_proposal, through_phase_1
from saveit.testing.factories import signed_in
from saveit.testing.learning_setup import Form, answers_for

pytestmark = pytest.mark.django_db


def _html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _proforma(engagement, pm, owner):
    engagement = through_phase_1(engagement, pm, owner)
    signed_proposal(engagement, pm, owner)
    return services.issue_proforma(engagement=engagement, by=pm)


def _proforma_url(proforma) -> str:
    return reverse("engagements:proforma_page", args=[proforma.engagement_id, proforma.pk])


def test_the_proforma_page_shows_the_figures_of_its_pdf(engagement, pm, owner):
    proforma = _proforma(engagement, pm, owner)
    data = proforma_data(proforma)
    html = _html(signed_in(owner), _proforma_url(proforma))
    shown = [data["reference"], data["labels"]["not_an_invoice"], *data["mentions"]]
    shown += [data["totals"][key] for key in ("excl", "vat", "incl")]
    shown += [value for line in data["lines"] for value in line.values()]
    for expected in shown:
        assert escape(expected) in html, expected
    assert "3 300,60" in data["totals"]["incl"].replace("\u202f", " ").replace("\xa0", " ")
    pdf = reverse("engagements:pdf", args=[engagement.pk, proforma.document_id])
    assert pdf in html


def test_the_proforma_data_keeps_the_issued_lines_when_the_proposal_changes(engagement, pm, owner):
    proforma = _proforma(engagement, pm, owner)
    before = proforma_data(proforma)
    proforma.proposal.lines.update(unit_price=1)
    after = proforma_data(proforma)
    assert after["lines"] == before["lines"] and after["totals"] == before["totals"]


def test_the_engagement_page_links_the_proforma_to_its_page(engagement, pm, owner):
    proforma = _proforma(engagement, pm, owner)
    html = _html(signed_in(owner), reverse("engagements:detail", args=[engagement.pk]))
    assert _proforma_url(proforma) in html


def test_the_proforma_page_is_not_found_elsewhere(
    engagement, pm, owner, outsider, learner, client_org
):
    from saveit.testing.factories import make_engagement

    proforma = _proforma(engagement, pm, owner)
    assert signed_in(outsider).get(_proforma_url(proforma)).status_code == 404
    assert signed_in(learner).get(_proforma_url(proforma)).status_code in (403, 404)
    second = make_engagement(client_org, pm, title="Chaîne du froid")
    url = reverse("engagements:proforma_page", args=[second.pk, proforma.pk])
    assert signed_in(owner).get(url).status_code == 404


@pytest.fixture
def in_closure(assigned, pm):
    engagement = Assignment.objects.first().engagement
    engagement = workflow.advance_phase(engagement=engagement, by=pm)  # 5 → 6
    return workflow.advance_phase(engagement=engagement, by=pm)  # 6 → 7


def _report_url(report) -> str:
    return reverse(
        "engagements:artefact", args=[report.engagement_id, "completion_report", report.revision]
    )


def _figures_of(data) -> list[str]:
    values = [f["value"] for f in data["figures"]] + [f["note"] for f in data["figures"]]
    values += [v for row in data["versions"] for v in row.values()]
    values += [v for row in data["populations"] for v in row.values()]
    return [v for v in values if v]


def test_the_completion_report_page_shows_what_its_pdf_shows(in_closure, pm, owner):
    report = closure.generate_completion_report(engagement=in_closure, by=pm)
    data = report_data(report)
    html = _html(signed_in(owner), _report_url(report))
    for expected in [*_figures_of(data), data["learners_note"], data["reference"]]:
        assert escape(expected) in html, expected
    assert data["learners"] and all(escape(row[0]) in html for row in data["learners"])
    assert "Lefèvre Camille" in html
    read_and_sign = reverse("engagements:read_and_sign", args=[in_closure.pk, report.document_id])
    assert read_and_sign not in html  # issued, not signed
    assert html.count("<svg") >= len(data["charts"]) > 0
    detail = _html(signed_in(owner), reverse("engagements:detail", args=[in_closure.pk]))
    assert _report_url(report) in detail


def test_an_out_of_date_report_page_keeps_its_issued_figures(in_closure, pm, owner):
    report = closure.generate_completion_report(engagement=in_closure, by=pm)
    issued = report_data(report, live=False)
    camille = Assignment.objects.get(learner__email="camille.lefevre@alpha.example")
    attempt = attempts.start_attempt(assignment=camille)
    attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))
    report.refresh_from_db()
    assert not is_current(report)
    assert report_data(report, live=False)["figures"] == issued["figures"]
    html = _html(signed_in(owner), _report_url(report))
    for expected in _figures_of(issued):
        assert escape(expected) in html, expected
    assert escape(report_page_data(report)["stale_note"]) in html
    assert "<svg" not in html and "Lefèvre" not in html
    pdf = reverse("engagements:pdf", args=[in_closure.pk, report.document_id])
    assert pdf in html


def test_the_completion_report_page_is_not_found_elsewhere(in_closure, pm, outsider, learner):
    report = closure.generate_completion_report(engagement=in_closure, by=pm)
    assert signed_in(outsider).get(_report_url(report)).status_code == 404
    assert signed_in(learner).get(_report_url(report)).status_code in (403, 404)
