from __future__ import annotations

import re

from django.db.models import QuerySet

from saveit.engagements.models import Engagement

from .models import Attestation, StatusList


def attestations_of_engagement(engagement: Engagement) -> QuerySet[Attestation]:
    return Attestation.objects.filter(assignment__engagement=engagement).select_related(
        "learner", "module_version__module"
    )


# The verification codes issued: secrets.token_urlsafe(12), 16 characters of base64url.
CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def first_attestation_of_achievement(token: str) -> Attestation | None:
    """An attestation of the module version whose public achievement token is `token`."""
    return (
        Attestation.objects.filter(module_version__public_achievement__token=token)
        .order_by("pk")
        .first()
    )


def published_status_list(list_id: int) -> str | None:
    """The signed revocation list, as last rebuilt (None: no such list, or never published)."""
    signed = StatusList.objects.filter(pk=list_id).values_list("signed", flat=True).first()
    return signed or None


def by_code(code: str) -> Attestation | None:
    return Attestation.objects.select_related("module_version__module").filter(code=code).first()


def masked_name(full_name: str) -> str:
    """« Camille Lefèvre » → « Camille L. »: enough to match a person, not to find them."""
    parts = full_name.split()
    if len(parts) < 2:
        return (parts[0][:1] + "…") if parts else ""
    return " ".join([parts[0], *(p[:1] + "." for p in parts[1:])])
