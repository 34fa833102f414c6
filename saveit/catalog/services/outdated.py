"""A procedure changed: every module version built on its old text is flagged (SPEC §4)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from saveit.accounts.models import Membership
from saveit.audit.chain import record_event
from saveit.documents.ingest.outline import Outline
from saveit.documents.models import DocumentVersion

from .. import selectors
from ..models import ModuleVersion


def mark_outdated(
    *, superseded_ids: list[int], new_version: DocumentVersion, by: Membership
) -> int:
    """Runs inside the upload's transaction. Returns how many module versions were flagged.

    A changed section is *used* when a lesson, block or item of the version comes from it in
    this very document (anchors repeat across procedures, so the document counts too). A
    version built on several procedures collects the changes of each one that moves on.
    """
    if not superseded_ids:
        return 0
    from ..transform import outline_diff

    flagged = 0
    now = timezone.now()
    new_outline = Outline.from_json(new_version.outline)
    for old in DocumentVersion.objects.filter(pk__in=superseded_ids).select_related("source"):
        changes = outline_diff(Outline.from_json(old.outline), new_outline)
        versions = ModuleVersion.objects.filter(source_links__document_version=old).exclude(
            status=ModuleVersion.Status.RETIRED
        )
        for version in versions.select_related("module__engagement"):
            used = set(selectors.used_anchors(version).get(old.pk, []))
            entries: list[dict[str, Any]] = [
                {
                    "anchor": change.anchor,
                    "heading": change.heading,
                    "change": change.change,
                    "old_text": change.old_text[:4000],
                    "new_text": change.new_text[:4000],
                    "used": change.anchor in used,
                    "document": old.source.title,
                    "from_version": old.pk,
                    "to_version": new_version.pk,
                }
                for change in changes
            ]
            kept = [c for c in version.outdated_changes if c.get("from_version") != old.pk]
            version.outdated_at = version.outdated_at or now
            version.outdated_changes = kept + entries
            version.save(update_fields=["outdated_at", "outdated_changes"])
            record_event(
                organization=version.module.organization,
                action="module.version_outdated",
                actor=by,
                target=version.module.engagement,
                after={
                    "module": version.module_id,
                    "version": version.pk,
                    "label": version.label,
                    "source_from": old.pk,
                    "source_to": new_version.pk,
                    "changed": [c.anchor for c in changes],
                    "used": sorted(used & {c.anchor for c in changes}),
                },
            )
            flagged += 1
    return flagged
