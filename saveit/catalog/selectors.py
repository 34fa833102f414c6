"""Reads for modules: scope, current versions, sources and what a version may point into."""

from __future__ import annotations

from django.db.models import QuerySet

from saveit.documents.ingest.outline import Outline
from saveit.engagements.models import Engagement

from .models import AcceptanceRecord, Module, ModuleVersion

Status = ModuleVersion.Status


def modules_of(engagement: Engagement) -> QuerySet[Module]:
    return engagement.modules.order_by("code")


def in_scope_modules(engagement: Engagement) -> QuerySet[Module]:
    return modules_of(engagement).filter(in_scope=True)


def latest_submitted(module: Module) -> ModuleVersion | None:
    """The newest version the client has been given; older ones are out of review."""
    return (
        module.versions.exclude(status=Status.DRAFT)
        .select_related("module")
        .order_by("-major", "-minor")
        .first()
    )


def draft_of(module: Module) -> ModuleVersion | None:
    return module.versions.filter(status=Status.DRAFT).first()


def scope_versions(engagement: Engagement) -> dict[Module, ModuleVersion | None]:
    """For each module in scope, the version the client is to validate (None: none yet)."""
    return {module: latest_submitted(module) for module in in_scope_modules(engagement)}


def source_anchors(version: ModuleVersion) -> set[str]:
    anchors: set[str] = set()
    for link in version.source_links.select_related("document_version"):
        anchors.update(Outline.from_json(link.document_version.outline).anchors())
    return anchors


def source_sections(version: ModuleVersion) -> list[tuple[str, str]]:
    """(anchor, heading) of every section the version may point into, in document order."""
    sections: list[tuple[str, str]] = []
    for link in version.source_links.select_related("document_version__source"):
        outline = Outline.from_json(link.document_version.outline)
        sections += [(s.anchor, s.heading or s.anchor) for s in outline.sections if s.level > 0]
    return sections


def current_acceptance_record(engagement: Engagement) -> AcceptanceRecord | None:
    return engagement.acceptance_records.select_related("document").order_by("-revision").first()


def outdated_versions(engagement: Engagement) -> QuerySet[ModuleVersion]:
    """Versions that still count (not refused, not replaced) built on a superseded procedure."""
    return (
        ModuleVersion.objects.filter(module__engagement=engagement, outdated_at__isnull=False)
        .exclude(status__in=(Status.RETIRED, Status.CHANGES_REQUESTED))
        .select_related("module")
        .order_by("module__code", "major", "minor")
    )


def assignable_versions(engagement: Engagement) -> QuerySet[ModuleVersion]:
    """Only versions listed in a signed acceptance record are ever assigned (SPEC §5)."""
    return ModuleVersion.objects.filter(module__engagement=engagement, status=Status.ACTIVE)


def is_assignable(version: ModuleVersion) -> bool:
    return version.status == Status.ACTIVE


def proposal_keys(version: ModuleVersion, *, unreviewed_only: bool = True) -> list[str]:
    """Keys of the lessons and items (still unreviewed, or all) of a version."""
    lessons, items = version.lessons.all(), version.items.all()
    if unreviewed_only:
        lessons, items = lessons.filter(reviewed=False), items.filter(reviewed=False)
    return [*lessons.values_list("key", flat=True), *items.values_list("key", flat=True)]
