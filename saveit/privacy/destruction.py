"""After the client confirmed it received its export: its data is deleted, with a destruction
certificate (PDF) kept by the provider and recorded in the provider's audit chain."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership, Organization
from saveit.audit.chain import record_event
from saveit.audit.services import store_generated_pdf
from saveit.core.dates import paris_date
from saveit.core.errors import Refusal
from saveit.core.pdf.render import render_pdf

from .models import BreachNotice, LegalHold, Reversibility
from .reversibility import stored_files
from .tenant_tables import SHARED, TABLES

# Rows of an account that go with it (the account goes when it belongs to this client only).
ACCOUNT_ROWS = (
    "otp_static.StaticToken",
    "otp_static.StaticDevice",
    "otp_totp.TOTPDevice",
    "accounts.RecoveryCode",
    "accounts.RecoveryCodeDevice",
    "accounts.ReauthThrottle",
    "admin.LogEntry",
    "accounts.User_groups",
    "accounts.User_user_permissions",
)
ACCOUNT_LOOKUP = {"otp_static.StaticToken": "device__user", "accounts.RecoveryCode": "device__user"}


@transaction.atomic
def record_export(*, organization: Organization, manifest_sha256: str, counts: dict) -> Any:
    return Reversibility.objects.create(
        organization=organization,
        organization_name=organization.name,
        organization_slug=organization.slug,
        exported_at=timezone.now(),
        manifest_sha256=manifest_sha256,
        counts=counts,
    )


def _exclusive_users(organization: Organization) -> list[int]:
    user_ids = set(
        get_user_model()
        .objects.filter(
            Q(memberships__organization=organization)
            | Q(learner_records__organization=organization)
        )
        .values_list("pk", flat=True)
    )
    from saveit.learning.models import Learner

    elsewhere = set(
        Membership.objects.filter(user_id__in=user_ids)
        .exclude(organization=organization)
        .values_list("user_id", flat=True)
    ) | set(
        Learner.objects.filter(user_id__in=user_ids)
        .exclude(organization=organization)
        .values_list("user_id", flat=True)
    )
    return sorted(user_ids - elsewhere)


@transaction.atomic
def destroy_organization(*, export: Reversibility, by: Membership) -> Reversibility:
    """Deletes every row and file of the exported organisation; refuses under a legal hold."""
    from django.apps import apps

    export = Reversibility.objects.select_for_update().get(pk=export.pk)
    organization = export.organization
    if organization is None or export.destroyed_at:
        raise Refusal(_("This organisation's data is already deleted."), code="already_deleted")
    if organization.is_provider:
        raise Refusal(_("The provider's own data is not deleted this way."), code="provider")
    if LegalHold.objects.filter(organization=organization, lifted_at__isnull=True).exists():
        raise Refusal(_("A legal hold forbids deleting this organisation."), code="legal_hold")
    kept = [t for t in TABLES if t.keep and t.rows(organization).exists()]
    if kept:
        raise Refusal(
            _(
                "This organisation's data cannot be deleted yet: the provider must keep its "
                "records of %(tables)s for their legal retention (invoices: 10 years). Its "
                "export is available; the deletion is possible once nothing is kept."
            )
            % {"tables": ", ".join(sorted({t.label for t in kept}))},
            code="legal_retention",
        )
    files = list(stored_files(organization))
    users = _exclusive_users(organization)
    counts: dict[str, int] = {}
    for table in reversed(TABLES):
        if table.label in SHARED or table.label == "accounts.Organization":
            continue
        queryset = table.rows(organization)
        counts[table.label] = queryset._raw_delete(queryset.db)
    for label in ACCOUNT_ROWS:
        model = apps.get_model(label)
        lookup = ACCOUNT_LOOKUP.get(label, "user")
        queryset = model._default_manager.filter(**{f"{lookup}__in": users})
        counts[label] = queryset._raw_delete(queryset.db)
    accounts = get_user_model().objects.filter(pk__in=users)
    counts["accounts.User"] = accounts._raw_delete(accounts.db)
    _unlink_registers(organization)
    export.organization = None
    export.confirmed_at = export.confirmed_at or timezone.now()
    export.destroyed_at = timezone.now()
    export.save(update_fields=["organization", "confirmed_at", "destroyed_at"])
    Reversibility.objects.filter(organization=organization).update(organization=None)
    organization.delete()
    export.certificate = _certificate(export, counts, len(files), by)
    export.save(update_fields=["certificate"])
    record_event(
        organization=by.organization,
        action="privacy.organization_destroyed",
        actor=by,
        target=export,
        after={
            "organization": export.organization_slug,
            "manifest_sha256": export.manifest_sha256,
            "rows": sum(counts.values()),
            "files": len(files),
            "certificate": export.certificate.pk,
        },
    )
    transaction.on_commit(lambda: _delete_files(files))
    return export


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _unlink_registers(organization: Organization) -> None:
    """The provider's registers outlive the client: its notices keep their recipient address."""
    from .models import Breach

    Breach.organizations.through.objects.filter(organization=organization).delete()
    BreachNotice.objects.filter(organization=organization).update(organization=None)


def _certificate(export: Reversibility, counts: dict[str, int], files: int, by: Membership) -> Any:
    now = timezone.now()
    rows = [[label, str(n)] for label, n in sorted(counts.items()) if n]
    data = {
        "title": _("Certificate of destruction of data"),
        "subtitle": _("%(org)s (%(slug)s): every row and file deleted on %(date)s.")
        % {
            "org": export.organization_name,
            "slug": export.organization_slug,
            "date": paris_date(now).strftime("%d/%m/%Y"),
        },
        "issuer": by.organization.name,
        "printed_on": paris_date(now).strftime("%d/%m/%Y"),
        "labels": {"page": _("Page"), "printed_on": _("Printed on")},
        "columns": [{"label": _("Table"), "numeric": False}, {"label": _("Rows"), "numeric": True}],
        "rows": rows,
        "notes": [
            _("Export delivered on %(date)s, manifest SHA-256 %(sha)s.")
            % {
                "date": paris_date(export.exported_at).strftime("%d/%m/%Y"),
                "sha": export.manifest_sha256,
            },
            _("Stored files deleted: %(n)s.") % {"n": files},
            _("Kept by the provider: this certificate and its own audit trail."),
        ],
    }
    content = render_pdf("table", data)
    return store_generated_pdf(
        organization=by.organization,
        by=by,
        content=content,
        name=f"destruction-{export.organization_slug}.pdf",
        title=str(_("Certificate of destruction: %(org)s") % {"org": export.organization_name}),
        signer_roles=[],
    )
