"""HTML read with the standard library parser: headings, paragraphs, lists and tables."""

from __future__ import annotations

from html.parser import HTMLParser

from .outline import Outline, OutlineBuilder
from .sniff import decode_text

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
HIDDEN = {"script", "style", "head", "template", "noscript", "svg", "math"}
BLOCKS = {
    "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "blockquote",
    "pre", "dl", "dt", "dd", "figure", "figcaption", "address", "hr", "body", "form", "fieldset",
}  # fmt: skip


def parse(content: bytes) -> Outline:
    text = decode_text(content)
    if text is None:
        raise ValueError("not text")
    reader = _Reader(OutlineBuilder("html"))
    reader.feed(text)
    reader.close()
    reader.flush()
    reader.builder.promote_single_top_heading()
    reader.builder.set_title(reader.page_title)  # only when no heading gave one
    return reader.builder.build()


class _Reader(HTMLParser):
    def __init__(self, builder: OutlineBuilder) -> None:
        super().__init__(convert_charrefs=True)
        self.builder = builder
        self.hidden = 0
        self.in_title = False
        self.page_title = ""
        self.heading: int | None = None
        self.buffer: list[str] = []
        self.lists: list[bool] = []  # ordered flag of each open list, outermost first
        self.items: list[str] = []
        self.tables = 0
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":  # a <head> left open ends where the body starts
            self.hidden = 0
        if tag in HIDDEN:
            self.hidden += 1
        elif tag == "title":
            self.in_title = True
        elif tag == "br":
            self._write("\n")
        elif not self.hidden:
            self._open(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
        elif tag == "title":
            self.in_title = False
        elif not self.hidden:
            self._close(tag)

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.page_title += data
        elif not self.hidden:
            self._write(data)

    def _write(self, text: str) -> None:
        (self.cell if self.cell is not None else self.buffer).append(text)

    def _open(self, tag: str) -> None:
        if self.tables and tag != "table":
            if tag == "tr" and self.tables == 1:
                self.rows.append([])
            elif tag in ("td", "th") and self.tables == 1:
                self.cell = []
            elif tag in BLOCKS or tag == "li":
                self._write("\n")
            return
        if tag in HEADINGS or tag in BLOCKS or tag in ("ul", "ol", "li", "table"):
            self.flush()
        if tag in HEADINGS:
            self.heading = HEADINGS[tag]
        elif tag in ("ul", "ol"):
            self.lists.append(tag == "ol")
        elif tag == "table":
            self.tables += 1

    def _close(self, tag: str) -> None:
        if tag == "table" and self.tables:
            self.tables -= 1
            if not self.tables:
                self._end_cell()
                self.builder.table(self.rows)
                self.rows = []
        elif self.tables:
            if tag in ("td", "th") and self.tables == 1:
                self._end_cell()
        elif tag in HEADINGS or tag in BLOCKS or tag == "li":
            self.flush()
        elif tag in ("ul", "ol") and self.lists:
            self.flush()
            ordered = self.lists.pop()
            if not self.lists:
                self.builder.list_items(self.items, ordered=ordered)
                self.items = []

    def _end_cell(self) -> None:
        if self.cell is not None:
            if not self.rows:
                self.rows.append([])
            self.rows[-1].append("".join(self.cell))
            self.cell = None

    def flush(self) -> None:
        text = "".join(self.buffer).strip()
        self.buffer = []
        if self.heading is not None:
            self.builder.heading(self.heading, text)
            self.heading = None
        elif not text:
            return
        elif self.lists:
            self.items.append(text)
        else:
            self.builder.paragraph(text)
