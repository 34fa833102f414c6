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
    assert run_expiry().endswith("0 re-assigned")  # same version: nothing to assign
    ModuleVersion.objects.filter(pk=old.pk).update(status=ModuleVersion.Status.RETIRED)
    new = ModuleVersion.objects.create(
        module=old.module, title=old.title, created_by=old.created_by, major=old.major + 1,
        status=ModuleVersion.Status.ACTIVE,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert run_expiry().endswith("1 re-assigned")
        assert run_expiry().endswith("0 re-assigned")
    campaign = RecertificationCampaign.objects.get(version=new)
    assert campaign.reason == "expiry"
    assert Assignment.objects.get(module_version=new).learner_id == attestation.learner_id
