"""Re-authentication (signing, password change) is throttled per user: five wrong answers in
fifteen minutes lock it for fifteen minutes, even for the right answer; each failure is logged."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from saveit.accounts import reauth
from saveit.audit.models import AuditEvent
from saveit.core.errors import Refusal

pytestmark = pytest.mark.django_db


def _fail(member, times: int = 1) -> None:  # type: ignore[no-untyped-def]
    for _ in range(times):
        reauth.record_failure(member=member, purpose="signing")


def test_four_failures_leave_the_user_free_to_try_again(owner):
    _fail(owner, 4)
    reauth.ensure_not_locked(owner.user)  # no refusal


def test_the_fifth_failure_locks_and_records_one_audit_event(owner):
    _fail(owner, 5)
    with pytest.raises(Refusal) as refused:
        reauth.ensure_not_locked(owner.user)
    assert refused.value.code == "reauth_locked"
    assert "15 minutes" in refused.value.message
    event = AuditEvent.objects.get(action="user.reauth_locked")
    assert event.organization_id == owner.organization_id
    assert event.after == {"purpose": "signing", "failures": 5, "minutes": 15}


def test_each_failure_is_written_to_the_security_log(owner, caplog):
    with caplog.at_level(logging.WARNING, logger="saveit.security"):
        _fail(owner, 2)
    lines = [r.getMessage() for r in caplog.records if r.name == "saveit.security"]
    assert len(lines) == 2
    assert f"user={owner.user.pk}" in lines[0] and "purpose=signing" in lines[0]


def test_the_lock_lifts_after_fifteen_minutes(owner, monkeypatch):
    _fail(owner, 5)
    later = timezone.now() + timedelta(minutes=15, seconds=1)
    monkeypatch.setattr(reauth.timezone, "now", lambda: later)
    reauth.ensure_not_locked(owner.user)


def test_failures_older_than_the_window_do_not_count(owner, monkeypatch):
    _fail(owner, 4)
    later = timezone.now() + timedelta(minutes=16)
    monkeypatch.setattr(reauth.timezone, "now", lambda: later)
    _fail(owner, 1)
    reauth.ensure_not_locked(owner.user)


def test_a_success_clears_the_count(owner):
    _fail(owner, 4)
    reauth.record_success(owner.user)
    _fail(owner, 4)
    reauth.ensure_not_locked(owner.user)


def test_one_user_s_lock_does_not_touch_another(owner, manager):
    _fail(owner, 5)
    reauth.ensure_not_locked(manager.user)
