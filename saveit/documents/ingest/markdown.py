"""Markdown (CommonMark with tables) read token by token with markdown-it-py."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .outline import Outline, OutlineBuilder
from .sniff import decode_text


def parse(content: bytes) -> Outline:
    text = decode_text(content)
    if text is None:
        raise ValueError("not text")
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    walker = _Walker(OutlineBuilder("markdown"))
    for token in tokens:
        walker.feed(token)
    walker.builder.promote_single_top_heading()
    return walker.builder.build()


def inline_text(token: Token) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline", "image"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
    return "".join(parts)


class _Walker:
    def __init__(self, builder: OutlineBuilder) -> None:
        self.builder = builder
        self.heading_level: int | None = None
        self.list_depth = 0
        self.list_ordered = False
        self.items: list[str] = []
        self.item: list[str] = []
        self.rows: list[list[str]] | None = None

    def feed(self, token: Token) -> None:
        kind = token.type
        if kind == "heading_open":
            self.heading_level = int(token.tag[1])
        elif kind == "heading_close":
            self.heading_level = None
        elif kind in ("bullet_list_open", "ordered_list_open"):
            self._open_list(ordered=kind == "ordered_list_open")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self._close_list()
        elif kind in ("list_item_open", "list_item_close"):
            self._end_item()
        elif kind == "table_open":
            self.rows = []
        elif kind == "tr_open" and self.rows is not None:
            self.rows.append([])
        elif kind == "table_close" and self.rows is not None:
            self.builder.table(self.rows)
            self.rows = None
        elif kind == "inline":
            self._text(inline_text(token))
        elif kind in ("fence", "code_block"):
            self._text(token.content)

    def _text(self, text: str) -> None:
        if self.rows:
            self.rows[-1].append(text)
        elif self.heading_level is not None:
            self.builder.heading(self.heading_level, text)
        elif self.list_depth:
            self.item.append(text)
        else:
            self.builder.paragraph(text)

    def _open_list(self, *, ordered: bool) -> None:
        if self.list_depth == 0:
            self.list_ordered, self.items = ordered, []
        self._end_item()  # a parent item comes before its children
        self.list_depth += 1

    def _close_list(self) -> None:
        self._end_item()
        self.list_depth -= 1
        if self.list_depth == 0:
            self.builder.list_items(self.items, ordered=self.list_ordered)

    def _end_item(self) -> None:
        if self.item:
            self.items.append(" ".join(self.item))
            self.item = []
