"""A procedure changes: the new module version, once activated, is assigned to those concerned."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from saveit.accounts.roles import Role
from saveit.audit.models import AuditEvent
from saveit.catalog import services as catalog
from saveit.catalog.models import ModuleVersion
from saveit.core.errors import Refusal
from saveit.orchestration import services as workflow
from saveit.testing.catalog_setup import PROCEDURE_V2, procedure_version
from saveit.testing.engagement_setup import upload_procedure
from saveit.testing.factories import bearer, make_engagement, make_member, signed_in
from saveit.testing.learning_setup import Form, activate, answers_for

from .. import selectors
from ..models import Assignment, RecertificationCampaign
from ..services import attempts, common, recertification

CAMILLE, ELOISE, NOE = (
    "camille.lefevre@alpha.example",
    "eloise.durand@alpha.example",
    "noe.martin@alpha.example",
)


def pass_(assignment: Assignment) -> None:
    attempt = attempts.start_attempt(assignment=assignment)
    attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))


def replace_version(engagement, old, designer, pm, owner, capture):  # type: ignore[no-untyped-def]
    """Camille certified on 1.0, Noé in progress; the procedure changes; 1.1 is activated."""
    pass_(Assignment.objects.get(learner__email=CAMILLE))
    attempts.start_attempt(assignment=Assignment.objects.get(learner__email=NOE))
    source = procedure_version(engagement).source
    upload_procedure(
        engagement, owner, content=PROCEDURE_V2, name="nettoyage.txt", version="2.0",
        source_id=source.pk,
    )  # fmt: skip
    assert ModuleVersion.objects.get(pk=old.pk).is_outdated
    engagement = workflow.reopen_phase(
        engagement=engagement, by=pm, to_phase=3, reason="La procédure a changé (délai 24 h)."
    )
    new = catalog.create_version(version=old, by=designer)
    new = catalog.submit_version(version=new, by=designer)
    engagement = workflow.advance_phase(engagement=engagement, by=pm)
    with capture(execute=True):
        new = activate(engagement, new, pm, owner)
    return engagement, new


@pytest.fixture
def campaign(deployed, assigned, designer_member, pm, owner, django_capture_on_commit_callbacks):
    """The campaign of 1.1, the engagement back in deployment (phase 5)."""
    engagement, old = deployed
    engagement, new = replace_version(
        engagement, old, designer_member, pm, owner, django_capture_on_commit_callbacks
    )
    assert workflow.advance_phase(engagement=engagement, by=pm).phase == 5
    return RecertificationCampaign.objects.get(version=new)


def test_people_certified_or_in_progress_on_the_old_version_get_the_new_one(
    deployed, assigned, designer_member, pm, owner, django_capture_on_commit_callbacks
):
    engagement, old = deployed
    engagement, new = replace_version(
        engagement, old, designer_member, pm, owner, django_capture_on_commit_callbacks
    )
    assert new.status == ModuleVersion.Status.ACTIVE
    assert ModuleVersion.objects.get(pk=old.pk).status == ModuleVersion.Status.RETIRED
    campaign = RecertificationCampaign.objects.get(version=new)
    concerned = set(campaign.assignments.values_list("learner__email", flat=True))
    # Camille was certified, Noé in progress, Éloïse assigned but not started: all three.
    assert concerned == {CAMILLE, NOE, ELOISE}
    noe = Assignment.objects.get(learner__email=NOE, module_version=old)
    assert noe.status == Assignment.Status.REPLACED
    camille = Assignment.objects.get(learner__email=CAMILLE, module_version=old)
    assert camille.status == Assignment.Status.PASSED  # history stays: passed on 1.0
    assert campaign.due_on > campaign.created_at.date()
    # The dashboards follow: the replaced ones leave the figures of 1.0, 1.1 counts all three.
    from saveit.reporting.selectors import Filters, Scope, figures_by
    from saveit.testing.figures import assert_cube_matches_a_recount

    scope = Scope(engagement.client_id, engagement.pk)
    by_version = figures_by("module_version_id", scope, Filters())
    assert by_version[new.pk].assigned == 3 and by_version[old.pk].replaced == 2
    assert_cube_matches_a_recount(engagement.pk)


def test_launching_a_campaign_takes_the_engagement_lock(
    deployed, assigned, designer_member, pm, owner, django_capture_on_commit_callbacks, monkeypatch
):
    locked = []

    def spy(engagement):  # type: ignore[no-untyped-def]
        locked.append(engagement.pk)
        return real(engagement)

    real = common.lock
    monkeypatch.setattr(common, "lock", spy)
    engagement, old = deployed
    _engagement, new = replace_version(
        engagement, old, designer_member, pm, owner, django_capture_on_commit_callbacks
    )
    assert RecertificationCampaign.objects.filter(version=new).exists()
    assert locked == [engagement.pk]  # the launch queued behind assignments and imports


# --- the due date ----------------------------------------------------------------------------


def due_dates(campaign: RecertificationCampaign) -> dict[str, object]:
    rows = campaign.assignments.values_list("learner__email", "due_on")
    return dict(rows) | {"campaign": RecertificationCampaign.objects.get(pk=campaign.pk).due_on}


def test_the_owner_or_the_pm_changes_a_campaigns_due_date_for_those_not_done(campaign, owner, pm):
    first = campaign.due_on
    pass_(campaign.assignments.get(learner__email=CAMILLE))  # re-certified on 1.1 already
    later = timezone.localdate() + timedelta(days=90)
    recertification.change_campaign_due_date(campaign=campaign, due_on=later, by=owner)
    assert due_dates(campaign) == {CAMILLE: first, ELOISE: later, NOE: later, "campaign": later}
    event = AuditEvent.objects.get(action="recertification.due_date_changed")
    assert event.before == {"due_on": first.isoformat()}
    assert event.after == {"due_on": later.isoformat(), "assignments": 2}
    sooner = timezone.localdate() + timedelta(days=7)
    recertification.change_campaign_due_date(campaign=campaign, due_on=sooner, by=pm)
    assert due_dates(campaign)[ELOISE] == sooner
    assert AuditEvent.objects.filter(action="recertification.due_date_changed").count() == 2


def test_a_due_date_change_in_the_past_or_by_another_role_is_refused(campaign, outsider):
    before = due_dates(campaign)
    later = timezone.localdate() + timedelta(days=90)
    client = campaign.organization
    owner = make_member(client, Role.CLIENT_OWNER)
    refusals = [
        (owner, timezone.localdate() - timedelta(days=1), "invalid"),
        (make_member(client, Role.CLIENT_MANAGER), later, "forbidden"),
        (make_member(client, Role.LEARNER), later, "forbidden"),
        (outsider, later, "forbidden"),
    ]
    for who, due_on, code in refusals:
        with pytest.raises(Refusal) as refused:
            recertification.change_campaign_due_date(campaign=campaign, due_on=due_on, by=who)
        assert refused.value.code == code, who.role
    assert due_dates(campaign) == before
    assert not AuditEvent.objects.filter(action="recertification.due_date_changed").exists()


def test_the_due_date_is_changed_from_the_deployment_page(campaign, owner):
    engagement_id = campaign.module.engagement_id
    browser = signed_in(owner)
    page = browser.get(f"/missions/{engagement_id}/deploiement/").content.decode()
    action = f"/deploiement/campagnes/{campaign.pk}/echeance/"
    assert f'action="{action}"' in page
    assert f'name="campaign-{campaign.pk}-due_on"' in page
    later = timezone.localdate() + timedelta(days=45)
    done = browser.post(action, {f"campaign-{campaign.pk}-due_on": later.isoformat()})
    assert done.status_code == 302 and done["Location"] == f"/missions/{engagement_id}/deploiement/"
    assert due_dates(campaign)["campaign"] == later
    manager = signed_in(make_member(campaign.organization, Role.CLIENT_MANAGER))
    assert f'action="{action}"' not in manager.get(done["Location"]).content.decode()
    manager.post(action, {f"campaign-{campaign.pk}-due_on": timezone.localdate().isoformat()})
    assert due_dates(campaign)["campaign"] == later


def test_the_due_date_is_changed_through_the_api(campaign, owner, outsider):
    url = f"/api/v1/recertification-campaigns/{campaign.pk}"
    later = timezone.localdate() + timedelta(days=60)

    def patch(who, due_on):  # type: ignore[no-untyped-def]
        body = json.dumps({"due_on": due_on.isoformat()})
        return Client().patch(url, body, "application/json", headers=bearer(who))

    changed = patch(owner, later)
    assert changed.status_code == 200 and changed.json()["due_on"] == later.isoformat()
    past = patch(owner, timezone.localdate() - timedelta(days=1))
    assert (past.status_code, past.json()["code"]) == (409, "invalid")
    assert patch(outsider, later + timedelta(days=1)).status_code == 404
    assert due_dates(campaign)["campaign"] == later


# --- who is still on the old version ---------------------------------------------------------


def test_campaigns_of_counts_everyone_still_on_the_old_version_and_lists_the_first(
    campaign, monkeypatch
):
    engagement = campaign.module.engagement
    pass_(campaign.assignments.get(learner__email=CAMILLE))
    (row,) = selectors.campaigns_of(engagement)
    assert row["campaign"] == campaign
    assert (row["assigned"], row["passed"], row["still_on_old_count"]) == (3, 1, 2)
    assert [a.learner.email for a in row["still_on_old"]] == [ELOISE, NOE]  # by name
    monkeypatch.setattr(selectors, "STILL_ON_OLD_LISTED", 1)
    (row,) = selectors.campaigns_of(engagement)
    assert row["still_on_old_count"] == 2 and len(row["still_on_old"]) == 1
    assert selectors.campaigns_of(make_engagement(engagement.client)) == []


def test_the_deployment_page_shows_the_true_count_beyond_the_names_listed(
    campaign, owner, monkeypatch
):
    monkeypatch.setattr(selectors, "STILL_ON_OLD_LISTED", 2)
    page = signed_in(owner).get(f"/missions/{campaign.module.engagement_id}/deploiement/")
    details = re.search(r"<details class=\"disclosure\"><summary>[^<]*\((\d+)\)</summary>"
                        r"\s*<ul class=\"small\">(.*?)</ul>", page.content.decode(), re.S)  # fmt: skip
    assert details is not None
    assert details.group(1) == "3" and details.group(2).count("<li>") == 2
