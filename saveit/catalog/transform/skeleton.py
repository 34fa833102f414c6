"""From a procedure's outline to a proposed module: lessons, blocks, candidate items, objectives.

One lesson per top-level section; subsections fold into their parent's lesson but every block
and item keeps the anchor of the very section it came from, so that a later version of the
procedure flags exactly what it touches.
"""

from __future__ import annotations

from dataclasses import dataclass

from saveit.documents.ingest.outline import PREAMBLE_ANCHOR, Outline, Section

from . import select
from .blocks import section_blocks
from .items import INTRO_TITLE, Candidate, role_book, section_candidates
from .proposals import ProposedItem, ProposedLesson, Skeleton
from .required import element_pool

ITEMS_PER_LESSON = 6
ITEMS_MAX = 60
INTRO_MIN_CHARS = 200


@dataclass(frozen=True)
class _Group:
    head: Section
    subs: list[Section]

    @property
    def sections(self) -> list[Section]:
        return [self.head, *self.subs]

    def children(self, index: int) -> list[Section]:
        """Direct subsections of `sections[index]`, in order."""
        sections = self.sections
        parent = sections[index]
        found: list[Section] = []
        for section in sections[index + 1 :]:
            if section.level <= parent.level:
                break
            if section.level == parent.level + 1:
                found.append(section)
        return found


def _groups(outline: Outline) -> list[_Group]:
    levels = [section.level for section in outline.sections if section.level > 0]
    top = min(levels, default=1)  # the shallowest level present stands for "top level"
    groups: list[_Group] = []
    for section in outline.sections:
        if section.level == 0:
            if len(" ".join(section.plain_text().split())) >= INTRO_MIN_CHARS:
                groups.append(_Group(section, []))
            continue  # a short preamble (version, date, distribution) teaches nothing
        if section.level <= top or not groups or groups[-1].head.level == 0:
            groups.append(_Group(section, []))
        else:
            groups[-1].subs.append(section)
    # A heading with nothing under it, not even a subsection, makes no lesson.
    return [group for group in groups if group.head.blocks or group.subs]


def _title(section: Section) -> str:
    if section.level == 0 and section.anchor == PREAMBLE_ANCHOR:
        return INTRO_TITLE
    return section.title or section.heading or INTRO_TITLE


def _objective(title: str, items: list[ProposedItem]) -> str:
    rules = {item.rule for item in items}
    if "ordering_steps" in rules:
        return f"Appliquer dans l'ordre les étapes de « {title} »."
    if "responsibility" in rules:
        return f"Identifier les responsabilités définies dans « {title} »."
    if "figure" in rules:
        return f"Connaître les délais et seuils fixés dans « {title} »."
    if rules & {"obligation", "prohibition", "required_elements"}:
        return f"Respecter les obligations et interdictions de « {title} »."
    return f"Expliquer les points clés de « {title} »."


def propose_skeleton(outline: Outline) -> Skeleton:
    book = role_book(outline)
    pool = element_pool(outline)
    lessons: list[ProposedLesson] = []
    per_lesson: list[list[Candidate]] = []
    seen: set[str] = set()
    position = 0
    for group in _groups(outline):
        blocks = section_blocks(group.head, heading=False)
        for sub in group.subs:
            blocks += section_blocks(sub, heading=True)
        lessons.append(ProposedLesson(_title(group.head), group.head.anchor, blocks))
        found: list[Candidate] = []
        for index, section in enumerate(group.sections):
            found += section_candidates(
                section, group.children(index), book, position + len(found), pool
            )
        position += len(found)
        per_lesson.append(select.varied(select.unique(found, seen), ITEMS_PER_LESSON))
    kept = select.bounded(per_lesson, ITEMS_MAX)
    kept_ids = {id(candidate) for candidate in kept}
    objectives = [
        _objective(lesson.title, [c.item for c in candidates if id(c) in kept_ids])
        for lesson, candidates in zip(lessons, per_lesson, strict=True)
    ]
    title = outline.title or (lessons[0].title if lessons else "")
    return Skeleton(title, lessons, [candidate.item for candidate in kept], objectives)
