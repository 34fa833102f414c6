"""Learners: one-time sign-in links, reading with time on task, attempts scored on the server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from saveit.core.errors import Refusal
from saveit.testing.learning_setup import Form, answers_for

from ..models import Activity, Assignment, Attempt, SignInLink
from ..services import access, attempts, progress


@pytest.fixture
def camille(assigned):
    return Assignment.objects.get(learner__email="camille.lefevre@alpha.example")


def test_a_sign_in_link_works_once_and_makes_a_learner_account(assigned):
    from saveit.core.tokens import digest

    link = SignInLink.objects.select_related("learner").first()
    token = "sl_known"
    link.token_hash = digest(token)
    link.save()
    user, membership = access.use_sign_in_link(token=token)
    assert user.email == link.learner.email and not user.has_usable_password()
    assert (
        membership.role == "learner" and membership.organization_id == link.learner.organization_id
    )
    assert link.learner.__class__.objects.get(pk=link.learner_id).user_id == user.pk
    with pytest.raises(Refusal):  # replayed
        access.use_sign_in_link(token=token)
    assert Activity.objects.filter(kind="sign_in").count() == 1


def test_an_expired_link_is_refused(assigned):
    from saveit.core.tokens import digest

    link = SignInLink.objects.first()
    link.token_hash = digest("sl_old")
    link.expires_at = timezone.now() - timedelta(minutes=1)
    link.save()
    with pytest.raises(Refusal):
        access.use_sign_in_link(token="sl_old")
    assert SignInLink.objects.get(pk=link.pk).used_at is None


def test_reading_records_where_to_resume_and_the_time_spent(camille):
    first = progress.lesson_keys(camille)[0]
    view = progress.open_lesson(assignment=camille, key=first)
    camille.refresh_from_db()
    assert camille.status == "in_progress" and camille.last_lesson_key == first
    Activity.objects.filter(pk=view.pk).update(last_seen_at=view.at - timedelta(seconds=40))
    assert progress.heartbeat(assignment=camille, activity_id=view.pk) >= 40
    Activity.objects.filter(pk=view.pk).update(last_seen_at=timezone.now() - timedelta(hours=3))
    seconds = progress.heartbeat(assignment=camille, activity_id=view.pk)
    assert seconds <= 40 + 5 * 60 + 1  # a forgotten tab counts five minutes at most
    with pytest.raises(Refusal):
        progress.open_lesson(assignment=camille, key="not-a-lesson")


def test_a_failed_then_passed_attempt_issues_one_attestation(camille):
    first = attempts.start_attempt(assignment=camille)
    assert len(first.drawn) == 4
    assert attempts.start_attempt(assignment=camille).pk == first.pk  # resumes the open one
    outcome = attempts.submit_attempt(attempt=first, form=Form(answers_for(first, right=False)))
    assert not outcome.passed and outcome.score < 75
    with pytest.raises(Refusal) as replayed:
        attempts.submit_attempt(attempt=first, form=Form(answers_for(first, right=True)))
    assert replayed.value.code == "replayed"
    assert Attempt.objects.get(pk=first.pk).score == outcome.score
    second = attempts.start_attempt(assignment=camille)
    assert second.number == 2
    outcome = attempts.submit_attempt(attempt=second, form=Form(answers_for(second, right=True)))
    assert outcome.passed and outcome.score == 100
    camille.refresh_from_db()
    assert camille.status == "passed" and camille.best_score == 100
    attestation = camille.attestation
    assert attestation.number.startswith(f"ATT-{timezone.localdate().year}-")
    assert attestation.facts["version_label"] == camille.module_version.label
    with pytest.raises(Refusal):  # passed: no further attempt
        attempts.start_attempt(assignment=camille)


def test_attempts_beyond_the_limit_are_refused(camille):
    for _ in range(3):
        attempt = attempts.start_attempt(assignment=camille)
        attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=False)))
    camille.refresh_from_db()
    assert camille.status == "failed" and camille.attempts_used == 3
    with pytest.raises(Refusal) as refused:
        attempts.start_attempt(assignment=camille)
    assert refused.value.code == "limit" and camille.attempts.count() == 3


def test_answers_after_the_time_limit_are_refused_and_the_attempt_counts(camille):
    attempt = attempts.start_attempt(assignment=camille)
    Attempt.objects.filter(pk=attempt.pk).update(deadline_at=timezone.now() - timedelta(minutes=2))
    attempt.refresh_from_db()
    with pytest.raises(Refusal) as refused:
        attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))
    assert refused.value.code == "late"
    attempt.refresh_from_db()
    assert attempt.status == "expired" and attempt.score == 0 and not attempt.passed
    assert not hasattr(Assignment.objects.get(pk=camille.pk), "attestation")


def test_a_forged_submission_is_refused_and_scores_nothing(camille):
    attempt = attempts.start_attempt(assignment=camille)
    forged = Form(answers_for(attempt, right=True))
    forged["item-not-drawn"] = ["0"]
    with pytest.raises(Refusal) as refused:
        attempts.submit_attempt(attempt=attempt, form=forged)
    assert refused.value.code == "invalid_answers"
    from saveit.catalog.snapshot import snapshot_of

    kinds = {i["key"]: i["kind"] for i in snapshot_of(camille.module_version)["items"]}
    # A choice index past the end (a numeric item would take 99 as an answer).
    key = next(key for key, _order in attempt.drawn if kinds[key] != "numeric")
    out_of_range = Form(answers_for(attempt, right=True))
    out_of_range[f"item-{key}"] = ["99"]
    with pytest.raises(Refusal):
        attempts.submit_attempt(attempt=attempt, form=out_of_range)
    attempt.refresh_from_db()
    assert attempt.status == "open" and attempt.score is None
