"""The pre-aggregated cubes stay equal to a recount of the assignments after every change."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from saveit.learning.models import Activity, Assignment
from saveit.learning.services import attempts, progress
from saveit.reporting import stats
from saveit.reporting.models import StatusCell, TrendCell
from saveit.testing.figures import assert_cube_matches_a_recount, cube_rows
from saveit.testing.learning_setup import Form, answers_for

from ..selectors import Filters, Scope, figures_by, total


def by_email(email: str) -> Assignment:
    return Assignment.objects.select_related("learner").get(learner__email=email)


def test_assigning_a_population_counts_each_learner_once(assigned):
    engagement_id = Assignment.objects.first().engagement_id
    scope = Scope(Assignment.objects.first().organization_id, engagement_id)
    figures = total(figures_by(None, scope, Filters()))
    assert (figures.assigned, figures.not_started, figures.started) == (3, 3, 0)
    by_site = figures_by("site", scope, Filters())
    assert {site: f.assigned for site, f in by_site.items()} == {"Lyon": 2, "Grenoble": 1}
    assert_cube_matches_a_recount(engagement_id)


def test_learner_actions_move_the_figures_exactly(assigned):
    camille = by_email("camille.lefevre@alpha.example")
    eloise = by_email("eloise.durand@alpha.example")
    scope = Scope(camille.organization_id, camille.engagement_id)
    # Camille reads a lesson for 50 s, then passes; Éloïse fails her first attempt.
    view = progress.open_lesson(assignment=camille, key=progress.lesson_keys(camille)[0])
    Activity.objects.filter(pk=view.pk).update(last_seen_at=view.at - timedelta(seconds=50))
    progress.heartbeat(assignment=camille, activity_id=view.pk)
    attempt = attempts.start_attempt(assignment=camille)
    attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))
    attempt = attempts.start_attempt(assignment=eloise)
    attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=False)))

    figures = total(figures_by(None, scope, Filters()))
    assert figures.by_status == {"passed": 1, "in_progress": 1, "assigned": 1}
    assert (figures.completed, figures.passed) == (1, 1)
    assert figures.completion_rate == Decimal("33.3")
    assert figures.average_score == 100 and figures.median_score == 100
    camille.refresh_from_db()
    assert camille.seconds_spent >= 50 and figures.seconds == camille.seconds_spent
    assert figures.mean_seconds == round(camille.seconds_spent / 2)
    lyon = figures_by("site", scope, Filters(site="Lyon"))["Lyon"]
    assert lyon.assigned == 2 and lyon.passed == 1
    assert_cube_matches_a_recount(camille.engagement_id)


def test_overdue_counts_open_assignments_past_their_due_date(assigned):
    yesterday = timezone.localdate() - timedelta(days=1)
    late = by_email("noe.martin@alpha.example")
    with stats.tracking(late.pk):
        Assignment.objects.filter(pk=late.pk).update(due_on=yesterday)
    scope = Scope(late.organization_id, late.engagement_id)
    assert total(figures_by(None, scope, Filters())).overdue == 1
    assert_cube_matches_a_recount(late.engagement_id)


def test_a_site_change_in_an_import_moves_the_learners_assignments(assigned, population, owner):
    from saveit.learning.services import populations

    csv = (
        "Nom;Prénom;E-mail;Matricule;Site;Poste;Manager\n"
        "Martin;Noé;noe.martin@alpha.example;M003;Lyon;Technicien;Paul Petit\n"
    ).encode()
    batch = populations.preview_import(
        population=population, content=csv, filename="maj.csv", by=owner
    )
    populations.commit_import(batch=batch, by=owner)
    noe = by_email("noe.martin@alpha.example")
    scope = Scope(noe.organization_id, noe.engagement_id)
    assert {s: f.assigned for s, f in figures_by("site", scope, Filters()).items()} == {"Lyon": 3}
    assert_cube_matches_a_recount(noe.engagement_id)


def test_filters_narrow_the_figures_to_a_population_a_month_or_a_version(assigned, population):
    noe = by_email("noe.martin@alpha.example")
    scope = Scope(noe.organization_id, noe.engagement_id)
    month = stats.month_of(noe.assigned_at)
    assert total(figures_by(None, scope, Filters(population=population.pk))).assigned == 3
    assert total(figures_by(None, scope, Filters(population=0))).assigned == 0
    assert total(figures_by(None, scope, Filters(month_from=month, month_to=month))).assigned == 3
    next_month = (month + timedelta(days=32)).replace(day=1)
    assert total(figures_by(None, scope, Filters(month_from=next_month))).assigned == 0
    version = noe.module_version_id
    assert total(figures_by(None, scope, Filters(version=version))).assigned == 3
    assert total(figures_by(None, scope, Filters(version=version + 999))).assigned == 0


def test_the_coarse_trend_equals_the_sum_of_the_site_trends(assigned):
    from ..selectors import trend

    for email in ("camille.lefevre@alpha.example", "noe.martin@alpha.example"):
        learner = by_email(email)
        attempt = attempts.start_attempt(assignment=learner)
        attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))
    scope = Scope(learner.organization_id, learner.engagement_id)
    _unit, overall = trend(scope, Filters())
    per_site = [trend(scope, Filters(site=site))[1] for site in ("Lyon", "Grenoble")]
    assert sum(p.completed for p in overall) == 2
    assert [p.completed for p in overall] == [
        sum(points[i].completed for points in per_site) for i in range(len(overall))
    ]
    assert_cube_matches_a_recount(learner.engagement_id)


def test_the_rebuild_command_repairs_figures_changed_behind_the_platform(assigned):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from saveit.engagements.models import Engagement

    engagement = Engagement.objects.get(pk=Assignment.objects.first().engagement_id)
    expected = cube_rows(engagement.pk)
    StatusCell.objects.filter(engagement_id=engagement.pk).update(n=99)  # by hand, in SQL
    TrendCell.objects.create(
        organization_id=engagement.client_id,
        engagement_id=engagement.pk,
        module_id=0,
        module_version_id=0,
        assigned_month="2026-01-01",
        week="2026-01-05",
        passed=True,
        n=5,
    )
    assert cube_rows(engagement.pk) != expected
    out = StringIO()
    call_command("rebuild_stats", "--engagement", engagement.reference, stdout=out)
    assert f"rebuilt {engagement.reference}" in out.getvalue()
    assert cube_rows(engagement.pk) == expected
    with pytest.raises(CommandError) as refused:
        call_command("rebuild_stats", "--engagement", "M-1999-999", stdout=StringIO())
    assert refused.value.returncode == 2
