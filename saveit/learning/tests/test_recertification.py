"""A procedure changes: the new module version, once activated, is assigned to those concerned."""

from __future__ import annotations

from saveit.catalog import services as catalog
from saveit.catalog.models import ModuleVersion
from saveit.catalog.tests.conftest import PROCEDURE_V2, procedure_version
from saveit.engagements import services as lifecycle
from saveit.engagements.tests.conftest import upload_procedure

from ..models import Assignment, RecertificationCampaign
from ..services import attempts
from .conftest import Form, activate, answers_for


def test_people_certified_or_in_progress_on_the_old_version_get_the_new_one(
    deployed, assigned, designer_member, pm, owner, django_capture_on_commit_callbacks
):
    engagement, old = deployed
    camille = Assignment.objects.get(learner__email="camille.lefevre@alpha.example")
    attempt = attempts.start_attempt(assignment=camille)
    attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))
    noe = Assignment.objects.get(learner__email="noe.martin@alpha.example")
    attempts.start_attempt(assignment=noe)  # in progress
    source = procedure_version(engagement).source
    upload_procedure(
        engagement, owner, content=PROCEDURE_V2, name="nettoyage.txt", version="2.0",
        source_id=source.pk,
    )  # fmt: skip
    assert ModuleVersion.objects.get(pk=old.pk).is_outdated
    engagement = lifecycle.reopen_phase(
        engagement=engagement, by=pm, to_phase=3, reason="La procédure a changé (délai 24 h)."
    )
    new = catalog.create_version(version=old, by=designer_member)
    new = catalog.submit_version(version=new, by=designer_member)
    engagement = lifecycle.advance_phase(engagement=engagement, by=pm)
    with django_capture_on_commit_callbacks(execute=True):
        new = activate(engagement, new, pm, owner)
    assert new.status == ModuleVersion.Status.ACTIVE
    assert ModuleVersion.objects.get(pk=old.pk).status == ModuleVersion.Status.RETIRED
    campaign = RecertificationCampaign.objects.get(version=new)
    concerned = set(campaign.assignments.values_list("learner__email", flat=True))
    # Camille was certified, Noé in progress, Éloïse assigned but not started: all three.
    assert concerned == {
        "camille.lefevre@alpha.example",
        "noe.martin@alpha.example",
        "eloise.durand@alpha.example",
    }
    noe.refresh_from_db()
    assert noe.status == Assignment.Status.REPLACED
    camille.refresh_from_db()
    assert camille.status == Assignment.Status.PASSED  # history stays: passed on 1.0
    assert campaign.due_on > campaign.created_at.date()
