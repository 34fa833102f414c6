"""The canonical content of a module version: what is hashed, diffed, previewed and exported.

Format 2 says which source document each lesson, block and item comes from, gives each block its
own anchor and images their text alternative, and lists per source the sections the content
really uses. Versions submitted before it keep their format 1 snapshot: it is rebuilt in that
format to check it, so their content hash (signed in a PV) stays valid.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from contextlib import suppress
from typing import Any

from saveit.audit.chain import canonical_json

from .models import ModuleVersion

FORMAT = 2


def family_key(item: Any) -> str:
    """The family an item is drawn from: items of one family (built from one sentence) are
    never drawn together, and an item without a family is alone in its own, named by its key.

    `item` is a snapshot item (a mapping) or anything with `family` and `key` (an Item, a
    transform candidate). scorm.js repeats this rule as `family || key`: keep them equal."""
    if isinstance(item, Mapping):
        return str(item.get("family") or item.get("key"))
    return str(item.family or item.key)


def family_count(items: Iterable[Any]) -> int:
    """How many families these items make: the most an attempt can draw, one per family."""
    return len({family_key(item) for item in items})


def _number(value: Any) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def build_snapshot(version: ModuleVersion, *, fmt: int = FORMAT) -> dict[str, Any]:
    from .selectors import used_anchors

    module = version.module
    lessons = version.lessons.prefetch_related("blocks").order_by("position", "pk")
    items = version.items.order_by("position", "pk")
    links = version.source_links.select_related("document_version__source").order_by("pk")
    used = used_anchors(version) if fmt >= 2 else {}
    snapshot: dict[str, Any] = {"format": fmt} if fmt >= 2 else {}

    def since_2(**values: Any) -> dict[str, Any]:
        return values if fmt >= 2 else {}

    return snapshot | {
        "module": {"code": module.code, "title": module.title},
        "version": version.label,
        "title": version.title,
        "summary": version.summary,
        "objectives": list(version.objectives),
        "prerequisites": version.prerequisites,
        "duration_minutes": version.duration_minutes,
        "assessment": {
            "items_per_attempt": version.items_per_attempt,
            "randomise": version.randomise,
            "pass_mark": version.pass_mark,
            "max_attempts": version.max_attempts,
            "time_limit_minutes": version.time_limit_minutes,
            "validity_months": version.validity_months,
        },
        "sources": [
            {
                "document": link.document_version.source.title,
                "version_id": link.document_version.pk,
                "version_label": link.document_version.version_label,
                "sha256": link.document_version.sha256,
                "anchors": list(used.get(link.document_version_id, []))
                if fmt >= 2
                else list(link.anchors),
            }
            for link in links
        ],
        "lessons": [
            {
                "key": lesson.key,
                "title": lesson.title,
                "source_anchor": lesson.source_anchor,
                **since_2(source_version_id=lesson.source_version_id),
                "blocks": [
                    {
                        "kind": block.kind,
                        "html": block.html,
                        "url": block.url,
                        "name": block.name,
                        "sha256": block.sha256,
                        "media_type": block.media_type,
                        **since_2(
                            alt=block.alt,
                            source_anchor=block.source_anchor,
                            source_version_id=block.source_version_id,
                        ),
                    }
                    for block in lesson.blocks.all()
                ],
            }
            for lesson in lessons
        ],
        "items": [
            {
                "key": item.key,
                "kind": item.kind,
                "prompt": item.prompt,
                "choices": list(item.choices),
                "correct": list(item.correct),
                "answer": _number(item.answer),
                "tolerance": _number(item.tolerance) or "0",
                "unit": item.unit,
                "feedback": item.feedback,
                "source_anchors": list(item.source_anchors),
                **since_2(source_version_id=item.source_version_id),
                **({"family": item.family} if item.family else {}),
            }
            for item in items
        ],
    }


# Frozen snapshots decoded once per process, by version and content hash (issue 22): the
# learner pages read their version without its snapshot column (FROZEN_DEFERRED) and take it
# from here. A frozen snapshot never changes, and the hash names its exact content.
_FROZEN: OrderedDict[tuple[int, str], dict[str, Any]] = OrderedDict()
_FROZEN_KEPT = 128
FROZEN_DEFERRED = "snapshot"  # the field a caller defers (`module_version__snapshot`)


def snapshot_of(version: ModuleVersion) -> dict[str, Any]:
    """The frozen snapshot once submitted, the live content of a draft.

    A version read without its snapshot (deferred) takes it from the per-process cache."""
    if FROZEN_DEFERRED not in version.__dict__ and version.content_sha256:
        key = (version.pk, version.content_sha256)
        snapshot = _FROZEN.get(key)
        if snapshot is not None:
            with suppress(KeyError):  # another thread dropped it meanwhile
                _FROZEN.move_to_end(key)
            return snapshot
        snapshot = version.snapshot  # read now, once
        if snapshot is not None:
            _FROZEN[key] = snapshot
            while len(_FROZEN) > _FROZEN_KEPT:
                _FROZEN.popitem(last=False)
            return snapshot
    return version.snapshot if version.snapshot is not None else build_snapshot(version)


def snapshot_sha256(snapshot: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(snapshot)).hexdigest()


def is_intact(version: ModuleVersion) -> bool:
    """A frozen version's snapshot still hashes to what was submitted, and rows agree with it."""
    if version.snapshot is None:
        return True
    fmt = int(version.snapshot.get("format", 1))
    return (
        snapshot_sha256(version.snapshot) == version.content_sha256
        and snapshot_sha256(build_snapshot(version, fmt=fmt)) == version.content_sha256
    )
