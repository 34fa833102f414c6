"""The left navigation: each entry shows only to the roles that may use it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Membership
from saveit.accounts.roles import AUDIT_READER_ROLES, DOCUMENT_READER_ROLES, SIGNER_ROLES, Role
from saveit.accounts.selectors import is_provider_admin
from saveit.billing.permissions import can_manage_billing, can_read_billing
from saveit.core.reversing import cached_reverse
from saveit.engagements.permissions import can_list_engagements
from saveit.privacy.permissions import can_use_privacy
from saveit.quality.permissions import can_read_quality, is_client_reader
from saveit.reporting.permissions import can_see_dashboards
from saveit.support.permissions import can_use_support


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    visible: Callable[[Membership], bool]
    with_org: bool = False


# Roles whose home is not an inbox: a learner's trainings, an auditor's time-boxed access.
HOME_ROLES: frozenset[str] = frozenset({Role.LEARNER, Role.AUDITOR})

NAVIGATION: list[NavEntry] = [
    NavEntry(_("To do"), "web:home", lambda m: m.role not in HOME_ROLES),
    NavEntry(_("Home"), "web:home", lambda m: m.role in HOME_ROLES),
    NavEntry(_("Engagements"), "engagements:list", can_list_engagements),
    NavEntry(_("Dashboards"), "reporting:overview", can_see_dashboards),
    NavEntry(_("My trainings"), "learning:my_trainings", lambda m: m.role == Role.LEARNER),
    NavEntry(_("My sessions"), "attendance:my_sessions", lambda m: m.role == Role.LEARNER),
    NavEntry(_("To sign"), "engagements:to_sign", lambda m: m.role == Role.CLIENT_OWNER),
    NavEntry(_("Support"), "support:tickets", can_use_support),
    NavEntry(_("SLA and maintenance"), "support:contracts", can_use_support),
    NavEntry(_("Quality"), "quality:home", can_read_quality),
    NavEntry(_("Surveys"), "quality:survey_results", is_client_reader),
    NavEntry(_("My surveys"), "quality:my_surveys", lambda m: m.role == Role.LEARNER),
    NavEntry(
        _("Complaints"),
        "quality:complaints",
        lambda m: is_client_reader(m) or m.role == Role.LEARNER,
    ),
    NavEntry(_("Invoices"), "billing:invoices", can_read_billing),
    NavEntry(_("Receivables"), "billing:receivables", can_manage_billing),
    NavEntry(_("Subscriptions"), "billing:subscriptions", can_manage_billing),
    NavEntry(_("My organisation"), "accounts:organization_detail", lambda m: True, with_org=True),
    NavEntry(_("Organisations"), "accounts:organization_list", is_provider_admin),
    NavEntry(
        _("Documents and signatures"),
        "audit:document_list",
        # Signers see the documents they are asked to sign, even without reading rights.
        lambda m: m.role in DOCUMENT_READER_ROLES | SIGNER_ROLES,
    ),
    NavEntry(_("Audit trail"), "audit:trail", lambda m: m.role in AUDIT_READER_ROLES),
    NavEntry(_("Security events"), "accounts:security_events", is_provider_admin),
    NavEntry(_("Personal data"), "privacy:requests", can_use_privacy),
    NavEntry(_("Security"), "accounts:security", lambda m: True),
    NavEntry(_("API tokens"), "accounts:token_list", lambda m: True),
]


# Each role's own frame: the entries of its daily work come right after the inbox.
FIRST_FOR_ROLE: dict[str, tuple[str, ...]] = {
    Role.SUPPORT_AGENT: ("support:tickets", "support:contracts"),
    Role.QUALITY_MANAGER: ("quality:home", "audit:document_list", "audit:trail"),
}


def _ordered(member: Membership) -> list[NavEntry]:
    first = FIRST_FOR_ROLE.get(member.role, ())
    if not first:
        return NAVIGATION
    head = [e for e in NAVIGATION if e.url_name == "web:home"]
    lead = sorted(
        (e for e in NAVIGATION if e.url_name in first), key=lambda e: first.index(e.url_name)
    )
    rest = [e for e in NAVIGATION if e not in head and e not in lead]
    return head + lead + rest


def _under(path: str, url: str) -> bool:
    return path == url if url == "/" else path.startswith(url)


def entries_for(
    member: Membership | None, current_path: str, counts: dict[str, int] | None = None
) -> list[dict[str, object]]:
    """The member's entries; `counts` (url name → number waiting) puts badges on them."""
    if member is None:
        return []
    counts = counts or {}
    items: list[dict[str, object]] = []
    for entry in _ordered(member):
        if not entry.visible(member):
            continue
        args = [member.organization_id] if entry.with_org else []
        items.append(
            {
                "label": entry.label,
                "url": cached_reverse(entry.url_name, args=args),
                "count": counts.get(entry.url_name, 0),
            }
        )
    # Only the most specific entry is current: /missions/a-signer/ is "To sign", not "Engagements".
    matching = [str(item["url"]) for item in items if _under(current_path, str(item["url"]))]
    current = max(matching, key=len, default=None)
    for item in items:
        item["active"] = item["url"] == current
    return items
