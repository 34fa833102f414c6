"""OpenDocument text (ODT) read with odfpy: headings, paragraphs, lists and tables."""

from __future__ import annotations

import io
from typing import Any

from odf.namespaces import STYLENS, TABLENS, TEXTNS
from odf.opendocument import load
from odf.text import P

from .outline import Outline, OutlineBuilder

TITLE_STYLES = {"title", "titre"}
SKIPPED = {"note", "annotation", "annotation-end", "bookmark", "number", "soft-page-break"}
ROW_HOLDERS = {"table-header-rows", "table-rows", "table-row-group"}
SECTIONS = {(TEXTNS, "section"), (TEXTNS, "index-body")}


def parse(content: bytes) -> Outline:
    document = load(io.BytesIO(content))
    reader = _Reader(document)
    reader.walk(document.text)
    reader.builder.promote_single_top_heading()
    return reader.builder.build()


class _Reader:
    def __init__(self, document: Any) -> None:
        self.builder = OutlineBuilder("odt")
        self.parents: dict[str, str] = {}
        self.ordered_lists: dict[str, bool] = {}
        for holder in (document.styles, document.automaticstyles):
            for style in holder.childNodes:
                self._remember(style)

    def _remember(self, style: Any) -> None:
        name = _attr(style, STYLENS, "name")
        if style.qname == (STYLENS, "style"):
            self.parents[name] = _attr(style, STYLENS, "parent-style-name")
            display = _attr(style, STYLENS, "display-name")
            if display.lower() in TITLE_STYLES:
                self.parents[name] = display
        elif style.qname == (TEXTNS, "list-style"):
            levels = [c for c in style.childNodes if _attr(c, TEXTNS, "level") in ("1", "")]
            first = levels[0].qname[1] if levels else ""
            self.ordered_lists[name] = first == "list-level-style-number"

    def walk(self, container: Any) -> None:
        for child in container.childNodes:
            qname = getattr(child, "qname", None)
            if qname == (TEXTNS, "h"):
                self._heading(child)
            elif qname == (TEXTNS, "p"):
                self._paragraph(child)
            elif qname == (TEXTNS, "list"):
                items: list[str] = []
                _list_items(child, items)
                style = _attr(child, TEXTNS, "style-name")
                self.builder.list_items(items, ordered=self.ordered_lists.get(style, False))
            elif qname == (TABLENS, "table"):
                self.builder.table(_rows(child))
            elif qname in SECTIONS:
                self.walk(child)

    def _heading(self, element: Any) -> None:
        level = _attr(element, TEXTNS, "outline-level")
        numbers = [c for c in element.childNodes if getattr(c, "qname", None) == (TEXTNS, "number")]
        prefix = _text(numbers[0]) + " " if numbers else ""
        self.builder.heading(int(level) if level.isdigit() else None, prefix + _text(element))

    def _paragraph(self, element: Any) -> None:
        text = _text(element)
        if self._is_title(_attr(element, TEXTNS, "style-name")) and not self.builder.title:
            self.builder.set_title(text)
        else:
            self.builder.paragraph(text)

    def _is_title(self, style: str) -> bool:
        seen: set[str] = set()
        while style and style not in seen:
            if style.lower() in TITLE_STYLES:
                return True
            seen.add(style)
            style = self.parents.get(style, "")
        return False


def _attr(element: Any, namespace: str, name: str) -> str:
    value = getattr(element, "attributes", {}).get((namespace, name))
    return str(value) if value is not None else ""


def _text(element: Any) -> str:
    """The visible text: spaces, tabs and line breaks unwrapped; notes and comments left out."""
    parts = []
    for child in element.childNodes:
        if child.nodeType == child.TEXT_NODE:
            parts.append(child.data)
            continue
        namespace, local = child.qname
        if namespace != TEXTNS:
            parts.append(_text(child))
        elif local == "s":
            parts.append(" " * int(_attr(child, TEXTNS, "c") or 1))
        elif local == "tab":
            parts.append("\t")
        elif local == "line-break":
            parts.append("\n")
        elif local not in SKIPPED:
            parts.append(_text(child))
    return "".join(parts)


def _list_items(element: Any, items: list[str]) -> None:
    """Nested lists are flattened: each item, then its sub-items, in reading order."""
    for item in element.childNodes:
        if getattr(item, "qname", None) not in ((TEXTNS, "list-item"), (TEXTNS, "list-header")):
            continue
        for child in item.childNodes:
            if getattr(child, "qname", None) == (TEXTNS, "list"):
                _list_items(child, items)
            elif getattr(child, "qname", None) in ((TEXTNS, "p"), (TEXTNS, "h")):
                items.append(_text(child))


def _rows(table: Any) -> list[list[str]]:
    rows: list[list[str]] = []
    for child in table.childNodes:
        qname = getattr(child, "qname", (None, None))
        if qname == (TABLENS, "table-row"):
            rows.append(
                [
                    "\n".join(_text(p) for p in cell.getElementsByType(P))
                    for cell in child.childNodes
                    if getattr(cell, "qname", None) == (TABLENS, "table-cell")
                ]
            )
        elif qname[0] == TABLENS and qname[1] in ROW_HOLDERS:
            rows.extend(_rows(child))
    return rows
