"""How the API knows who calls: a personal token or the browser session."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from saveit.core.api_support import TokenExpired
from saveit.core.tokens import digest

from .models import ApiToken, Membership


class TokenAuth(HttpBearer):
    """Authorization: Bearer sit_… — a personal token bound to one membership, until it expires."""

    def authenticate(self, request: HttpRequest, token: str) -> Membership | None:
        record = (
            ApiToken.objects.select_related("membership__organization", "membership__user")
            .filter(token_hash=digest(token), revoked_at__isnull=True)
            .first()
        )
        if record is None or not record.membership.is_current():
            return None
        if record.is_expired():
            raise TokenExpired(record.expires_at)
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
        request.user = record.membership.user
        request.member = record.membership  # type: ignore[attr-defined]
        request.api_token = record  # type: ignore[attr-defined]
        return record.membership


class MemberSessionAuth(SessionAuth):
    """The browser session, acting as the membership chosen with the switcher (CSRF checked)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Membership | None:
        if not request.user.is_authenticated:
            return None
        return getattr(request, "member", None)
