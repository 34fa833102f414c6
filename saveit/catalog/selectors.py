"""Reads for modules: scope, current versions, sources and what a version may point into."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext

from saveit.accounts.models import Membership
from saveit.accounts.roles import is_provider_staff
from saveit.documents.ingest.outline import Outline
from saveit.engagements.models import Engagement
from saveit.engagements.permissions import engagements_visible_to

from .anchors import section_key
from .diff import VersionDiff, diff_versions
from .models import AcceptanceRecord, Block, Item, Module, ModuleVersion
from .snapshot import family_key, snapshot_of

Status = ModuleVersion.Status


def modules_of(engagement: Engagement) -> QuerySet[Module]:
    return engagement.modules.order_by("code")


def in_scope_modules(engagement: Engagement) -> QuerySet[Module]:
    return modules_of(engagement).filter(in_scope=True)


def versions_visible_to(member: Membership | None) -> QuerySet[ModuleVersion]:
    """The one rule of which module versions a member may see, for every list and every page.

    Those of the engagements the member sees; a draft is the designer's working copy, seen by
    the provider's staff only (the client sees a version once it is submitted).
    """
    versions = ModuleVersion.objects.filter(module__engagement__in=engagements_visible_to(member))
    if not is_provider_staff(member):
        versions = versions.exclude(status=Status.DRAFT)
    return versions.select_related("module__engagement__client")


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


def source_outlines(version: ModuleVersion) -> dict[int, Outline]:
    """The outline of each source document version of the module version, in link order."""
    links = version.source_links.select_related("document_version").order_by("pk")
    return {
        link.document_version_id: Outline.from_json(link.document_version.outline) for link in links
    }


def section_index(version: ModuleVersion) -> dict[int, list[str]]:
    """For each source document version, the anchors of its sections in document order."""
    return {pk: outline.anchors() for pk, outline in source_outlines(version).items()}


def source_sections(version: ModuleVersion) -> list[tuple[str, str]]:
    """(key, label) of every section the version may point into, document after document.

    The key names the document version too (see anchors.py); with several documents the label
    starts with the document's title, as the same heading may appear in each.
    """
    links = list(version.source_links.select_related("document_version__source").order_by("pk"))
    sections: list[tuple[str, str]] = []
    for link in links:
        outline = Outline.from_json(link.document_version.outline)
        prefix = f"{link.document_version.source.title} · " if len(links) > 1 else ""
        sections += [
            (section_key(link.document_version_id, s.anchor), prefix + (s.heading or s.anchor))
            for s in outline.sections
            if s.level > 0
        ]
    return sections


@dataclass(frozen=True)
class AssessmentCheck:
    """Whether the bank can fill an attempt (SPEC §4 "What a generated assessment must be
    worth"): one item per family at most, at least three kinds, "Vrai" as often as "Faux"."""

    families: int
    needed: int
    kinds: int
    true_answers: int
    false_answers: int
    peers: dict[int, list[int]]  # item pk → numbers (1-based) of the others of its family

    MIN_KINDS = 3  # fewer kinds of question, and an attempt can be passed blindly
    TRUE_SHARE = (40, 60)  # percent of true or false items whose right answer is "Vrai"

    @property
    def missing(self) -> int:
        """Families lacking for an attempt to draw `needed` items, one per family."""
        return max(0, self.needed - self.families)

    @property
    def few_kinds(self) -> bool:
        return self.kinds < self.MIN_KINDS

    @property
    def true_share(self) -> int | None:
        total = self.true_answers + self.false_answers
        return None if total == 0 else round(100 * self.true_answers / total)

    @property
    def unbalanced(self) -> bool:
        share = self.true_share
        low, high = self.TRUE_SHARE
        return share is not None and not low <= share <= high

    @property
    def problems(self) -> bool:
        """Anything the designer should fix; only `missing` stops the version's submission."""
        return bool(self.missing) or self.few_kinds or self.unbalanced


def assessment_check(version: ModuleVersion, items: list[Item]) -> AssessmentCheck:
    members: dict[str, list[int]] = {}
    for number, item in enumerate(items, start=1):
        members.setdefault(family_key(item), []).append(number)
    peers = {
        item.pk: [n for n in members[family_key(item)] if n != number]
        for number, item in enumerate(items, start=1)
        if len(members[family_key(item)]) > 1
    }
    true_false = [item for item in items if item.kind == Item.Kind.TRUE_FALSE]
    return AssessmentCheck(
        families=len(members),
        needed=version.items_per_attempt,
        kinds=len({item.kind for item in items}),
        true_answers=sum(1 for item in true_false if list(item.correct) == [0]),
        false_answers=sum(1 for item in true_false if list(item.correct) == [1]),
        peers=peers,
    )


def section_titles(version: ModuleVersion) -> dict[str, str]:
    """Key → the section's title as the procedure writes it (no number, never the anchor),
    for feedback and results; the untitled preamble is the introduction."""
    titles: dict[str, str] = {}
    for link in version.source_links.select_related("document_version").order_by("pk"):
        outline = Outline.from_json(link.document_version.outline)
        for section in outline.sections:
            title = section.title or section.heading or gettext("Introduction")
            titles[section_key(link.document_version_id, section.anchor)] = title
    return titles


def used_anchors(version: ModuleVersion) -> dict[int, list[str]]:
    """What the content actually uses of each source document: the anchors of its lessons,
    blocks and items, per document version and in that document's order."""
    order = section_index(version)
    used: dict[int, set[str]] = {pk: set() for pk in order}
    rows: list[tuple[int | None, list[str]]] = [
        *(
            (pk, [anchor])
            for pk, anchor in version.lessons.values_list("source_version", "source_anchor")
        ),
        *(
            (pk, [anchor])
            for pk, anchor in Block.objects.filter(lesson__version=version).values_list(
                "source_version", "source_anchor"
            )
        ),
        *version.items.values_list("source_version", "source_anchors"),
    ]
    for pk, anchors in rows:
        if pk in used:
            used[pk].update(a for a in anchors if a)
    return {pk: [a for a in order[pk] if a in anchors] for pk, anchors in used.items()}


def compared(
    version: ModuleVersion, other: ModuleVersion
) -> tuple[ModuleVersion, ModuleVersion, VersionDiff]:
    """The older and the newer of two versions of one module, and what changed from one to the
    other: the comparison page and the API show this same diff."""
    if other.module_id != version.module_id:
        raise ValueError("two versions of one module are compared")
    old, new = sorted((version, other), key=lambda v: (v.major, v.minor))
    return old, new, diff_versions(snapshot_of(old), snapshot_of(new))


def current_acceptance_record(engagement: Engagement) -> AcceptanceRecord | None:
    return engagement.acceptance_records.select_related("document").order_by("-revision").first()


def record_lists_scope(engagement: Engagement, record: AcceptanceRecord | None) -> bool:
    """The record lists the version in review of every module in scope (nothing new since)."""
    if record is None:
        return False
    listed = {m["version_id"] for m in record.snapshot.get("modules", [])}
    return all(v is not None and v.pk in listed for v in scope_versions(engagement).values())


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


def learner_question(item: Item, number: int) -> dict[str, object]:
    """An item in the shape the learner's assessment page renders (catalog/_question.html), with
    nothing answered; choices in the written order (an attempt shuffles them)."""
    return {
        "number": number,
        "key": f"preview-{item.pk}",
        "kind": item.kind,
        "prompt": item.prompt,
        "unit": item.unit,
        "answered": True,
        "value": "",
        "choices": [(position, text, False) for position, text in enumerate(item.choices)],
        "ranks": [(rank, "") for rank in range(1, len(item.choices) + 1)],
    }
