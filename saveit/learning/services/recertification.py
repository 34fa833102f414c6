"""Re-certification: a version replacing one people were certified on is assigned to them."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.audit.chain import record_event
from saveit.audit.models import Document, Signature
from saveit.catalog.models import AcceptanceRecord, ModuleVersion
from saveit.core.errors import Refusal

from ..hooks import shifting
from ..models import Assignment, RecertificationCampaign
from .assignments import _invite_after_commit, create_assignments, require_assignable
from .common import locked_for_deployment, locked_for_recertification

Status = Assignment.Status


def _concerned(version: ModuleVersion) -> tuple[list[int], set[int]]:
    """Older versions of the module, and who was certified on them or is still following them."""
    older = list(
        ModuleVersion.objects.filter(module_id=version.module_id)
        .exclude(pk=version.pk)
        .filter(assignments__isnull=False)
        .distinct()
        .values_list("pk", flat=True)
    )
    holders = Assignment.objects.filter(module_version_id__in=older).filter(
        status__in=(Status.ASSIGNED, Status.IN_PROGRESS)
    ) | Assignment.objects.filter(
        module_version_id__in=older,
        attestation__isnull=False,
        attestation__revoked_at__isnull=True,
    )
    return older, set(holders.values_list("learner_id", flat=True))


@transaction.atomic
def launch_recertification(
    *, version: ModuleVersion, due_on: date, by: Membership | None, reason: str = ""
) -> RecertificationCampaign | None:
    """Assigns the new version to everyone concerned; their open old assignments are replaced."""
    engagement = locked_for_recertification(version.module.engagement)
    require_assignable(version, engagement)
    older, learners = _concerned(version)
    launched = RecertificationCampaign.objects.filter(
        version=version, kind=RecertificationCampaign.Kind.NEW_VERSION
    )
    if not learners or launched.exists():
        return None
    campaign = RecertificationCampaign.objects.create(
        organization_id=engagement.client_id,
        module_id=version.module_id,
        version=version,
        replaced_versions=older,
        due_on=due_on,
        reason=reason,
        created_by=by,
    )
    open_on_older = Assignment.objects.filter(
        module_version_id__in=older, status__in=(Status.ASSIGNED, Status.IN_PROGRESS)
    )
    with shifting(open_on_older.values_list("pk", flat=True)):
        replaced = open_on_older.update(status=Status.REPLACED)
    ids = create_assignments(
        engagement=engagement,
        version=version,
        learner_ids=learners,
        due_on=due_on,
        by=by,
        campaign_id=campaign.pk,
    )
    record_event(
        organization=engagement.client,
        action="recertification.launched",
        actor=by,
        target=campaign,
        after={
            "version": version.pk,
            "replaced_versions": older,
            "assigned": len(ids),
            "open_assignments_replaced": replaced,
            "due_on": due_on.isoformat(),
        },
    )
    _invite_after_commit(ids)
    return campaign


def recertify_on_signature(document: Document, signature: Signature) -> None:
    """After a PV activates versions (catalog's handler ran first): re-certify where a version
    replaces one built on a procedure that changed."""
    record = AcceptanceRecord.objects.filter(document=document).first()
    if record is None:
        return
    listed = [m["version_id"] for m in record.snapshot["modules"]]
    due_on = timezone.localdate() + timedelta(days=settings.RECERTIFICATION_DUE_DAYS)
    for version in ModuleVersion.objects.filter(
        pk__in=listed, status=ModuleVersion.Status.ACTIVE
    ).select_related("module__engagement"):
        outdated_before = ModuleVersion.objects.filter(
            module_id=version.module_id, outdated_at__isnull=False
        ).exclude(pk=version.pk)
        if outdated_before.exists():
            launch_recertification(
                version=version,
                due_on=due_on,
                by=signature.membership,
                reason="procedure_changed",
            )


@transaction.atomic
def change_campaign_due_date(
    *, campaign: RecertificationCampaign, due_on: date, by: Membership
) -> RecertificationCampaign:
    """A new due date for the campaign and for its assignments still open; those completed keep
    theirs, the date they were held to."""
    locked_for_deployment(campaign.module.engagement, by)
    campaign = RecertificationCampaign.objects.select_for_update().get(pk=campaign.pk)
    if due_on < timezone.localdate():
        raise Refusal(_("The due date is in the past."), code="invalid")
    before = campaign.due_on
    if due_on == before:
        return campaign
    campaign.due_on = due_on
    campaign.save(update_fields=["due_on"])
    still_open = campaign.assignments.filter(status__in=(Status.ASSIGNED, Status.IN_PROGRESS))
    # Row locks: a learner's attempt meanwhile would move the same figures as this change.
    ids = list(still_open.select_for_update().values_list("pk", flat=True))
    with shifting(ids):  # the dashboards count assignments by due date
        moved = still_open.update(due_on=due_on)
    record_event(
        organization=campaign.organization,
        action="recertification.due_date_changed",
        actor=by,
        target=campaign,
        before={"due_on": before.isoformat()},
        after={"due_on": due_on.isoformat(), "assignments": moved},
    )
    return campaign
