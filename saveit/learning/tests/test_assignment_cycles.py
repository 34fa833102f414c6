"""One assignment per learner, version and cycle; the migration that introduced cycles."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from saveit.learning.models import Assignment, RecertificationCampaign
from saveit.learning.selectors import my_assignments, version_progress
from saveit.learning.services.assignments import assign_again

pytestmark = pytest.mark.django_db

migration = importlib.import_module("saveit.learning.migrations.0006_assignment_cycles")


def test_existing_assignments_are_cycle_one_and_a_copy_of_the_same_cycle_is_refused(assigned):
    first = Assignment.objects.order_by("pk").first()
    assert set(Assignment.objects.values_list("cycle", flat=True)) == {1}
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            organization_id=first.organization_id,
            engagement_id=first.engagement_id,
            module_version_id=first.module_version_id,
            learner_id=first.learner_id,
            assigned_at=timezone.now(),
        )
    assert Assignment.objects.filter(learner_id=first.learner_id).count() == 1


def test_an_open_assignment_is_not_assigned_again(assigned):
    first = Assignment.objects.order_by("pk").first()
    created = assign_again(
        engagement=first.engagement,
        version=first.module_version,
        learner_ids=[first.learner_id],
        due_on=timezone.localdate() + timedelta(days=30),
        campaign_id=None,
    )
    assert created == []
    first.refresh_from_db()
    assert first.superseded_at is None and Assignment.objects.count() == 3


def test_the_migration_gives_expiry_campaigns_their_kind(assigned):
    common = {
        "organization_id": assigned.module.engagement.client_id,
        "module_id": assigned.module_id,
        "version": assigned,
        "due_on": timezone.localdate(),
    }
    other = RecertificationCampaign.objects.create(**common, reason="procedure_changed")
    migration.expiry_campaigns_get_their_kind(apps, None)
    assert RecertificationCampaign.objects.get(pk=other.pk).kind == "new_version"
    RecertificationCampaign.objects.filter(pk=other.pk).update(reason="expiry")
    migration.expiry_campaigns_get_their_kind(apps, None)
    assert RecertificationCampaign.objects.get(pk=other.pk).kind == "expiry"


def test_a_new_cycle_is_counted_once_on_the_deployment_page(assigned):
    first = Assignment.objects.order_by("pk").first()
    Assignment.objects.filter(pk=first.pk).update(status=Assignment.Status.PASSED)
    created = assign_again(
        engagement=first.engagement,
        version=first.module_version,
        learner_ids=[first.learner_id],
        due_on=timezone.localdate() + timedelta(days=30),
        campaign_id=None,
    )
    assert len(created) == 1 and Assignment.objects.count() == 4
    (row,) = version_progress(first.engagement)
    # Three learners, each once: the passed first cycle is history, the new one is to do.
    assert (row["total"], row["passed"], row["not_started"]) == (3, 0, 3)
    mine = my_assignments(first.learner.user_id or 0, first.organization_id)
    assert first.pk not in {a.pk for a in mine}


def test_the_learner_opens_the_new_cycle_and_no_longer_the_superseded_one(assigned):
    """Lesson views and attempts go to the current cycle: the one before it, kept as history
    (status, results, attestation), answers 404 on every learner page, as "Mes formations",
    which no longer lists it."""
    from saveit.accounts.roles import Role
    from saveit.learning.models import Activity
    from saveit.learning.services.progress import lesson_keys
    from saveit.testing.factories import make_member, signed_in

    first = Assignment.objects.select_related("learner").order_by("pk").first()
    member = make_member(first.organization, Role.LEARNER, email=first.learner.email)
    first.learner.user = member.user
    first.learner.save(update_fields=["user"])
    Assignment.objects.filter(pk=first.pk).update(status=Assignment.Status.PASSED)
    (new_id,) = assign_again(
        engagement=first.engagement,
        version=first.module_version,
        learner_ids=[first.learner_id],
        due_on=timezone.localdate() + timedelta(days=30),
        campaign_id=None,
    )
    key = lesson_keys(first)[0]
    browser = signed_in(member)
    for url in (
        f"/mes-formations/{first.pk}/",
        f"/mes-formations/{first.pk}/lecons/{key}/",
        f"/mes-formations/{first.pk}/evaluation/",
    ):
        assert browser.get(url).status_code == 404, url
    assert not Activity.objects.filter(assignment_id=first.pk).exists()
    assert browser.get(f"/mes-formations/{new_id}/").status_code == 200
    assert browser.get(f"/mes-formations/{new_id}/lecons/{key}/").status_code == 200
    assert Activity.objects.filter(assignment_id=new_id, lesson_key=key).count() == 1
