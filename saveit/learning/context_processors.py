"""The name in the page header of a learner is the one of their learner record.

A learner's account may spell their name otherwise (it may predate the record, or serve another
organisation); their attestations name them as the record does, so the header does too.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from saveit.accounts.roles import Role

from .models import Learner


def learner_name(request: HttpRequest) -> dict[str, object]:
    member = getattr(request, "member", None)
    if member is None or member.role != Role.LEARNER:
        return {}

    def record_name() -> str:
        names = (
            Learner.objects.filter(organization_id=member.organization_id, user_id=member.user_id)
            .values_list("first_name", "last_name")
            .first()
        )
        return f"{names[0]} {names[1]}".strip() if names else ""

    return {"header_name": SimpleLazyObject(record_name)}
