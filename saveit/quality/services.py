"""Writes of the quality app: profile, self-assessment, evidence refresh and the registers.

Every function is keyword-only, atomic, and appends its audit event to the provider's chain.
Surveys, complaints and audits have their own modules (surveys.py, complaints.py, audits.py).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership, Organization
from saveit.audit.chain import record_event
from saveit.core.errors import Refusal

from .collectors import Context, collector_for
from .frameworks_data import ACTIVITIES, CATEGORIES
from .models import (
    AccessibilityCheck,
    Accommodation,
    Assessment,
    DisabilityReferent,
    Evidence,
    Framework,
    Indicator,
    OfferSheet,
    OfferSheetVersion,
    ProviderProfile,
    StaffCompetence,
    Subcontractor,
    WatchEntry,
)


@transaction.atomic
def save_profile(
    *, organization: Organization, categories: list[str], activities: list[str], by: Membership
) -> ProviderProfile:
    unknown = [c for c in categories if c not in CATEGORIES] + [
        a for a in activities if a not in ACTIVITIES
    ]
    if unknown:
        raise Refusal(_("Unknown category or activity: %(codes)s.") % {"codes": ", ".join(unknown)})
    if not categories:
        raise Refusal(_("Choose at least one certified action category."))
    profile, _created = ProviderProfile.objects.select_for_update().get_or_create(
        organization=organization
    )
    before = {"categories": profile.categories, "activities": profile.activities}
    profile.categories = [c for c in CATEGORIES if c in categories]
    profile.activities = [a for a in ACTIVITIES if a in activities]
    profile.updated_by = by
    profile.save()
    record_event(
        organization=organization,
        action="quality.profile_saved",
        actor=by,
        target=profile,
        before=before,
        after={"categories": profile.categories, "activities": profile.activities},
    )
    return profile


def _assessment(provider: Organization, indicator: Indicator) -> Assessment:
    assessment, _created = Assessment.objects.get_or_create(
        organization=provider, indicator=indicator
    )
    return assessment


@transaction.atomic
def assess_indicator(
    *,
    provider: Organization,
    indicator: Indicator,
    level: int | None,
    shown_to_auditor: str,
    by: Membership,
) -> Assessment:
    if level is not None and level not in (1, 2, 3):
        raise Refusal(_("The level is 1, 2 or 3."))
    assessment = _assessment(provider, indicator)
    before = {"level": assessment.level}
    assessment.level = level
    assessment.shown_to_auditor = shown_to_auditor.strip()
    assessment.save()
    record_event(
        organization=provider,
        action="quality.indicator_assessed",
        actor=by,
        target=assessment,
        before=before,
        after={"level": level, "indicator": indicator.reference},
    )
    return assessment


@transaction.atomic
def refresh_evidence(
    *, provider: Organization, framework: Framework | None = None, now: datetime | None = None
) -> int:
    """Runs every indicator's collector and replaces its evidence; returns the links found."""
    now = now or timezone.now()
    ctx = Context(provider=provider, now=now)
    # Labels and what is missing are stored as read by the auditor: in the installation's
    # language (French), whoever or whatever (scheduler, command) runs the collection.
    with translation.override(settings.LANGUAGE_CODE):
        return _refresh(provider, framework, ctx)


def _refresh(provider: Organization, framework: Framework | None, ctx: Context) -> int:
    now = ctx.now
    indicators = Indicator.objects.select_related("framework")
    if framework is not None:
        indicators = indicators.filter(framework=framework)
    found = 0
    cache: dict[Any, Any] = {}
    for indicator in indicators:
        collect = collector_for(indicator.framework.code, indicator.number, indicator.reference)
        if collect not in cache:
            cache[collect] = collect(ctx)
        collected = cache[collect]
        assessment = _assessment(provider, indicator)
        assessment.evidence.all().delete()
        Evidence.objects.bulk_create(
            Evidence(
                assessment=assessment,
                kind=item.kind,
                label=item.label[:300],
                url=item.url,
                record_type=item.record_type,
                record_id=item.record_id,
                dated=item.dated,
                collected_at=now,
            )
            for item in collected.items
        )
        assessment.missing = collected.missing
        assessment.proposed_level = collected.proposed_level
        assessment.refreshed_at = now
        assessment.save(update_fields=["missing", "proposed_level", "refreshed_at", "updated_at"])
        found += len(collected.items)
    record_event(
        organization=provider,
        action="quality.evidence_refreshed",
        after={"framework": framework.code if framework else "all", "links": found},
    )
    return found


