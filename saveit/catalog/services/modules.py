"""Creating modules from procedures, and every edit of a draft version (SPEC §4)."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership, Organization
from saveit.audit.chain import record_event
from saveit.core.errors import Refusal
from saveit.documents.ingest.outline import Outline
from saveit.documents.models import DocumentVersion
from saveit.engagements.models import Engagement
from saveit.engagements.services.common import lock

from .. import selectors
from ..models import Block, Item, Lesson, Module, ModuleVersion, SourceLink, new_key
from .common import require_design_phase, require_designer


def _sources(engagement: Engagement, version_ids: list[int]) -> list[DocumentVersion]:
    versions = list(
        DocumentVersion.objects.filter(
            pk__in=version_ids,
            source__engagement=engagement,
            extraction=DocumentVersion.Extraction.READY,
        )
        .exclude(status=DocumentVersion.Status.SUPERSEDED)
        .select_related("source")
        .order_by("pk")
    )
    if not version_ids or len(versions) != len(set(version_ids)):
        raise Refusal(
            _("Choose source documents in force of this engagement."), code="source_versions"
        )
    return versions


MODULE_CODE = re.compile(r"^MOD-(\d+)$")


def _next_code(engagement: Engagement) -> str:
    """The next free MOD-nn of the client organisation: codes are unique per client, so the
    client's dashboards never merge two modules of different engagements."""
    codes = Module.objects.filter(organization_id=engagement.client_id).values_list(
        "code", flat=True
    )
    numbers = [int(m.group(1)) for m in map(MODULE_CODE.match, codes) if m]
    return f"MOD-{max(numbers, default=0) + 1:02d}"


def _chosen_code(engagement: Engagement, code: str) -> str:
    code = (code or "").strip().upper()
    if not code:
        return _next_code(engagement)
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9._-]{0,19}", code):
        raise Refusal(
            _("A module code has 1 to 20 letters, digits, dots, dashes or underscores."),
            code="module_code_invalid",
        )
    if Module.objects.filter(organization_id=engagement.client_id, code=code).exists():
        raise Refusal(
            _(
                "The code %(code)s is already used by another module of this client: "
                "choose another one."
            )
            % {"code": code},
            code="module_code_taken",
        )
    return code


@transaction.atomic
def create_module(
    *,
    engagement: Engagement,
    by: Membership,
    title: str,
    source_version_ids: list[int],
    propose: bool = True,
    code: str = "",
) -> ModuleVersion:
    """A module and its draft 1.0, proposed from the procedures' outlines when asked. Its code
    (given, or the client's next MOD-nn) is unique among the client organisation's modules."""
    engagement = lock(engagement)
    # One module created at a time per client: two engagements never draw the same code.
    Organization.objects.select_for_update().filter(pk=engagement.client_id).first()
    require_designer(engagement, by)
    require_design_phase(engagement)
    sources = _sources(engagement, source_version_ids)
    title = (title or "").strip()[:200] or sources[0].source.title
    module = Module.objects.create(
        organization=engagement.client,
        engagement=engagement,
        code=_chosen_code(engagement, code),
        title=title,
        created_by=by,
    )
    version = ModuleVersion.objects.create(module=module, title=title, created_by=by)
    counts = {"lessons": 0, "items": 0}
    for source in sources:
        SourceLink.objects.create(version=version, document_version=source)
        if propose:
            counts = _propose_into(version, source, counts)
    record_source_anchors(version)
    record_event(
        organization=engagement.client,
        action="module.created",
        actor=by,
        target=engagement,
        after={
            "module": module.pk,
            "code": module.code,
            "version": version.pk,
            "sources": [s.pk for s in sources],
            "proposed": counts,
        },
    )
    return version


def record_source_anchors(version: ModuleVersion) -> None:
    """Each source link lists the sections of its own document the content uses, exactly."""
    used = selectors.used_anchors(version)
    links = list(version.source_links.all())
    for link in links:
        link.anchors = used.get(link.document_version_id, [])
    SourceLink.objects.bulk_update(links, ["anchors"])


