"""The purge keeps to the retention rules, reports first, and never touches a held org."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from saveit.accounts.roles import Role
from saveit.audit.chain import record_event, verify_chain
from saveit.audit.models import AuditEvent
from saveit.core.request_context import Origin, reset_origin, set_origin
from saveit.core.scheduler import run_due_jobs
from saveit.learning.models import LinkRequest
from saveit.testing.factories import make_member, make_organization

from ..models import LegalHold
from ..retention import purge


def _event(org) -> AuditEvent:
    token = set_origin(Origin(ip="198.51.100.4", user_agent="Old browser"))
    try:
        from django.db import transaction

        with transaction.atomic():
            event = record_event(organization=org, action="test.old")
    finally:
        reset_origin(token)
    return event


LATER = timedelta(days=400)  # the purge runs as if 400 days had passed (dates are hashed)


@pytest.fixture
def two_orgs(provider):
    held, free = make_organization("Tenue"), make_organization("Libre")
    admin = make_member(provider, Role.ADMIN)
    LegalHold.objects.create(
        organization=held, reason="Contentieux", placed_at=timezone.now(), placed_by=admin
    )
    return held, free


def _rows(reports, key):
    return next(r.rows for r in reports if r.key == key)


def test_a_dry_run_reports_and_changes_nothing(two_orgs):
    _held, free = two_orgs
    _event(free)
    LinkRequest.objects.create(ip="192.0.2.1", requested_at=timezone.now() - timedelta(days=3))
    assert _rows(purge(dry_run=True, now=timezone.now() + timedelta(days=10)), "audit_origin") == 0
    reports = purge(dry_run=True, now=timezone.now() + LATER)
    assert _rows(reports, "audit_origin") == 1 and _rows(reports, "link_requests") == 1
    assert AuditEvent.objects.filter(ip__isnull=False).count() == 1
    assert LinkRequest.objects.count() == 1


def test_the_purge_never_touches_a_held_organisation(two_orgs):
    held, free = two_orgs
    kept = _event(held)
    cleared = _event(free)
    reports = purge(dry_run=False, now=timezone.now() + LATER)
    assert _rows(reports, "audit_origin") == 1
    assert AuditEvent.objects.get(pk=kept.pk).ip == "198.51.100.4"
    assert AuditEvent.objects.get(pk=cleared.pk).ip is None
    assert verify_chain(free).ok and verify_chain(held).ok
    # One audit event per batch, in the organisation's chain.
    assert AuditEvent.objects.filter(organization=free, action="privacy.retention_purged").count()
    assert not AuditEvent.objects.filter(organization=held, action="privacy.retention_purged")
    # Idempotent: nothing is left to do.
    again = purge(dry_run=False, now=timezone.now() + LATER)
    assert _rows(again, "audit_origin") == 0


def test_the_scheduled_purge_runs_once_per_day(two_orgs):
    LinkRequest.objects.create(ip="192.0.2.1", requested_at=timezone.now() - timedelta(days=3))
    outcomes = run_due_jobs(only={"privacy.retention_purge"})
    assert outcomes and LinkRequest.objects.count() == 0
    assert [o.status for o in run_due_jobs(only={"privacy.retention_purge"})] == ["skipped"]
