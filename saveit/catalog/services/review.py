"""Submission to the client, its comments and its decision (SPEC §5)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from saveit.accounts.models import Membership
from saveit.audit.chain import record_event
from saveit.core.errors import Refusal
from saveit.engagements.models import Engagement
from saveit.engagements.services.common import client_owners, engagement_url, lock, notify

from .. import selectors
from ..models import ModuleVersion, ReviewComment
from ..snapshot import build_snapshot, is_intact, snapshot_sha256
from .common import locked_draft, require_design_phase, require_review_phase, require_reviewer
from .modules import record_source_anchors

Status = ModuleVersion.Status


def _unreviewed(version: ModuleVersion) -> tuple[int, int]:
    return (
        version.lessons.filter(reviewed=False).count(),
        version.items.filter(reviewed=False).count(),
    )


def _check_complete(version: ModuleVersion) -> None:
    lessons, items = _unreviewed(version)
    if lessons or items:
        raise Refusal(
            _(
                "%(lessons)s proposed lesson(s) and %(items)s proposed question(s) have not been "
                "reviewed: edit, accept or delete them before submitting."
            )
            % {"lessons": lessons, "items": items},
            code="unreviewed",
        )
    if not version.lessons.exists():
        raise Refusal(_("The module has no lesson."), code="no_lesson")
    if not version.objectives:
        raise Refusal(_("Write the module's learning objectives."), code="no_objectives")
    bank = list(version.items.order_by("position", "pk"))
    check = selectors.assessment_check(version, bank)
    if check.missing:
        raise Refusal(
            _(
                "An attempt draws %(n)s questions, one per statement, but the bank holds "
                "only %(families)s independent questions (%(count)s in all): write questions "
                "on other points of the procedure, or lower the number of questions per attempt."
            )
            % {"n": check.needed, "families": check.families, "count": len(bank)},
            code="too_few_items",
        )


@transaction.atomic
def submit_version(*, version: ModuleVersion, by: Membership) -> ModuleVersion:
    """Freeze the draft: its snapshot and content hash are what the client will validate."""
    version = locked_draft(version, by)
    _check_complete(version)
    record_source_anchors(version)  # what the content uses now, not what it used at creation
    snapshot = build_snapshot(version)
    version.snapshot = snapshot
    version.content_sha256 = snapshot_sha256(snapshot)
    version.status = Status.SUBMITTED
    version.submitted_at = timezone.now()
    version.submitted_by = by
    version.save()
    engagement = version.module.engagement
    record_event(
        organization=engagement.client,
        action="module.version_submitted",
        actor=by,
        target=engagement,
        after={
            "module": version.module_id,
            "version": version.pk,
            "label": version.label,
            "content_sha256": version.content_sha256,
        },
    )
    with override("fr"):
        notify(
            client_owners(engagement),
            subject=_("To review: module %(module)s, version %(label)s")
            % {"module": version.module.title, "label": version.label},
            body=_("A module version awaits your review: %(url)s\n")
            % {"url": engagement_url(engagement)},
        )
    return version


def _reviewable(
    version: ModuleVersion, by: Membership, require_phase: Callable[[Engagement], None]
) -> ModuleVersion:
    """Re-read under lock; only the newest submitted version of a module in scope is decided."""
    engagement = lock(version.module.engagement)
    require_reviewer(engagement, by)
    require_phase(engagement)
    version = ModuleVersion.objects.select_related("module__engagement").get(pk=version.pk)
    if not version.module.in_scope or selectors.latest_submitted(version.module) != version:
        raise Refusal(
            _("This version is not the one in scope for validation: a newer one replaces it."),
            code="not_in_scope",
        )
    if version.status != Status.SUBMITTED:
        raise Refusal(
            _("This version is not awaiting a decision (it is %(status)s).")
            % {"status": version.get_status_display()},
            code="not_submitted",
        )
    if not is_intact(version):
        raise Refusal(
            _("This version changed after it was submitted: it cannot be validated."),
            code="altered",
        )
    return version


def _decide(version: ModuleVersion, by: Membership, status: str, action: str) -> ModuleVersion:
    version.status = status
    version.decided_at = timezone.now()
    version.decided_by = by
    version.save(update_fields=["status", "decided_at", "decided_by"])
    record_event(
        organization=version.module.organization,
        action=action,
        actor=by,
        target=version.module.engagement,
        after={
            "module": version.module_id,
            "version": version.pk,
            "label": version.label,
            "content_sha256": version.content_sha256,
        },
    )
    return version


@transaction.atomic
def approve_version(*, version: ModuleVersion, by: Membership) -> ModuleVersion:
    version = _reviewable(version, by, require_review_phase)
    return _decide(version, by, Status.APPROVED, "module.version_approved")


@transaction.atomic
def request_changes(*, version: ModuleVersion, by: Membership, reason: str) -> ModuleVersion:
    if not (reason or "").strip():
        raise Refusal(_("Say what must change."), code="reason")
    version = _reviewable(version, by, require_design_phase)
    ReviewComment.objects.create(version=version, author=by, body=reason.strip()[:5000])
    version = _decide(version, by, Status.CHANGES_REQUESTED, "module.changes_requested")
    engagement = version.module.engagement
    with override("fr"):
        notify(
            [engagement.project_manager],
            subject=_("Changes requested on module %(module)s, version %(label)s")
            % {"module": version.module.title, "label": version.label},
            body=_("The client asks for changes:\n\n%(reason)s\n\n%(url)s\n")
            % {"reason": reason.strip(), "url": engagement_url(engagement)},
        )
    return version


@transaction.atomic
def add_comment(
    *, version: ModuleVersion, by: Membership, body: str, lesson_key: str = "", item_key: str = ""
) -> ReviewComment:
    engagement = lock(version.module.engagement)
    require_reviewer(engagement, by)
    require_design_phase(engagement)
    version = ModuleVersion.objects.get(pk=version.pk)
    if version.status != Status.SUBMITTED or version.snapshot is None:
        # Once decided (approved, active, changes requested…) the review is over.
        raise Refusal(
            _("Only a version awaiting your review can be commented (this one is %(status)s).")
            % {"status": version.get_status_display()},
            code="not_submitted",
        )
    if not (body or "").strip():
        raise Refusal(_("The comment is empty."), code="body")
    lessons = {lesson["key"] for lesson in version.snapshot["lessons"]}
    items = {item["key"] for item in version.snapshot["items"]}
    if (lesson_key and lesson_key not in lessons) or (item_key and item_key not in items):
        raise Refusal(_("This lesson or question is not part of the version."), code="not_found")
    comment = ReviewComment.objects.create(
        version=version,
        author=by,
        body=body.strip()[:5000],
        lesson_key=lesson_key,
        item_key=item_key,
    )
    record_event(
        organization=engagement.client,
        action="module.comment_added",
        actor=by,
        target=version,
        after={"version": version.pk, "lesson": lesson_key, "item": item_key},
    )
    return comment
