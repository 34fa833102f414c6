from __future__ import annotations

from django.db.models import QuerySet

from saveit.engagements.models import Engagement

from .models import Attestation


def attestations_of_engagement(engagement: Engagement) -> QuerySet[Attestation]:
    return Attestation.objects.filter(assignment__engagement=engagement).select_related(
        "learner", "module_version__module"
    )


def by_code(code: str) -> Attestation | None:
    return Attestation.objects.select_related("module_version__module").filter(code=code).first()


def masked_name(full_name: str) -> str:
    """« Camille Lefèvre » → « Camille L. »: enough to match a person, not to find them."""
    parts = full_name.split()
    if len(parts) < 2:
        return (parts[0][:1] + "…") if parts else ""
    return " ".join([parts[0], *(p[:1] + "." for p in parts[1:])])
