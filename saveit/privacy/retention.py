"""Retention periods per type of data, enforced by a purge that can first run dry.

Each rule says what it removes, after how long, and how the rows reach their organisation; an
organisation under a legal hold (or with an engagement under one) is never touched. A real run
works in batches, each recorded by an audit event (in the organisation's chain; installation-wide
data in the provider's chain).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Organization
from saveit.accounts.selectors import provider_organization
from saveit.audit.chain import record_event

from .models import LegalHold

BATCH = 1000


@dataclass(frozen=True)
class Rule:
    key: str
    label: Any  # lazy translation
    model: str
    kept_for: timedelta
    date_field: str
    organization: str | None  # lookup to the organisation; None: installation-wide data
    clear: dict[str, Any] = field(default_factory=dict)  # fields emptied; empty: rows deleted
    pending: Callable[[], Q] = field(default=lambda: Q())  # rows the rule still has to treat
    file_field: str = ""  # the stored file is deleted and the field emptied

    def queryset(self, now: datetime) -> QuerySet[Model]:
        model = apps.get_model(self.model)
        cutoff = now - self.kept_for
        return model._default_manager.filter(**{f"{self.date_field}__lt": cutoff}).filter(
            self.pending()
        )


DAY = timedelta(days=1)
RULES: tuple[Rule, ...] = (
    Rule("sign_in_links", _("Sign-in links, 7 days after they expire"), "learning.SignInLink",
         7 * DAY, "expires_at", "learner__organization"),
    Rule("link_requests", _("Sign-in link requests (throttling), after one day"),
         "learning.LinkRequest", DAY, "requested_at", None),
    Rule("password_resets", _("Password reset requests (throttling), after one day"),
         "accounts.PasswordResetRequest", DAY, "requested_at", None),
    Rule("sign_in_attempts", _("Sign-in attempts (throttling), after 30 days"),
         "axes.AccessAttempt", 30 * DAY, "attempt_time", None),
    Rule("sign_in_log", _("Sign-in log, after 30 days"), "axes.AccessLog", 30 * DAY,
         "attempt_time", None),
    Rule("sessions", _("Expired sessions"), "sessions.Session", timedelta(0), "expire_date", None),
    Rule("security_events", _("Refused requests (security events), after one year"),
         "accounts.SecurityEvent", 365 * DAY, "occurred_at", "member__organization"),
    Rule("audit_origin", _("IP address and browser of audit events, after one year"),
         "audit.AuditEvent", 365 * DAY, "created_at", "organization",
         clear={"ip": None, "user_agent": "", "context_salt": ""},
         pending=lambda: Q(ip__isnull=False) | ~Q(user_agent="")),
    Rule("activity_ip", _("IP address of activity traces, after one year"), "learning.Activity",
         365 * DAY, "at", "organization", clear={"ip": None},
         pending=lambda: Q(ip__isnull=False)),
    Rule("activity", _("Activity traces, after six years"), "learning.Activity",
         6 * 365 * DAY, "at", "organization"),
    Rule("import_files", _("Uploaded learner files, 30 days after their import"),
         "learning.PopulationImport", 30 * DAY, "created_at", "organization",
         file_field="file", pending=lambda: ~Q(file="")),
    Rule("import_rows", _("Checked lines of uploaded learner files, 30 days after their import"),
         "learning.PopulationImport", 30 * DAY, "created_at", "organization",
         file_field="rows_file", pending=lambda: ~Q(rows_file="")),
)  # fmt: skip


def held_organization_ids() -> set[int]:
    """Organisations under a legal hold, for themselves or for one of their engagements."""
    return set(
        LegalHold.objects.filter(lifted_at__isnull=True).values_list("organization_id", flat=True)
    )


@dataclass
class RuleReport:
    key: str
    label: str
    rows: int
    batches: int = 0


def purge(*, dry_run: bool, now: datetime | None = None) -> list[RuleReport]:
    """What the retention rules remove now (dry run: counted only). Idempotent: a second run
    finds nothing left to do."""
    now = now or timezone.now()
    held = held_organization_ids()
    reports = []
    for rule in RULES:
        queryset = rule.queryset(now)
        if rule.organization:
            queryset = queryset.exclude(**{f"{rule.organization}__in": held})
        report = RuleReport(rule.key, str(rule.label), queryset.count())
        if not dry_run and report.rows:
            report.batches = _apply(rule, queryset)
        reports.append(report)
    return reports


def _apply(rule: Rule, queryset: QuerySet[Model]) -> int:
    batches = 0
    org_field = f"{rule.organization}_id" if rule.organization else None
    while True:
        with transaction.atomic():
            values = ["pk", org_field] if org_field else ["pk"]
            rows = list(queryset.values_list(*values)[:BATCH])
            if not rows:
                return batches
            by_org: dict[int | None, list[Any]] = {}
            for row in rows:
                by_org.setdefault(row[1] if org_field else None, []).append(row[0])
            for org_id, pks in by_org.items():
                _apply_batch(rule, pks)
                _record(rule, org_id, len(pks))
            batches += 1


def _apply_batch(rule: Rule, pks: list[Any]) -> None:
    model = apps.get_model(rule.model)
    rows = model._default_manager.filter(pk__in=pks)
    if rule.file_field:
        names = list(rows.values_list(rule.file_field, flat=True))
        rows.update(**{rule.file_field: ""})
        transaction.on_commit(lambda: _delete_files(names))
    elif rule.clear:
        rows.update(**rule.clear)
    else:
        rows._raw_delete(rows.db)


def _delete_files(names: list[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


def _record(rule: Rule, organization_id: int | None, count: int) -> None:
    organization = (
        Organization.objects.filter(pk=organization_id).first()
        if organization_id
        else provider_organization()
    )
    if organization is None:
        return  # an installation without a provider yet: nothing to record the batch in
    record_event(
        organization=organization,
        action="privacy.retention_purged",
        target=None,
        after={"rule": rule.key, "rows": count},
    )
