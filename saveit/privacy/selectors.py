"""Reads of the privacy app, scoped to the asking organisation."""

from __future__ import annotations

from .models import ProcessingRestriction


def restricted_emails_of(organization_id: int) -> set[str]:
    """Addresses whose reminders, surveys and exports are held back (restriction, objection)."""
    return {
        email.lower()
        for email in ProcessingRestriction.objects.filter(
            organization_id=organization_id
        ).values_list("email", flat=True)
    }


def memberships_restricted(*, ids: list[int], **_: object) -> set[int]:
    """Of these memberships, those whose person restricted or objected to processing in their
    organisation: reminders skip them (learning.hooks.contact_refused)."""
    from saveit.accounts.models import Membership
    from saveit.core.privacy import restricted_emails

    refused: set[int] = set()
    rows = Membership.objects.filter(pk__in=ids).values_list("pk", "organization_id", "user__email")
    by_org: dict[int, set[str]] = {}
    for pk, organization_id, email in rows:
        if organization_id not in by_org:
            by_org[organization_id] = restricted_emails(organization_id)
        if (email or "").strip().lower() in by_org[organization_id]:
            refused.add(pk)
    return refused
