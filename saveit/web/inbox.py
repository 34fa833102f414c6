"""The inbox: what waits for a member now, across engagements, in one registry.

Each source of work is a `Source`: who it applies to, its items (read through each app's
selectors and access helpers, never written), and a cheap count for the navigation badges.
An item says what waits (kind, title), why (the gate table's message where an engagement's
gate is concerned), since when, who must act and the one link where the action is done.

Sources with a count feed the badges, which every page shows: their counts are a few COUNT
queries, computed once per request. The engagements' own waits (the gate of each open
engagement) are evaluated on the home page only: they cost a gate evaluation per engagement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Exists, Max, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from saveit.accounts.models import Membership
from saveit.accounts.roles import Role, is_provider_staff
from saveit.catalog.models import ModuleVersion
from saveit.catalog.selectors import versions_visible_to
from saveit.engagements import selectors as engagement_selectors
from saveit.engagements.artefacts import artefact_kinds
from saveit.engagements.models import Engagement, Phase
from saveit.engagements.permissions import engagements_visible_to
from saveit.orchestration.gates import CLIENT, GATES, PROVIDER, Check, awaited_people, gate_status
from saveit.privacy.models import DataSubjectRequest
from saveit.privacy.permissions import can_use_privacy, requests_visible_to
from saveit.quality.models import Complaint
from saveit.quality.permissions import can_manage_quality
from saveit.quality.selectors import audits_ahead_of, open_actions_of, open_complaints_of
from saveit.reporting.permissions import followed_engagements, follows_learners
from saveit.reporting.selectors import Filters, overdue_by_engagement
from saveit.support.clocks import running_clock
from saveit.support.models import Status as TicketStatus
from saveit.support.permissions import is_support_client, is_support_staff, tickets_for

# Each signed artefact and the check of the gate table its signature satisfies.
SIGNATURE_CHECKS = {
    "scoping_note": "scoping_note_signed",
    "mapping_report": "mapping_report_signed",
    "proposal": "proposal_signed",
    "purchase_order": "purchase_order_received",
    "acceptance_record": "acceptance_record_signed",
    "delivery_note": "delivery_note_signed",
}


def check_named(name: str) -> Check | None:
    for checks in GATES.values():
        for check in checks:
            if check.name == name:
                return check
    return None


def gate_reason(name: str) -> str:
    check = check_named(name)
    return str(check.message) if check else ""


@dataclass(frozen=True)
class Item:
    kind: str  # sign, review, answer, fix, wait, follow
    title: str
    reason: str
    since: dt.datetime
    url: str
    action: str
    engagement: Engagement | None = None
    due: dt.date | dt.datetime | None = None
    late: bool = False


@dataclass(frozen=True)
class Source:
    code: str
    label: str | Promise
    applies: Callable[[Membership], bool]
    items: Callable[[Membership], list[Item]]
    # A cheap count (one query) for the badges; None: shown on the home page only.
    count: Callable[[Membership], int] | None = None
    nav: tuple[str, ...] = ()  # navigation entries (url names) whose badge adds this count


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _day(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return date_format(value, "j F Y")


# ---------------------------------------------------------------- documents to sign


def _signs(member: Membership) -> bool:
    return member.role == Role.CLIENT_OWNER and member.is_current()


def _signature_items(member: Membership) -> list[Item]:
    labels = {str(kind.label): kind.code for kind in artefact_kinds()}
    waiting = engagement_selectors.awaiting_signature(member, engagements_visible_to(member))
    return [
        Item(
            kind="sign",
            title=f"{entry.label} · {entry.engagement.reference}",
            reason=gate_reason(SIGNATURE_CHECKS.get(labels.get(entry.label, ""), "")),
            since=entry.document.created_at,
            # Straight to the page where the document is read and signed (as « À signer »).
            url=reverse("engagements:read_and_sign", args=[entry.engagement.pk, entry.document.pk]),
            action=_("Read and sign"),
            engagement=entry.engagement,
        )
        for entry in waiting
    ]


def _signature_count(member: Membership) -> int:
    return len(engagement_selectors.documents_to_sign(member))


# ---------------------------------------------------------------- module versions to review


def _reviews(member: Membership) -> Any:
    return versions_visible_to(member).filter(
        status=ModuleVersion.Status.SUBMITTED,
        module__in_scope=True,
        module__engagement__closed_at__isnull=True,
        module__engagement__phase=Phase.VALIDATION,  # the client reviews in phase 4 only
        module__engagement__client_id=member.organization_id,
    )


def _review_items(member: Membership) -> list[Item]:
    reason = gate_reason("modules_approved")
    return [
        _version_item(
            v,
            kind="review",
            reason=reason,
            since=v.submitted_at or v.created_at,
            url=reverse("catalog:preview", args=[v.pk]),
            action=_("Review and approve"),
        )
        for v in _reviews(member).select_related("module__engagement").order_by("submitted_at")
    ]


def _version_item(version: ModuleVersion, **fields: Any) -> Item:
    """A module version waiting for someone: its title and engagement, the rest as given."""
    title = _("Module %(code)s v%(version)s · %(title)s") % {
        "code": version.module.code,
        "version": version.label,
        "title": version.title,
    }
    return Item(title=title, engagement=version.module.engagement, **fields)


# ---------------------------------------------------------------- returned reviews (to fix)


def _fixes_apply(member: Membership) -> bool:
    return is_provider_staff(member) and member.role in (Role.DESIGNER, Role.PROJECT_MANAGER)


def _returned(member: Membership) -> Any:
    later = ModuleVersion.objects.filter(
        module=OuterRef("module"), created_at__gt=OuterRef("created_at")
    )
    returned = versions_visible_to(member).filter(
        status=ModuleVersion.Status.CHANGES_REQUESTED,
        module__engagement__closed_at__isnull=True,
    )
    if member.role == Role.PROJECT_MANAGER:
        returned = returned.filter(module__engagement__project_manager=member)
    return returned.exclude(Exists(later))


def _fix_items(member: Membership) -> list[Item]:
    return [
        _version_item(
            v,
            kind="fix",
            reason=_("The client asked for changes: read the comments and prepare a new version."),
            since=v.decided_at or v.created_at,
            url=reverse("catalog:version", args=[v.pk]),
            action=_("Read the comments"),
        )
        for v in _returned(member).select_related("module__engagement").order_by("decided_at")
    ]


# ---------------------------------------------------------------- support tickets


def _staff_tickets(member: Membership) -> Any:
    tickets = tickets_for(member).filter(
        status__in=(TicketStatus.NEW, TicketStatus.ACKNOWLEDGED, TicketStatus.IN_PROGRESS)
    )
    if member.role == Role.SUPPORT_AGENT:  # the agent's own tickets and those nobody took
        return tickets.filter(assignee__isnull=True) | tickets.filter(assignee=member)
    return tickets.filter(assignee=member)


def _client_tickets(member: Membership) -> Any:
    return tickets_for(member).filter(status=TicketStatus.WAITING)


def _tickets(member: Membership) -> Any:
    return _staff_tickets(member) if is_support_staff(member) else _client_tickets(member)


def _ticket_items(member: Membership) -> list[Item]:
    now = timezone.now()
    staff = is_support_staff(member)
    items = []
    tickets = _tickets(member).select_related("contract__client").prefetch_related("pauses")
    for t in tickets:
        clock = running_clock(t, now, [(p.started_at, p.ended_at) for p in t.pauses.all()])
        if staff:
            if clock is None or clock.due_at is None:
                reason = _("Open ticket, no clock running.")
            elif clock.breached:
                reason = _("%(clock)s deadline passed on %(due)s.") % {
                    "clock": _clock_name(clock.name),
                    "due": date_format(timezone.localtime(clock.due_at), "j F Y H:i"),
                }
            else:
                reason = _("%(clock)s due by %(due)s.") % {
                    "clock": _clock_name(clock.name),
                    "due": date_format(timezone.localtime(clock.due_at), "j F Y H:i"),
                }
            title = f"{t.number} · {t.title} ({t.contract.client.name})"
        else:
            reason = _("The support team waits for your answer; its clock is paused meanwhile.")
            title = f"{t.number} · {t.title}"
        items.append(
            Item(
                kind="answer",
                title=title,
                reason=reason,
                since=t.opened_at,
                url=reverse("support:ticket", args=[t.pk]),
                action=_("Answer"),
                due=clock.due_at if staff and clock else None,
                late=bool(staff and clock and clock.breached),
            )
        )
    if staff:  # by SLA deadline: the least time left first, paused or unclocked last
        far = now + dt.timedelta(days=3660)
        items.sort(key=lambda i: i.due if isinstance(i.due, dt.datetime) else far)
    return items


def _clock_name(name: str) -> str:
    return _("Acknowledgement") if name == "acknowledgement" else _("Restoration")


# ---------------------------------------------------------------- privacy requests


def _privacy(member: Membership) -> Any:
    return requests_visible_to(member).filter(status=DataSubjectRequest.Status.RECEIVED)


def _privacy_items(member: Membership) -> list[Item]:
    today = timezone.localdate()
    return [
        Item(
            kind="answer",
            title=f"{capfirst(r.get_kind_display())} · {r.person_name or r.email}"
            + (f" ({r.organization.name})" if r.organization_id != member.organization_id else ""),
            reason=_("A person's request under the GDPR: answer due on %(date)s.")
            % {"date": _day(r.deadline)},
            since=r.received_at,
            url=reverse("privacy:request", args=[r.pk]),
            action=_("Answer the request"),
            due=r.deadline,
            late=r.deadline < today,
        )
        for r in _privacy(member).order_by("due_on")
    ]


# ---------------------------------------------------------------- quality


def _complaint_items(member: Membership) -> list[Item]:
    today = timezone.localdate()
    items = []
    for c in open_complaints_of(member.organization).order_by("answer_by", "pk"):
        if c.status == Complaint.Status.RECEIVED:
            reason = _("To acknowledge by %(date)s.") % {"date": _day(c.acknowledge_by)}
            due, late = c.acknowledge_by, c.acknowledged_late(today)
        elif c.status == Complaint.Status.MEDIATION:
            reason = _("In mediation: record its outcome.")
            due, late = None, False
        else:
            reason = _("To answer by %(date)s.") % {"date": _day(c.answer_by)}
            due, late = c.answer_by, c.answered_late(today)
        items.append(
            Item(
                kind="answer",
                title=f"{c.number} · {c.subject}",
                reason=reason,
                since=c.received_at,
                url=reverse("quality:complaint", args=[c.pk]),
                action=_("Handle the complaint"),
                engagement=c.engagement,
                due=due,
                late=late,
            )
        )
    return items


def _open_actions(member: Membership) -> Any:
    return open_actions_of(member.organization)


def _action_items(member: Membership) -> list[Item]:
    today = timezone.localdate()
    return [
        Item(
            kind="fix",
            title=f"{a.number} · {a.title}",
            reason=_("Improvement action due on %(date)s.") % {"date": _day(a.due_on)},
            since=a.created_at,
            url=reverse("quality:action", args=[a.pk]),
            action=_("Update the action"),
            due=a.due_on,
            late=a.due_on < today,
        )
        for a in _open_actions(member).order_by("due_on", "pk")
    ]


AUDIT_AHEAD = dt.timedelta(days=90)


def _audit_items(member: Membership) -> list[Item]:
    today = timezone.localdate()
    audits = audits_ahead_of(member.organization, today, AUDIT_AHEAD)
    return [
        Item(
            kind="review",
            title=f"{a.get_kind_display()} · {_day(a.held_on)}",
            reason=_("Audit on %(date)s: review the indicators and the audit binder.")
            % {"date": _day(a.held_on)},
            since=_at(today),
            url=reverse("quality:binder"),
            action=_("Open the audit binder"),
            due=a.held_on,
        )
        for a in audits
    ]


# ---------------------------------------------------------------- overdue learners


def _overdue_items(member: Membership) -> list[Item]:
    """Each followed engagement with overdue learners: one link to its learner list filtered on
    them, where each row has its one-click reminder. One aggregate query."""
    query = urlencode(Filters(overdue=True).as_query())
    items = []
    for row in overdue_by_engagement(followed_engagements(member), timezone.localdate()):
        items.append(
            Item(
                kind="follow",
                title=f"{row.reference} · {row.title}",
                reason=ngettext(
                    "%(n)s learner has not completed a training past its due date.",
                    "%(n)s learners have not completed a training past its due date.",
                    row.learners,
                )
                % {"n": row.learners},
                since=_at(row.oldest_due_on + dt.timedelta(days=1)),
                url=f"{reverse('reporting:engagement_learners', args=[row.engagement_id])}?{query}",
                action=_("See the overdue learners"),
                due=row.oldest_due_on,
                late=True,
            )
        )
    return items


# ---------------------------------------------------------------- the registry

SOURCES: list[Source] = [
    Source(
        "signatures",
        gettext_lazy("Documents to sign"),
        _signs,
        _signature_items,
        _signature_count,
        nav=("web:home", "engagements:to_sign"),
    ),
    Source(
        "reviews",
        gettext_lazy("Module versions to review"),
        _signs,
        _review_items,
        lambda m: _reviews(m).count(),
        nav=("web:home",),
    ),
    Source(
        "returned",
        gettext_lazy("Module versions returned by the client"),
        _fixes_apply,
        _fix_items,
        lambda m: _returned(m).count(),
        nav=("web:home",),
    ),
    Source(
        "tickets",
        gettext_lazy("Support tickets"),
        lambda m: is_support_staff(m) or is_support_client(m),
        _ticket_items,
        lambda m: _tickets(m).count(),
        nav=("web:home", "support:tickets"),
    ),
    Source(
        "privacy",
        gettext_lazy("Requests of people concerned"),
        can_use_privacy,
        _privacy_items,
        lambda m: _privacy(m).count(),
        nav=("web:home", "privacy:requests"),
    ),
    Source(
        "complaints",
        gettext_lazy("Complaints to handle"),
        can_manage_quality,
        _complaint_items,
        lambda m: open_complaints_of(m.organization).count(),
        nav=("web:home", "quality:home"),
    ),
    Source(
        "actions",
        gettext_lazy("Improvement actions"),
        lambda m: is_provider_staff(m) and m.role == Role.QUALITY_MANAGER,
        _action_items,
        lambda m: _open_actions(m).count(),
        nav=("web:home", "quality:home"),
    ),
    Source(
        "audits",
        gettext_lazy("Audits ahead"),
        lambda m: is_provider_staff(m) and m.role == Role.QUALITY_MANAGER,
        _audit_items,
    ),
    # No badge: the learners are the ones late, not the member; a count that stays up for weeks
    # would teach people to ignore the badges (and cost a query on every page).
    Source(
        "overdue",
        gettext_lazy("Overdue learners"),
        follows_learners,
        _overdue_items,
    ),
]

# The roles whose home is their own trainings, without any inbox (nor query for one).
NO_INBOX = frozenset({Role.LEARNER})


@dataclass
class Section:
    source: Source
    items: list[Item] = field(default_factory=list)


def sections_for(member: Membership) -> list[Section]:
    """What waits for this member, by source, in the registry's order (their own work first)."""
    if member.role in NO_INBOX:
        return []
    sections = []
    for source in SOURCES:
        if source.applies(member):
            sections.append(Section(source, source.items(member)))
    return sections


