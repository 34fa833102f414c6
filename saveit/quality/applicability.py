"""Which indicators apply to the provider, and why not (rules are data on each indicator)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .frameworks_data import (
    ALTERNANCE,
    APPRENTICESHIP,
    CERTIFICATIONS,
    SKILLS_ASSESSMENT,
    SUBCONTRACTING,
    TRAINING,
    VAE,
    WORK_BASED,
)

CATEGORY_LABELS: dict[str, Promise] = {
    TRAINING: _("training actions"),
    SKILLS_ASSESSMENT: _("skills assessments"),
    VAE: _("validation of prior experience (VAE)"),
    APPRENTICESHIP: _("apprenticeship"),
}
ACTIVITY_LABELS: dict[str, Promise] = {
    CERTIFICATIONS: _("prepares RNCP or RS certifications"),
    ALTERNANCE: _("runs work-study (alternance) programmes"),
    WORK_BASED: _("includes work-based training periods"),
    SUBCONTRACTING: _("uses subcontracting or wage portage"),
}


@dataclass(frozen=True)
class Applicability:
    applies: bool
    reason: str = ""


def _labels(codes: Iterable[str], labels: dict[str, Promise]) -> str:
    return ", ".join(str(labels.get(code, code)) for code in codes)


def applicability(
    rule: dict[str, list[str]], categories: Iterable[str], activities: Iterable[str]
) -> Applicability:
    """Applies when the profile holds one of the rule's categories and all its activities."""
    held_categories, held_activities = set(categories), set(activities)
    wanted_categories = rule.get("categories") or []
    wanted_activities = rule.get("activities") or []
    if wanted_categories and not held_categories & set(wanted_categories):
        return Applicability(
            False,
            str(
                format_lazy(
                    _("Only for providers certified for: {}."),
                    _labels(wanted_categories, CATEGORY_LABELS),
                )
            ),
        )
    missing = [a for a in wanted_activities if a not in held_activities]
    if missing:
        return Applicability(
            False,
            str(format_lazy(_("Only for a provider that {}."), _labels(missing, ACTIVITY_LABELS))),
        )
    return Applicability(True)
