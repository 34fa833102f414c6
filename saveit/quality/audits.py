"""Audit follow-up: the certification cycle, non-conformities and their deadlines (SPEC §11).

- cycle: initial audit, a surveillance audit between months 14 and 22 after it, renewal at 3 years;
- a non-conformity is major when its indicator can only give a major one (data), else as found;
- a minor one needs its action plan carried out within 6 months, or it turns major at the next
  audit; a major one must be corrected within 3 months;
- five or more minor ones outstanding at a decision count as a major one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership, Organization
from saveit.audit.chain import record_event
from saveit.core.dates import add_months
from saveit.core.errors import Refusal

from .models import Audit, Framework, Indicator, NonConformity

MINOR_MONTHS = 6
MAJOR_MONTHS = 3
MINORS_MAKING_A_MAJOR = 5
SURVEILLANCE_FROM, SURVEILLANCE_TO, RENEWAL_MONTHS = 14, 22, 36
WARN_DAYS = (30, 7, 0)


def deadline_for(grade: str, from_day: date) -> date:
    months = MAJOR_MONTHS if grade == NonConformity.Grade.MAJOR else MINOR_MONTHS
    return add_months(from_day, months)


@transaction.atomic
def record_audit(
    *,
    provider: Organization,
    framework: Framework,
    kind: str,
    body: str,
    held_on: date,
    decision_on: date | None,
    by: Membership,
    notes: str = "",
) -> Audit:
    if kind not in Audit.Kind.values:
        raise Refusal(_("Unknown kind of audit."))
    audit = Audit.objects.create(
        organization=provider,
        framework=framework,
        kind=kind,
        body=body.strip(),
        held_on=held_on,
        decision_on=decision_on,
        notes=notes.strip(),
    )
    record_event(
        organization=provider,
        action="quality.audit_recorded",
        actor=by,
        target=audit,
        after={"kind": kind, "held_on": held_on},
    )
    escalate_minors(provider=provider, framework=framework, at=held_on, by=by)
    return audit


def escalate_minors(
    *, provider: Organization, framework: Framework, at: date, by: Membership | None = None
) -> list[NonConformity]:
    """At an audit, each minor non-conformity whose plan was not carried out in time turns major
    (with the 3 months a major one gets, from that audit)."""
    overdue = NonConformity.objects.select_for_update().filter(
        organization=provider,
        audit__framework=framework,
        grade=NonConformity.Grade.MINOR,
        resolved_on__isnull=True,
        deadline__lt=at,
    )
    turned = []
    for nc in overdue:
        nc.grade, nc.escalated_at = NonConformity.Grade.MAJOR, at
        nc.deadline = deadline_for(NonConformity.Grade.MAJOR, at)
        nc.save(update_fields=["grade", "escalated_at", "deadline"])
        record_event(
            organization=provider,
            action="quality.nonconformity_escalated",
            actor=by,
            target=nc,
            after={"indicator": nc.indicator.reference, "deadline": nc.deadline},
        )
        turned.append(nc)
    return turned


@transaction.atomic
def record_nonconformity(
    *, audit: Audit, indicator: Indicator, grade: str, description: str, by: Membership
) -> NonConformity:
    if indicator.framework_id != audit.framework_id:
        raise Refusal(_("This indicator belongs to another framework."))
    if grade not in NonConformity.Grade.values:
        raise Refusal(_("The grade is minor or major."))
    if not description.strip():
        raise Refusal(_("Describe the finding."))
    # The reading guide decides: some indicators can only give a major non-conformity.
    if indicator.major_only:
        grade = NonConformity.Grade.MAJOR
    nc = NonConformity.objects.create(
        audit=audit,
        organization=audit.organization,
        indicator=indicator,
        grade=grade,
        description=description.strip(),
        deadline=deadline_for(grade, audit.held_on),
    )
    record_event(
        organization=audit.organization,
        action="quality.nonconformity_recorded",
        actor=by,
        target=nc,
        after={"indicator": indicator.reference, "grade": grade},
    )
    return nc


@transaction.atomic
def resolve_nonconformity(
    *, nc: NonConformity, plan: str, resolved_on: date, by: Membership
) -> NonConformity:
    nc = NonConformity.objects.select_for_update().get(pk=nc.pk)
    if nc.resolved_on is not None:
        raise Refusal(_("This non-conformity is already resolved."), code="replayed")
    if not plan.strip():
        raise Refusal(_("Describe the action plan carried out."))
    nc.plan, nc.resolved_on = plan.strip(), resolved_on
    nc.save(update_fields=["plan", "resolved_on"])
    record_event(
        organization=nc.organization,
        action="quality.nonconformity_resolved",
        actor=by,
        target=nc,
        after={"late": resolved_on > nc.deadline},
    )
    return nc


def outstanding_minors(audit: Audit, at: date | None = None) -> list[NonConformity]:
    at = at or audit.decision_on or audit.held_on
    return [
        nc
        for nc in NonConformity.objects.filter(
            organization=audit.organization,
            audit__framework=audit.framework,
            grade=NonConformity.Grade.MINOR,
            audit__held_on__lte=at,
        ).select_related("indicator")
        if nc.resolved_on is None or nc.resolved_on > at
    ]


def minors_count_as_major(audit: Audit) -> bool:
    """At a decision, five or more minor non-conformities outstanding count as a major one."""
    return len(outstanding_minors(audit)) >= MINORS_MAKING_A_MAJOR


@dataclass(frozen=True)
class Deadline:
    label: str
    due_on: date
    kind: str  # "audit" or "nonconformity"
    url: str = ""
    starts_on: date | None = None  # a window's opening (surveillance)


def cycle_deadlines(provider: Organization, framework: Framework) -> list[Deadline]:
    """The next audits of the cycle, from the latest initial or renewal audit."""
    start = (
        Audit.objects.filter(
            organization=provider,
            framework=framework,
            kind__in=(Audit.Kind.INITIAL, Audit.Kind.RENEWAL),
        )
        .order_by("-held_on")
        .first()
    )
    if start is None:
        return []
    base = start.decision_on or start.held_on
    out = []
    surveillance_done = Audit.objects.filter(
        organization=provider,
        framework=framework,
        kind=Audit.Kind.SURVEILLANCE,
        held_on__gt=start.held_on,
    ).exists()
    if not surveillance_done:
        out.append(
            Deadline(
                _("Surveillance audit (between months 14 and 22)"),
                add_months(base, SURVEILLANCE_TO),
                "audit",
                starts_on=add_months(base, SURVEILLANCE_FROM),
            )
        )
    out.append(Deadline(_("Renewal audit (3 years)"), add_months(base, RENEWAL_MONTHS), "audit"))
    return out


def open_nonconformities(provider: Organization) -> list[NonConformity]:
    return list(
        NonConformity.objects.filter(organization=provider, resolved_on__isnull=True)
        .select_related("indicator", "audit")
        .order_by("deadline")
    )


def warnings_due(provider: Organization, today: date) -> list[Deadline]:
    """Deadlines falling exactly 30 or 7 days from today, or today: the daily job warns once."""
    from django.urls import reverse

    found: list[Deadline] = []
    for nc in open_nonconformities(provider):
        if (nc.deadline - today).days in WARN_DAYS:
            found.append(
                Deadline(
                    _("Non-conformity %(ref)s (%(grade)s)")
                    % {"ref": nc.indicator.reference, "grade": nc.get_grade_display()},
                    nc.deadline,
                    "nonconformity",
                    reverse("quality:audit", args=[nc.audit_id]),
                )
            )
    for framework in Framework.objects.all():
        for deadline in cycle_deadlines(provider, framework):
            for day in filter(None, (deadline.starts_on, deadline.due_on)):
                if (day - today).days in WARN_DAYS:
                    found.append(deadline)
    return found