def counts_for(member: Membership | None) -> dict[str, int]:
    """Badge counts by navigation entry (url name): a COUNT query per applicable source."""
    if member is None or member.role in NO_INBOX:
        return {}
    counts: dict[str, int] = {}
    for source in SOURCES:
        if source.count is None or not source.applies(member):
            continue
        n = source.count(member)
        for name in source.nav:
            counts[name] = counts.get(name, 0) + n
    return counts


def request_counts(request: Any) -> dict[str, int]:
    """The badges of this request, computed once however often the page asks."""
    cached = getattr(request, "_inbox_counts", None)
    if cached is None:
        cached = counts_for(getattr(request, "member", None))
        request._inbox_counts = cached
    return cached


# ---------------------------------------------------------------- engagements: who they wait for

# Where a client acts on a check that is not a signature (signatures link to the document).
CLIENT_ACTIONS: dict[str, tuple[str, str | Promise]] = {
    "sources_uploaded": ("documents:sources", gettext_lazy("Upload the documents")),
    "population_assigned": ("learning:deployment", gettext_lazy("Assign a population")),
    "modules_approved": ("catalog:modules", gettext_lazy("Review the modules")),
}


@dataclass(frozen=True)
class EngagementWait:
    engagement: Engagement
    reason: str
    who: str  # CLIENT or PROVIDER
    who_names: str
    since: dt.datetime
    url: str
    action: str
    mine: bool  # the viewer's side must act


