"""Plain text, and the line rules shared with PDF text: headings, list items, paragraphs."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .numbering import split_number
from .outline import Outline, OutlineBuilder
from .sniff import decode_text

MAX_HEADING = 120
MAX_CAPS_HEADING = 80
# Word's Symbol and Wingdings bullets come out of PDFs as private-use characters.
BULLET = re.compile(r"^\s*[-•*–▪◦·■►➢\uf0a7\uf0b7]\s+(?P<text>\S.*)$")
ORDERED = re.compile(r"^\s*(?:\d{1,3}|[a-zA-Z])[.)]\s+(?P<text>\S.*)$")


def parse(content: bytes) -> Outline:
    text = decode_text(content)
    if text is None:
        raise ValueError("not text")
    return parse_lines(text.splitlines(), kind="text", title_needs_blank=True)


def parse_lines(lines: Sequence[str], *, kind: str, title_needs_blank: bool) -> Outline:
    builder = OutlineBuilder(kind)
    start = _title_end(lines, builder, title_needs_blank)
    reader = _LineReader(builder)
    for line in lines[start:]:
        reader.feed(line)
    reader.flush()
    return builder.build()


def is_heading(line: str) -> bool:
    return heading_level(line) is not None


def heading_level(line: str) -> int | None:
    """None when the line is not a heading; 0 when its number gives the level."""
    if len(line) >= MAX_HEADING:
        return None
    if split_number(line) is not None:
        return None if line.endswith((".", ",", ";")) else 0
    return 1 if _is_caps_title(line) else None


def _is_caps_title(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return (
        len(line.split()) >= 2
        and len(line) <= MAX_CAPS_HEADING
        and len(letters) >= 4
        and all(c.isupper() for c in letters)
    )


def _title_end(lines: Sequence[str], builder: OutlineBuilder, needs_blank: bool) -> int:
    """The first line is the document's title when it stands alone and reads like one."""
    index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if index is None:
        return 0
    line = " ".join(lines[index].split())
    if _is_caps_title(line) and split_number(line) is None and _numbered_next(lines[index + 1 :]):
        # "PROCÉDURE OFFICIELLE" above "1. Objet", "2. Champ…": the document's title, not
        # a section of its own (the numbered sections are the sections).
        builder.set_title(line)
        return index + 1
    if is_heading(line) or BULLET.match(line) or ORDERED.match(line):
        return 0
    if len(line) >= MAX_HEADING or line.endswith((".", ",", ";", ":")):
        return 0
    following = lines[index + 1].strip() if index + 1 < len(lines) else ""
    if needs_blank and following and not is_heading(" ".join(following.split())):
        return 0
    builder.set_title(line)
    return index + 1


def _numbered_next(lines: Sequence[str]) -> bool:
    """The next heading after these lines carries a section number."""
    for raw in lines:
        line = " ".join(raw.split())
        if line and (level := heading_level(line)) is not None:
            return level == 0
    return False


class _LineReader:
    def __init__(self, builder: OutlineBuilder) -> None:
        self.builder = builder
        self.paragraph: list[str] = []
        self.item: list[str] = []
        self.item_ordered = False

    def feed(self, raw: str) -> None:
        line = " ".join(raw.split())
        if not line:
            self.flush()
        elif (level := heading_level(line)) is not None:
            self.flush()
            self.builder.heading(level or None, line)
        elif match := BULLET.match(line):
            self._start_item(match["text"], ordered=False)
        elif match := ORDERED.match(line):
            self._start_item(match["text"], ordered=True)
        elif self.item and raw[:1].isspace():
            self.item.append(line)
        else:
            self._flush_item()
            self.paragraph.append(line)

    def _start_item(self, text: str, *, ordered: bool) -> None:
        self.flush()
        self.item, self.item_ordered = [text], ordered

    def _flush_item(self) -> None:
        if self.item:
            self.builder.list_item(" ".join(self.item), ordered=self.item_ordered)
            self.item = []

    def flush(self) -> None:
        self._flush_item()
        if self.paragraph:
            self.builder.paragraph(" ".join(self.paragraph))
            self.paragraph = []
