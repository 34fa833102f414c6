from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from saveit.attendance.models import Reminder
from saveit.catalog.models import ModuleVersion
from saveit.certificates.expiry import run_expiry
from saveit.certificates.models import Attestation
from saveit.core import keys
from saveit.learning.models import Assignment, RecertificationCampaign
from saveit.learning.services import attempts
from saveit.testing.learning_setup import Form, answers_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_key(settings, tmp_path):
    settings.SAVEIT_SIGNING_KEY_PATH = tmp_path / "keys" / "installation-ed25519.pem"
    keys.signing_key.cache_clear()
    yield
    keys.signing_key.cache_clear()


@pytest.fixture
def attestation(assigned):
    assignment = Assignment.objects.order_by("pk").first()
    attempt = attempts.start_attempt(assignment=assignment)
    attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))
    return Attestation.objects.get(assignment=assignment)


def test_reminder_before_expiry_once(attestation, django_capture_on_commit_callbacks):
    Attestation.objects.filter(pk=attestation.pk).update(
        valid_until=timezone.localdate() + timedelta(days=10)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run_expiry()
        run_expiry()
    assert Reminder.objects.filter(rule="expiry_soon").count() == 1
    assert len(mail.outbox) == 1


def test_expired_attestation_gets_the_active_version(
    attestation, django_capture_on_commit_callbacks
):
    old = attestation.module_version
    Attestation.objects.filter(pk=attestation.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    ModuleVersion.objects.filter(pk=old.pk).update(status=ModuleVersion.Status.RETIRED)
    new = ModuleVersion.objects.create(
        module=old.module, title=old.title, created_by=old.created_by, major=old.major + 1,
        status=ModuleVersion.Status.ACTIVE,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert run_expiry().endswith("1 re-assigned")
        assert run_expiry().endswith("0 re-assigned")
    campaign = RecertificationCampaign.objects.get(version=new)
    assert campaign.reason == "expiry" and campaign.kind == "expiry"
    assert Assignment.objects.get(module_version=new).learner_id == attestation.learner_id


def _expire(attestation):
    Attestation.objects.filter(pk=attestation.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )


def test_expired_attestation_on_the_active_version_starts_a_new_cycle_of_it(
    attestation, django_capture_on_commit_callbacks
):
    old = attestation.assignment
    before = Assignment.objects.values().get(pk=old.pk)
    seal = (attestation.number, attestation.score, attestation.issued_at)
    _expire(attestation)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert run_expiry().endswith("1 re-assigned")
    fresh = Assignment.objects.get(learner=old.learner, module_version=old.module_version, cycle=2)
    assert fresh.status == "assigned" and fresh.best_score is None and fresh.attempts_used == 0
    assert fresh.campaign.kind == "expiry" and fresh.campaign.version_id == old.module_version_id
    assert fresh.due_on is not None and fresh.due_on > timezone.localdate()
    assert [m.to for m in mail.outbox] == [[old.learner.email]]  # the invitation
    # The expired cycle is kept as it was: status, results and attestation (history).
    after = Assignment.objects.values().get(pk=old.pk)
    assert after.pop("superseded_at") is not None and before.pop("superseded_at") is None
    assert after == before
    attestation.refresh_from_db()
    assert (attestation.number, attestation.score, attestation.issued_at) == seal
    assert attestation.assignment_id == old.pk


def test_the_expiry_job_run_twice_assigns_nothing_twice(
    attestation, django_capture_on_commit_callbacks
):
    _expire(attestation)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_expiry().endswith("1 re-assigned")
        assert run_expiry().endswith("0 re-assigned")
        assert run_expiry().endswith("0 re-assigned")
    learner = attestation.learner_id
    assert Assignment.objects.filter(learner_id=learner).count() == 2
    assert RecertificationCampaign.objects.filter(kind="expiry").count() == 1
    from saveit.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="recertification.expiry").count() == 1


def test_the_dashboards_count_the_current_cycle_and_show_the_expiry_campaign(
    attestation, manager, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from saveit.reporting.dashboard import build
    from saveit.reporting.selectors import Filters, Scope
    from saveit.testing.factories import signed_in

    engagement = attestation.assignment.engagement
    scope = Scope(engagement.client_id, engagement.pk)
    assert build(scope, Filters()).totals.passed == 1
    _expire(attestation)
    with django_capture_on_commit_callbacks(execute=True):
        run_expiry()
    totals = build(scope, Filters()).totals
    assert totals.assigned == 3 and totals.passed == 0 and totals.not_started == 3
    page = signed_in(manager).get(reverse("reporting:engagement", args=[engagement.pk]))
    text = page.content.decode()
    assert "Campagnes de recertification" in text and "attestation expirée" in text
    learners = signed_in(manager).get(
        reverse("reporting:engagement_learners", args=[engagement.pk])
    )
    # One row group per learner (the reminder button names the learner again, hence the <div).
    learner = attestation.learner
    heading = f"{learner.last_name} {learner.first_name}<div"
    assert learners.content.decode().count(heading) == 1


def test_the_cubes_rebuilt_from_scratch_agree_after_a_new_cycle(
    attestation, django_capture_on_commit_callbacks
):
    from saveit.reporting.dashboard import build
    from saveit.reporting.selectors import Filters, Scope
    from saveit.reporting.stats import rebuild

    engagement = attestation.assignment.engagement
    _expire(attestation)
    with django_capture_on_commit_callbacks(execute=True):
        run_expiry()
    scope = Scope(engagement.client_id, engagement.pk)
    live = build(scope, Filters()).totals.as_dict()
    rebuild([engagement.pk])
    assert build(scope, Filters()).totals.as_dict() == live


def test_passing_the_new_cycle_issues_a_new_attestation_and_keeps_the_old_one(
    attestation, django_capture_on_commit_callbacks
):
    old_number = attestation.number
    _expire(attestation)
    with django_capture_on_commit_callbacks(execute=True):
        run_expiry()
    fresh = Assignment.objects.get(learner_id=attestation.learner_id, cycle=2)
    attempt = attempts.start_attempt(assignment=fresh)
    attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))
    new = Attestation.objects.get(assignment=fresh)
    assert new.number != old_number and new.valid_until > timezone.localdate()
    assert Attestation.objects.get(pk=attestation.pk).number == old_number
    with django_capture_on_commit_callbacks(execute=True):
        assert run_expiry().endswith("0 re-assigned")


def test_the_deployment_page_marks_the_expiry_campaign(
    attestation, pm, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from saveit.testing.factories import signed_in

    _expire(attestation)
    with django_capture_on_commit_callbacks(execute=True):
        run_expiry()
    engagement_id = attestation.assignment.engagement_id
    page = signed_in(pm).get(reverse("learning:deployment", args=[engagement_id]))
    text = page.content.decode()
    assert page.status_code == 200 and "attestation expirée" in text