def _waits_apply(member: Membership) -> bool:
    staff = is_provider_staff(member) and member.role in (
        Role.ADMIN,
        Role.PROJECT_MANAGER,
        Role.DESIGNER,
    )
    return staff or (member.role == Role.CLIENT_OWNER and member.is_current())


def engagement_waits(member: Membership) -> list[EngagementWait]:
    """Each open engagement the member follows: what its gate waits for and from whom, oldest
    wait first (the wait began when the engagement entered its phase)."""
    if not _waits_apply(member):
        return []
    engagements = engagements_visible_to(member).filter(closed_at__isnull=True)
    if member.role == Role.PROJECT_MANAGER:
        engagements = engagements.filter(project_manager=member)
    engagements = engagements.annotate(entered=Max("changes__at"))
    provider_side = is_provider_staff(member)
    waits = []
    for engagement in engagements:
        status = gate_status(engagement)
        if not status.unmet:
            continue
        check = status.unmet[0]
        party = status.parties[check.name]
        names = ", ".join(
            m.user.full_name or m.user.email for m in awaited_people(engagement, party)
        )
        reason = str(check.message)
        if check.waits_for == CLIENT and party == PROVIDER:  # the client cannot act yet
            reason = _("%(reason)s The provider must first issue it for signature.") % {
                "reason": reason
            }
        mine = (party == PROVIDER) == provider_side
        url = reverse("engagements:detail", args=[engagement.pk])
        action = _("Open the engagement")
        if not provider_side and party == CLIENT and check.name in CLIENT_ACTIONS:
            name, label = CLIENT_ACTIONS[check.name]
            url, action = reverse(name, args=[engagement.pk]), str(label)
        waits.append(
            EngagementWait(
                engagement,
                reason,
                party,
                names,
                engagement.entered or engagement.created_at,
                url,
                action,
                mine,
            )
        )
    waits.sort(key=lambda w: w.since)
    return waits


__all__ = [
    "CLIENT",
    "PROVIDER",
    "SOURCES",
    "EngagementWait",
    "Item",
    "Section",
    "Source",
    "counts_for",
    "engagement_waits",
    "request_counts",
    "sections_for",
]
