"""Guards shared by the deployment services."""

from __future__ import annotations

from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.core.errors import Forbidden, Refusal
from saveit.engagements.models import Engagement, Phase
from saveit.engagements.services.common import lock, require_open

from ..permissions import can_deploy

DEPLOY_PHASES = (Phase.DEPLOYMENT, Phase.TRACKING)


def locked_for_deployment(engagement: Engagement, by: Membership) -> Engagement:
    """The engagement under its lock, once checked: open, in phase 5 or 6, and ours to deploy."""
    engagement = lock(engagement)
    if not by.is_current() or not can_deploy(by, engagement):
        raise Forbidden(
            _("Only the client's content owner or the provider's project manager can do this.")
        )
    require_open(engagement)
    if engagement.phase not in DEPLOY_PHASES:
        raise Refusal(
            _(
                "Learners are designated and assigned in phases 5 and 6; the engagement is in "
                "phase %(phase)s."
            )
            % {"phase": engagement.phase},
            code="wrong_phase",
        )
    return engagement


def locked_for_recertification(engagement: Engagement) -> Engagement:
    """The engagement under its lock for a campaign, which the activation of a version launches
    (phase 4 onwards): the signed record is the authority, so only an open engagement is asked.
    The lock queues the campaign behind the assignments and imports running meanwhile."""
    engagement = lock(engagement)
    require_open(engagement)
    return engagement
