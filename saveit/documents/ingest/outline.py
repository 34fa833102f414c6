"""The normalised outline every parser produces: a flat list of sections carrying blocks.

Later phases point into sections by anchor, so anchors must be stable from one version of a
procedure to the next: numbered sections are anchored by their number, others by their title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from .numbering import AnchorRegistry, anchor_for, split_number

PREAMBLE_ANCHOR = "preambule"
OUTLINE_FORMAT = 1

BlockKind = Literal["paragraph", "list", "table"]


def clean(text: str) -> str:
    """Collapse runs of blanks to one space; keep line breaks (one per line, none empty)."""
    lines = (" ".join(line.split()) for line in str(text).splitlines())
    return "\n".join(line for line in lines if line)


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str = ""
    items: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    ordered: bool = False

    def plain_text(self) -> str:
        if self.kind == "list":
            return "\n".join(self.items)
        if self.kind == "table":
            return "\n".join(" | ".join(row) for row in self.rows)
        return self.text

    def to_json(self) -> dict[str, Any]:
        if self.kind == "list":
            return {"kind": "list", "items": list(self.items), "ordered": self.ordered}
        if self.kind == "table":
            return {"kind": "table", "rows": [list(row) for row in self.rows]}
        return {"kind": self.kind, "text": self.text}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Block:
        return cls(
            kind=data["kind"],
            text=data.get("text", ""),
            items=list(data.get("items", [])),
            rows=[list(row) for row in data.get("rows", [])],
            ordered=bool(data.get("ordered", False)),
        )


@dataclass(frozen=True)
class Section:
    anchor: str
    level: int  # 0 for the preamble, 1 for top-level sections
    number: str  # "5.2", "Article 3", or "" when the heading is not numbered
    title: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"{self.number} {self.title}".strip() if self.number else self.title

    def plain_text(self) -> str:
        return "\n".join(block.plain_text() for block in self.blocks)

    def to_json(self) -> dict[str, Any]:
        return {
            "anchor": self.anchor,
            "level": self.level,
            "number": self.number,
            "title": self.title,
            "blocks": [block.to_json() for block in self.blocks],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Section:
        return cls(
            anchor=data["anchor"],
            level=int(data["level"]),
            number=data.get("number", ""),
            title=data.get("title", ""),
            blocks=[Block.from_json(block) for block in data.get("blocks", [])],
        )


@dataclass(frozen=True)
class Outline:
    title: str
    sections: list[Section]
    kind: str

    @property
    def text_length(self) -> int:
        """Characters of real text (titles included, blanks excluded)."""
        parts = [self.title]
        for section in self.sections:
            parts.append(section.title)
            for block in section.blocks:
                parts += [block.text, *block.items, *(cell for row in block.rows for cell in row)]
        return sum(len(re.sub(r"\s+", "", part)) for part in parts)

    def section(self, anchor: str) -> Section | None:
        return next((s for s in self.sections if s.anchor == anchor), None)

    def anchors(self) -> list[str]:
        return [s.anchor for s in self.sections]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": OUTLINE_FORMAT,
            "kind": self.kind,
            "title": self.title,
            "sections": [section.to_json() for section in self.sections],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outline:
        return cls(
            title=data.get("title", ""),
            sections=[Section.from_json(s) for s in data.get("sections", [])],
            kind=data.get("kind", ""),
        )


@dataclass
class _Draft:
    level: int
    number: str
    title: str
    blocks: list[Block] = field(default_factory=list)


class OutlineBuilder:
    """What every parser feeds, in document order; `build()` assigns the anchors."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.title = ""
        self._drafts: list[_Draft] = [_Draft(0, "", "")]

    @property
    def _current(self) -> _Draft:
        return self._drafts[-1]

    @property
    def has_headings(self) -> bool:
        return len(self._drafts) > 1

    @property
    def is_empty(self) -> bool:
        return not self.has_headings and not self._current.blocks

    def set_title(self, text: str) -> None:
        if not self.title:
            self.title = " ".join(text.split())

    def heading(self, level: int | None, text: str) -> None:
        """A heading; `level` is the style's explicit level, None to take the number's depth."""
        text = " ".join(text.split())
        if not text:
            return
        numbered = split_number(text)
        if numbered is None:
            self._drafts.append(_Draft(max(level or 1, 1), "", text))
        else:
            depth = max(level or numbered.depth, 1)
            self._drafts.append(_Draft(depth, numbered.number, numbered.title))

    def paragraph(self, text: str) -> None:
        text = clean(text)
        if text:
            self._current.blocks.append(Block("paragraph", text=text))

    def list_items(self, items: list[str], ordered: bool = False) -> None:
        kept = [item for item in (clean(i) for i in items) if item]
        if kept:
            self._current.blocks.append(Block("list", items=kept, ordered=ordered))

    def list_item(self, text: str, ordered: bool = False) -> None:
        """One item; it joins the list just before it when that list has the same kind."""
        text = clean(text)
        if not text:
            return
        blocks = self._current.blocks
        if blocks and blocks[-1].kind == "list" and blocks[-1].ordered == ordered:
            blocks[-1].items.append(text)
        else:
            blocks.append(Block("list", items=[text], ordered=ordered))

    def table(self, rows: list[list[str]]) -> None:
        kept = []
        for row in rows:
            cells = [clean(cell) for cell in row]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                kept.append(cells)
        if kept:
            self._current.blocks.append(Block("table", rows=kept))

    def promote_single_top_heading(self) -> None:
        """A lone unnumbered top heading opening an untitled document is its title.

        What it introduces, before the first section, becomes the preamble.
        """
        if self.title or not self.has_headings or self._drafts[0].blocks:
            return
        first, rest = self._drafts[1], self._drafts[2:]
        if first.number or not rest or any(d.level <= first.level for d in rest):
            return
        self.title = first.title
        self._drafts[0].blocks.extend(first.blocks)
        del self._drafts[1]

    def build(self) -> Outline:
        preamble, headed = self._drafts[0], self._drafts[1:]
        shift = min((d.level for d in headed), default=1) - 1
        bases = [anchor_for(draft.number, draft.title) for draft in headed]
        anchors = AnchorRegistry([PREAMBLE_ANCHOR, *bases])
        sections = []
        if preamble.blocks:
            anchor = anchors.claim(PREAMBLE_ANCHOR)
            sections.append(Section(anchor, 0, "", "", preamble.blocks))
        for draft, base in zip(headed, bases, strict=True):
            anchor = anchors.claim(base)
            sections.append(
                Section(anchor, draft.level - shift, draft.number, draft.title, draft.blocks)
            )
        return Outline(title=self.title, sections=sections, kind=self.kind)
