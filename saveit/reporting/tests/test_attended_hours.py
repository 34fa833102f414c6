"""Hours attended in sessions beside distance time: selector, dashboard, learner list, exports."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from saveit.attendance import services
from saveit.attendance.selectors import attended_seconds
from saveit.learning.models import Assignment
from saveit.reporting.attended import attended_board
from saveit.reporting.selectors import Filters, Scope
from saveit.testing.factories import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def attended(assigned, pm):
    """Camille present (3 h), Éloïse 30 min late (2 h 30), Noé absent; a cancelled session."""
    rows = {a.learner.first_name: a for a in Assignment.objects.select_related("learner")}
    engagement = rows["Camille"].engagement
    session = services.create_session(
        engagement=engagement,
        by=pm,
        title="Atelier pratique",
        place="Lyon",
        trainers=[pm],
        module_id=assigned.module_id,
    )
    services.add_participants(
        session=session, by=pm, learner_ids=[a.learner_id for a in rows.values()]
    )
    start = timezone.now() - timedelta(hours=6)
    slot = services.add_slot(
        session=session, by=pm, starts_at=start, ends_at=start + timedelta(hours=3)
    )
    services.record_attendance(
        slot=slot, by=pm, learner_id=rows["Camille"].learner_id, status="present"
    )
    services.record_attendance(
        slot=slot,
        by=pm,
        learner_id=rows["Éloïse"].learner_id,
        status="late",
        minutes_missed=30,
        justification="train en retard",
    )
    services.record_attendance(
        slot=slot, by=pm, learner_id=rows["Noé"].learner_id, status="absent", justification="x"
    )
    return engagement, rows


def test_the_selector_sums_hours_per_learner_and_engagement_in_one_query(attended):
    engagement, rows = attended
    with CaptureQueriesContext(connection) as queries:
        found = attended_seconds(organization_id=engagement.client_id)
    assert len(queries) == 1
    assert found == {
        (rows["Camille"].learner_id, engagement.pk): 3 * 3600,
        (rows["Éloïse"].learner_id, engagement.pk): 2 * 3600 + 1800,
    }
    by_module = attended_seconds(
        organization_id=engagement.client_id,
        learner_ids=[rows["Camille"].learner_id],
        by_module=True,
    )
    module_id = rows["Camille"].module_version.module_id
    assert by_module == {(rows["Camille"].learner_id, engagement.pk, module_id): 3 * 3600}
    assert attended_seconds(organization_id=engagement.pk + 10_000) == {}


def test_a_cancelled_session_counts_nothing(attended, pm):
    engagement, _rows = attended
    from saveit.attendance.models import TrainingSession

    session = TrainingSession.objects.get()
    services.cancel_session(session=session, by=pm, reason="Moins de cinq participants")
    assert attended_seconds(organization_id=engagement.client_id) == {}


def test_the_board_spreads_hours_over_versions_populations_and_sites(attended):
    engagement, rows = attended
    scope = Scope(engagement.client_id, engagement.pk)
    board = attended_board(scope, Filters())
    assert board.totals.seconds == 5 * 3600 + 1800 and board.totals.attendees == 2
    assert board.by_version[rows["Camille"].module_version_id].seconds == 5 * 3600 + 1800
    assert board.by_population[rows["Camille"].population_id].attendees == 2
    assert board.by_site["Lyon"].seconds == 5 * 3600 + 1800
    assert "Grenoble" not in board.by_site  # Noé was absent
    only_grenoble = attended_board(scope, Filters(site="Grenoble"))
    assert only_grenoble.totals.seconds == 0


def test_the_dashboard_shows_hours_attended_without_a_query_per_learner(
    attended, manager, django_assert_max_num_queries
):
    engagement, _rows = attended
    browser = signed_in(manager)
    url = reverse("reporting:engagement", args=[engagement.pk])
    browser.get(url)  # warm the session and caches
    with django_assert_max_num_queries(30):
        page = browser.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Heures de présence" in text
    assert "5\u00a0h\u00a030" in text  # 3 h + 2 h 30 in the key figures and the tables
    assert "2 apprenants émargés" in text
    hours_url = reverse("attendance:hours", args=[engagement.pk])
    assert hours_url in text  # the per-learner hours and activity traces, one click away
    assert browser.get(hours_url).status_code == 200


def test_the_learner_list_shows_each_learners_hours_in_one_query(attended, manager):
    engagement, _rows = attended
    browser = signed_in(manager)
    url = reverse("reporting:engagement_learners", args=[engagement.pk])
    browser.get(url)
    with CaptureQueriesContext(connection) as queries:
        page = browser.get(url)
    presence_queries = [q for q in queries if "attendance_presence" in q["sql"]]
    assert len(presence_queries) == 1
    text = page.content.decode()
    assert "Heures de présence" in text
    assert "3\u00a0h\u00a000" in text and "2\u00a0h\u00a030" in text


def test_the_xlsx_exports_carry_hours_attended(attended, manager):
    engagement, _rows = attended
    browser = signed_in(manager)
    response = browser.get(
        reverse("reporting:engagement_export", args=[engagement.pk, "learners", "xlsx"])
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(row for row in values if "Nom" in row)
    column = header.index("Heures de présence en session (h)")
    by_name = {row[1]: row[column] for row in values[values.index(header) + 1 :] if row[1]}
    assert float(by_name["Camille"]) == 3.0
    assert float(by_name["Éloïse"]) == 2.5
    assert by_name["Noé"] in (None, "")

    summary = browser.get(
        reverse("reporting:engagement_export", args=[engagement.pk, "summary", "xlsx"])
    )
    rows_ = list(load_workbook(io.BytesIO(summary.content)).active.iter_rows(values_only=True))
    figures = {row[0]: row[1] for row in rows_ if row and row[0]}
    assert float(figures["Heures de présence en session (h)"]) == 5.5
    assert figures["Apprenants présents"] == 2


def test_the_csv_export_of_versions_has_the_hours_column(attended, manager):
    engagement, _rows = attended
    response = signed_in(manager).get(
        reverse("reporting:engagement_export", args=[engagement.pk, "versions", "csv"])
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Heures de présence en session (h)" in text
    assert ";5,5;2" in text  # 5 h 30 attended by two learners


def test_the_api_gives_hours_attended_beside_distance_time(attended, manager):
    from saveit.testing.factories import bearer

    engagement, _rows = attended
    body = (
        signed_in(manager)
        .get(f"/api/v1/engagements/{engagement.pk}/dashboard", headers=bearer(manager))
        .json()
    )
    assert body["totals"]["attended_seconds"] == 5 * 3600 + 1800
    assert body["totals"]["attendees"] == 2 and body["totals"]["distance_seconds"] == 0
    assert {s["name"]: s["figures"]["attended_seconds"] for s in body["sites"]} == {
        "Lyon": 5 * 3600 + 1800,
        "Grenoble": 0,
    }


def test_the_learner_list_reads_each_learner_once(attended, manager):
    """The reminder buttons look at each row's learner: the rows carry the learners the page has
    read (issue 22: one query per assignment made the list 50 times slower than its SQL)."""
    from saveit.attendance.reminders import can_send_reminder

    engagement, _rows = attended
    assert can_send_reminder(manager)  # the buttons, and their reasons, are computed
    browser = signed_in(manager)
    url = reverse("reporting:engagement_learners", args=[engagement.pk])
    browser.get(url)
    with CaptureQueriesContext(connection) as queries:
        page = browser.get(url)
    assert page.status_code == 200
    one_learner = 'FROM "learning_learner" WHERE "learning_learner"."id" = '
    assert [q["sql"] for q in queries if one_learner in q["sql"]] == []
    # nor each row's version again: a field the page shows but the read left out would do that
    one_version = 'FROM "catalog_moduleversion" WHERE "catalog_moduleversion"."id" = '
    assert [q["sql"] for q in queries if one_version in q["sql"]] == []
    assert "v1.0" in page.content.decode()
