"""Guards shared by the module services."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Manager, Max, QuerySet
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.core.errors import Forbidden, Refusal
from saveit.engagements.models import Engagement, Phase
from saveit.engagements.services.common import lock, require_open

from ..models import Module, ModuleVersion
from ..permissions import can_design, can_review

DESIGN_PHASES = (Phase.PRODUCTION, Phase.VALIDATION)
T = TypeVar("T")


def require_designer(engagement: Engagement, by: Membership) -> None:
    if not by.is_current() or not can_design(by):
        raise Forbidden(
            _("Only the provider's designers, project managers and administrators can do this.")
        )


def require_reviewer(engagement: Engagement, by: Membership) -> None:
    if not can_review(by, engagement):
        raise Forbidden(
            _("Only the client's content owner can validate the modules of this engagement.")
        )


def require_design_phase(engagement: Engagement) -> None:
    require_open(engagement)
    if engagement.phase not in DESIGN_PHASES:
        raise Refusal(
            _(
                "Modules are built in phases 3 and 4; the engagement is in phase %(phase)s. "
                "Reopen phase 3 to change a module."
            )
            % {"phase": engagement.phase},
            code="wrong_phase",
        )


def approval_open(engagement: Engagement) -> bool:
    """Approvals (which build the validation record) wait for phase 4; asking for changes on a
    submitted version is open in phases 3 and 4, like comments, so the client's early review
    (they are told "to review" as soon as a version is submitted) is not refused."""
    return engagement.phase == Phase.VALIDATION


def require_review_phase(engagement: Engagement) -> None:
    require_open(engagement)
    if not approval_open(engagement):
        raise Refusal(
            _("The client reviews modules in phase 4 (validation and activation)."),
            code="wrong_phase",
        )


def locked_draft(version: ModuleVersion, by: Membership) -> ModuleVersion:
    """The draft re-read under the engagement lock; a frozen version refuses any edit."""
    engagement = lock(version.module.engagement)
    require_designer(engagement, by)
    require_design_phase(engagement)
    version = ModuleVersion.objects.select_related("module__engagement").get(pk=version.pk)
    if version.status != ModuleVersion.Status.DRAFT:
        raise Refusal(
            _(
                "Version %(label)s was submitted to the client and can no longer change: "
                "create a new version."
            )
            % {"label": version.label},
            code="frozen",
        )
    return version


def module_of(version: ModuleVersion) -> Module:
    return version.module


DIRECTIONS = {"up": -1, "down": 1}


def renumbered(rows: list[T]) -> list[T]:
    """The rows with positions 0, 1, 2… in the given order (to save with bulk_update)."""
    for position, row in enumerate(rows):
        row.position = position  # type: ignore[attr-defined]
    return rows


def moved(rows: list[T], row: T, direction: str) -> list[T]:
    """The rows with `row` swapped with its neighbour above ("up") or below ("down")."""
    if direction not in DIRECTIONS:
        raise Refusal(_("Move up or down."), code="direction")
    index = rows.index(row)
    target = index + DIRECTIONS[direction]
    if not 0 <= target < len(rows):
        raise Refusal(
            _("It is already first.") if direction == "up" else _("It is already last."),
            code="cannot_move",
        )
    order = list(rows)
    order[index], order[target] = order[target], order[index]
    return renumbered(order)


def next_position(rows: QuerySet[Any] | Manager[Any]) -> int:
    """After the last one, whatever gaps older edits left."""
    last = rows.aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1