def _propose_into(
    version: ModuleVersion, source: DocumentVersion, counts: dict[str, int]
) -> dict[str, int]:
    """Generated lessons and items stay unreviewed: none can be submitted as is."""
    from ..transform import propose_skeleton

    skeleton = propose_skeleton(Outline.from_json(source.outline))
    lesson_position = version.lessons.count()
    for offset, proposed in enumerate(skeleton.lessons):
        lesson = Lesson.objects.create(
            version=version,
            key=new_key("L"),
            position=lesson_position + offset,
            title=proposed.title[:200],
            source_anchor=proposed.source_anchor,
            source_version=source,
            reviewed=False,
        )
        Block.objects.bulk_create(
            Block(
                lesson=lesson,
                position=i,
                kind=block.kind,
                html=block.html,
                source_anchor=block.source_anchor,
                source_version=source,
            )
            for i, block in enumerate(proposed.blocks)
        )
    item_position = version.items.count()
    Item.objects.bulk_create(
        Item(
            version=version,
            key=new_key("I"),
            position=item_position + i,
            kind=item.kind,
            prompt=item.prompt,
            choices=list(item.choices),
            correct=list(item.correct),
            answer=item.answer,
            tolerance=item.tolerance,
            unit=item.unit[:40],
            feedback=item.feedback,
            source_anchors=list(item.source_anchors),
            source_version=source,
            rule=item.rule,
            family=item.family,
            reviewed=False,
        )
        for i, item in enumerate(skeleton.items)
    )
    if not version.objectives:
        version.objectives = list(skeleton.objectives)
        version.save(update_fields=["objectives"])
    return {
        "lessons": counts["lessons"] + len(skeleton.lessons),
        "items": counts["items"] + len(skeleton.items),
    }


@transaction.atomic
def create_version(*, version: ModuleVersion, by: Membership, major: bool = False) -> ModuleVersion:
    """A new draft copied from a frozen version: minor (1.0 → 1.1) or major (1.1 → 2.0).

    Sources move to the version in force of each procedure, so a revision after a procedure
    change is built on the new text.
    """
    engagement = lock(version.module.engagement)
    require_designer(engagement, by)
    require_design_phase(engagement)
    module = version.module
    if module.versions.filter(status=ModuleVersion.Status.DRAFT).exists():
        raise Refusal(_("This module already has a draft version."), code="draft_exists")
    if version.status == ModuleVersion.Status.DRAFT:
        raise Refusal(_("Submit this draft before starting another version."), code="draft")
    latest = module.versions.order_by("-major", "-minor").first()
    assert latest is not None
    number = (latest.major + 1, 0) if major else (latest.major, latest.minor + 1)
    copy = ModuleVersion.objects.create(
        module=module,
        major=number[0],
        minor=number[1],
        based_on=version,
        created_by=by,
        **{name: getattr(version, name) for name in SETTINGS_FIELDS},
    )
    _copy_content(version, copy)
    record_event(
        organization=engagement.client,
        action="module.version_created",
        actor=by,
        target=engagement,
        after={"module": module.pk, "version": copy.pk, "label": copy.label, "from": version.pk},
    )
    return copy


SETTINGS_FIELDS = (
    "title", "summary", "objectives", "prerequisites", "duration_minutes", "items_per_attempt",
    "randomise", "pass_mark", "max_attempts", "time_limit_minutes", "validity_months",
)  # fmt: skip


def _copy_content(source: ModuleVersion, target: ModuleVersion) -> None:
    """Rows copied one for one; what pointed into a procedure now points into its version in
    force (anchors are stable from one version of a procedure to the next)."""
    moved_to: dict[int, int] = {}
    for link in source.source_links.select_related("document_version__source").order_by("pk"):
        current = (
            link.document_version.source.versions.filter(
                status=DocumentVersion.Status.IN_FORCE
            ).first()
            or link.document_version
        )
        moved_to[link.document_version_id] = current.pk
        SourceLink.objects.create(version=target, document_version=current)

    def follow(pk: int | None) -> int | None:
        return None if pk is None else moved_to.get(pk, pk)

    for lesson in source.lessons.prefetch_related("blocks"):
        blocks = list(lesson.blocks.all())
        lesson.pk = None
        lesson.version = target
        lesson.source_version_id = follow(lesson.source_version_id)
        lesson.save()
        for block in blocks:
            block.pk = None
            block.lesson = lesson
            block.source_version_id = follow(block.source_version_id)
        Block.objects.bulk_create(blocks)
    items = list(source.items.all())
    for item in items:
        item.pk = None
        item.version = target
        item.source_version_id = follow(item.source_version_id)
    Item.objects.bulk_create(items)
    record_source_anchors(target)