# ---------------------------------------------------------------- registers


def _record(provider: Organization, action: str, by: Membership, target: Any, **after: Any) -> None:
    record_event(organization=provider, action=action, actor=by, target=target, after=after)


@transaction.atomic
def create_offer_sheet(
    *, provider: Organization, code: str, title: str, by: Membership
) -> OfferSheet:
    code = code.strip().upper()
    if OfferSheet.objects.filter(organization=provider, code=code).exists():
        raise Refusal(_("An offer sheet with this code already exists."))
    sheet = OfferSheet.objects.create(organization=provider, code=code, title=title.strip())
    _record(provider, "quality.offer_created", by, sheet, code=code)
    return sheet


@transaction.atomic
def publish_offer_version(
    *, sheet: OfferSheet, fields: dict[str, str], by: Membership
) -> OfferSheetVersion:
    """A new numbered version; earlier ones stay as they were published (indicator 1: dated)."""
    sheet = OfferSheet.objects.select_for_update().get(pk=sheet.pk)
    number = (sheet.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    values = {name: str(fields.get(name, "")).strip() for name in OfferSheetVersion.ITEMS}
    version = OfferSheetVersion.objects.create(
        sheet=sheet, number=number, published_at=timezone.now(), published_by=by, **values
    )
    _record(sheet.organization, "quality.offer_published", by, version, number=number)
    return version


@transaction.atomic
def link_offer(
    *, sheet: OfferSheet, module_ids: list[int], citable_client_ids: list[int], by: Membership
) -> OfferSheet:
    sheet.modules.set(module_ids)
    sheet.clients_citable.set(citable_client_ids)
    _record(
        sheet.organization,
        "quality.offer_linked",
        by,
        sheet,
        modules=module_ids,
        citable=citable_client_ids,
    )
    return sheet


@transaction.atomic
def add_watch_entry(
    *,
    provider: Organization,
    kind: str,
    observed_on: date,
    source: str,
    summary: str,
    impact: str,
    module_id: int | None,
    by: Membership,
) -> WatchEntry:
    if kind not in WatchEntry.Kind.values:
        raise Refusal(_("Unknown kind of watch."))
    entry = WatchEntry.objects.create(
        organization=provider,
        kind=kind,
        observed_on=observed_on,
        source=source.strip(),
        summary=summary.strip(),
        impact=impact.strip(),
        module_id=module_id,
        recorded_by=by,
    )
    _record(provider, "quality.watch_recorded", by, entry, kind=kind)
    return entry


@transaction.atomic
def add_subcontractor(*, provider: Organization, by: Membership, **fields: Any) -> Subcontractor:
    sub = Subcontractor.objects.create(organization=provider, **fields)
    _record(provider, "quality.subcontractor_added", by, sub)
    return sub


@transaction.atomic
def add_disability_referent(
    *, provider: Organization, by: Membership, **fields: Any
) -> DisabilityReferent:
    referent = DisabilityReferent.objects.create(organization=provider, **fields)
    _record(provider, "quality.referent_named", by, referent)
    return referent


@transaction.atomic
def grant_accommodation(
    *,
    provider: Organization,
    description: str,
    granted_on: date,
    learner_id: int | None,
    by: Membership,
) -> Accommodation:
    accommodation = Accommodation.objects.create(
        organization=provider,
        description=description.strip(),
        granted_on=granted_on,
        learner_id=learner_id,
        granted_by=by,
    )
    _record(provider, "quality.accommodation_granted", by, accommodation)
    return accommodation


@transaction.atomic
def record_accessibility_check(
    *, provider: Organization, by: Membership, **fields: Any
) -> AccessibilityCheck:
    check = AccessibilityCheck.objects.create(organization=provider, **fields)
    _record(provider, "quality.accessibility_checked", by, check)
    return check


@transaction.atomic
def record_competence(
    *,
    provider: Organization,
    member: Membership,
    competence: str,
    evidence: str,
    assessed_on: date,
    next_review_on: date | None,
    by: Membership,
) -> StaffCompetence:
    if member.organization_id != provider.pk:
        raise Refusal(_("This person is not a member of the provider's staff."))
    record = StaffCompetence.objects.create(
        organization=provider,
        member=member,
        competence=competence.strip(),
        evidence=evidence.strip(),
        assessed_on=assessed_on,
        next_review_on=next_review_on,
    )
    _record(provider, "quality.competence_recorded", by, record)
    return record
