"""A procedure changed: every module version built on its old text is flagged (SPEC §4)."""

from __future__ import annotations

from django.utils import timezone

from saveit.accounts.models import Membership
from saveit.audit.chain import record_event
from saveit.documents.ingest.outline import Outline
from saveit.documents.models import DocumentVersion

from ..models import ModuleVersion


def mark_outdated(
    *, superseded_ids: list[int], new_version: DocumentVersion, by: Membership
) -> int:
    """Runs inside the upload's transaction. Returns how many module versions were flagged."""
    if not superseded_ids:
        return 0
    from ..transform import outline_diff

    flagged = 0
    now = timezone.now()
    new_outline = Outline.from_json(new_version.outline)
    for old in DocumentVersion.objects.filter(pk__in=superseded_ids):
        changes = outline_diff(Outline.from_json(old.outline), new_outline)
        versions = ModuleVersion.objects.filter(
            source_links__document_version=old, outdated_at__isnull=True
        ).exclude(status=ModuleVersion.Status.RETIRED)
        for version in versions.select_related("module"):
            used = set()
            for link in version.source_links.filter(document_version=old):
                used.update(link.anchors)
            version.outdated_at = now
            version.outdated_changes = [
                {
                    "anchor": change.anchor,
                    "heading": change.heading,
                    "change": change.change,
                    "old_text": change.old_text[:4000],
                    "new_text": change.new_text[:4000],
                    "used": change.anchor in used,
                    "from_version": old.pk,
                    "to_version": new_version.pk,
                }
                for change in changes
            ]
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
                },
            )
            flagged += 1
    return flagged
