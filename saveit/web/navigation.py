"""The left navigation: each entry shows only to the roles that may use it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Membership
from saveit.accounts.roles import AUDIT_READER_ROLES, DOCUMENT_READER_ROLES, SIGNER_ROLES, Role
from saveit.accounts.selectors import is_provider_admin
from saveit.billing.permissions import can_manage_billing, can_read_billing
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


NAVIGATION: list[NavEntry] = [
    NavEntry(_("Home"), "web:home", lambda m: True),
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


def _under(path: str, url: str) -> bool:
    return path == url if url == "/" else path.startswith(url)


def entries_for(member: Membership | None, current_path: str) -> list[dict[str, object]]:
    if member is None:
        return []
    items: list[dict[str, object]] = []
    for entry in NAVIGATION:
        if not entry.visible(member):
            continue
        args = [member.organization_id] if entry.with_org else []
        items.append({"label": entry.label, "url": reverse(entry.url_name, args=args)})
    # Only the most specific entry is current: /missions/a-signer/ is "To sign", not "Engagements".
    matching = [str(item["url"]) for item in items if _under(current_path, str(item["url"]))]
    current = max(matching, key=len, default=None)
    for item in items:
        item["active"] = item["url"] == current
    return items
