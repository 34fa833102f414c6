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
