"""Which sections of a procedure changed between two versions (anchors are stable)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from saveit.documents.ingest.outline import Outline, Section

Change = Literal["added", "removed", "modified"]


@dataclass(frozen=True)
class SectionChange:
    anchor: str
    heading: str  # the new heading; the old one for a removed section
    change: Change
    old_text: str  # "" for an added section
    new_text: str  # "" for a removed section


def _squeezed(text: str) -> str:
    """Whitespace-only differences (reflowed lines, double spaces) are no change."""
    return " ".join(text.split())


def _differs(old: Section, new: Section) -> bool:
    return _squeezed(old.heading) != _squeezed(new.heading) or _squeezed(
        old.plain_text()
    ) != _squeezed(new.plain_text())


def outline_diff(old: Outline, new: Outline) -> list[SectionChange]:
    """Changes in the new outline's order; a removed section sits where it stood before.

    That place is just after the last section that precedes it in the old outline and is
    still present in the new one (or first of all when there is none).
    """
    before = {section.anchor: section for section in old.sections}
    after = {section.anchor: section for section in new.sections}
    new_index = {anchor: i for i, anchor in enumerate(after)}
    keyed: list[tuple[tuple[int, int, int], SectionChange]] = []
    for anchor, section in after.items():
        previous = before.get(anchor)
        if previous is None:
            change = SectionChange(anchor, section.heading, "added", "", section.plain_text())
        elif _differs(previous, section):
            change = SectionChange(
                anchor, section.heading, "modified", previous.plain_text(), section.plain_text()
            )
        else:
            continue
        keyed.append(((new_index[anchor], 0, 0), change))
    kept_before = -1
    for old_index, (anchor, section) in enumerate(before.items()):
        if anchor in after:
            kept_before = new_index[anchor]
            continue
        change = SectionChange(anchor, section.heading, "removed", section.plain_text(), "")
        keyed.append(((kept_before, 1, old_index), change))
    return [change for _key, change in sorted(keyed, key=lambda pair: pair[0])]


def changed_anchors(changes: Iterable[SectionChange]) -> set[str]:
    return {change.anchor for change in changes}
