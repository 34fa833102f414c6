"""Reads for source documents: versions in force, duplicates, the mapping inventory."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, QuerySet

from saveit.core.versions import version_tag
from saveit.engagements.models import Engagement
from saveit.engagements.selectors import signed_scoping_note

from .models import DocumentVersion, SourceDocument


def sources_of(engagement: Engagement) -> QuerySet[SourceDocument]:
    return engagement.sources.prefetch_related("versions__uploaded_by__user").order_by("title")


def in_force_versions(engagement: Engagement) -> QuerySet[DocumentVersion]:
    return (
        DocumentVersion.objects.filter(
            source__engagement=engagement, status=DocumentVersion.Status.IN_FORCE
        )
        .select_related("source", "uploaded_by__user")
        .order_by("source__title", "pk")
    )


def duplicate_hashes(engagement: Engagement) -> dict[str, list[DocumentVersion]]:
    """Files uploaded more than once (same SHA-256) among the engagement's versions."""
    versions = DocumentVersion.objects.filter(source__engagement=engagement)
    hashes = (
        versions.values("sha256")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("sha256", flat=True)
    )
    found: dict[str, list[DocumentVersion]] = defaultdict(list)
    for version in versions.filter(sha256__in=list(hashes)).select_related("source"):
        found[version.sha256].append(version)
    return dict(found)


def expected_scopes(engagement: Engagement) -> list[str]:
    """The scope of the latest scoping note the client signed: a draft binds nobody."""
    note = signed_scoping_note(engagement)
    return note.scope_items if note else []


def mapping_snapshot(engagement: Engagement) -> dict[str, Any]:
    """What the mapping report states, as plain data kept with the report."""
    versions = list(in_force_versions(engagement))
    expected = expected_scopes(engagement)
    covered: dict[str, list[str]] = {scope: [] for scope in expected}
    folded = {scope.casefold(): scope for scope in expected}
    extra: list[str] = []
    for version in versions:
        for scope in version.scopes:
            key = folded.get(scope.casefold())
            if key is None:
                if scope not in extra:
                    extra.append(scope)
                continue
            covered[key].append(version.source.title)
    return {
        "version_ids": [v.pk for v in versions],
        "sources": [
            {
                "source": v.source_id,
                "version": v.pk,
                "title": v.source.title,
                "version_label": v.version_label,
                "status": v.status,
                "kind": v.kind,
                "sha256": v.sha256,
                "scopes": v.scopes,
                "owner": v.source.owner_name,
                "uploaded_at": v.uploaded_at.isoformat(),
                "sections": len(v.outline.get("sections", [])),
            }
            for v in versions
        ],
        "scopes": [{"name": s, "documents": covered[s]} for s in expected],
        "extra_scopes": extra,
        "gaps": [s for s in expected if not covered[s]],
        "duplicates": [
            {
                "sha256": sha,
                "files": [f"{v.source.title} {version_tag(v.version_label)}" for v in group],
            }
            for sha, group in duplicate_hashes(engagement).items()
        ],
    }
