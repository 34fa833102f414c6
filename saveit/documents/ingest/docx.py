"""Word (DOCX) read with python-docx, paragraphs and tables in document order."""

from __future__ import annotations

import io
import re
from typing import Any

import docx
from docx.oxml.ns import qn

from .outline import Outline, OutlineBuilder
from .text import heading_level

HEADING_STYLE = re.compile(r"^(?:heading|titre)\s*(\d)$", re.IGNORECASE)
TITLE_STYLES = {"title", "titre"}
# Inserted (tracked) runs and simple fields are text the reader sees, python-docx skips them.
RUNS = "w:r | w:hyperlink | w:ins/w:r | w:smartTag/w:r | w:fldSimple/w:r | w:sdt/w:sdtContent/w:r"
UNORDERED_FORMATS = {"bullet", "none"}


def parse(content: bytes) -> Outline:
    document = docx.Document(io.BytesIO(content))
    reader = _Reader(document)
    reader.walk(document.element.body)
    reader.builder.promote_single_top_heading()
    return reader.builder.build()


class _Reader:
    def __init__(self, document: Any) -> None:
        self.builder = OutlineBuilder("docx")
        self.styles = {s.styleId: s for s in document.styles.element.style_lst}
        defaults = [s for s in self.styles.values() if s.type == "paragraph" and s.default]
        self.default_style = defaults[0] if defaults else self.styles.get("Normal")
        try:
            self.numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            self.numbering = None

    def walk(self, container: Any) -> None:
        for child in container.iterchildren():
            if child.tag == qn("w:p"):
                self._paragraph(child)
            elif child.tag == qn("w:tbl"):
                self.builder.table([[_cell_text(tc) for tc in tr.tc_lst] for tr in child.tr_lst])
            elif child.tag == qn("w:sdt") and not _is_table_of_contents(child):
                for content in child.findall(qn("w:sdtContent")):
                    self.walk(content)

    def _paragraph(self, p: Any) -> None:
        text = _text(p)
        style = self._style(p)
        name = (style.name_val or "").strip().lower() if style is not None else ""
        if name.startswith(("toc", "table des mati")) or not text.strip():
            return
        if name in TITLE_STYLES and not self.builder.title:
            self.builder.set_title(text)
        elif level := self._heading_level(p, style, name):
            self.builder.heading(level, text)
        elif (ordered := self._list_kind(p, style, name)) is not None:
            self.builder.list_item(text, ordered=ordered)
        elif heading_level(" ".join(text.split())) == 0 and self._is_bold(p, style):
            self.builder.heading(None, text)  # a bold numbered line typed as a heading
        else:
            self.builder.paragraph(text)

    def _style(self, p: Any) -> Any:
        return self.styles.get(p.style) if p.style else self.default_style

    def _chain(self, style: Any) -> list[Any]:
        """The style and those it is based on, nearest first."""
        chain: list[Any] = []
        while style is not None and style not in chain and len(chain) < 20:
            chain.append(style)
            style = self.styles.get(style.basedOn_val) if style.basedOn_val else None
        return chain

    def _pr(self, p: Any, style: Any, tag: str) -> Any:
        """A paragraph property, set on the paragraph itself or inherited from its style."""
        for holder in [p, *self._chain(style)]:
            found = holder.pPr.find(qn(tag)) if holder.pPr is not None else None
            if found is not None:
                return found
        return None

    def _heading_level(self, p: Any, style: Any, name: str) -> int | None:
        if match := HEADING_STYLE.match(name):
            return max(int(match[1]), 1)
        outline = self._pr(p, style, "w:outlineLvl")
        value = outline.get(qn("w:val")) if outline is not None else None
        if value is not None and value.isdigit() and int(value) < 9:
            return int(value) + 1
        return None

    def _list_kind(self, p: Any, style: Any, name: str) -> bool | None:
        """None: not a list item; otherwise whether its list is ordered."""
        num_pr = self._pr(p, style, "w:numPr")
        num_id = _val(num_pr, "w:numId") if num_pr is not None else None
        if num_id == "0":
            num_pr = None  # numbering explicitly removed
        if num_pr is None and "list" not in name and "liste" not in name:
            return None
        if "number" in name or "numéro" in name:
            return True
        if "bullet" in name or "puce" in name or num_pr is None:
            return False
        number_format = self._number_format(num_id, _val(num_pr, "w:ilvl") or "0")
        return number_format not in UNORDERED_FORMATS

    def _number_format(self, num_id: str | None, level: str) -> str | None:
        if self.numbering is None or num_id is None:
            return None
        abstract = self.numbering.xpath(f'./w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val')
        if not abstract:
            return None
        formats = self.numbering.xpath(
            f'./w:abstractNum[@w:abstractNumId="{abstract[0]}"]'
            f'/w:lvl[@w:ilvl="{level}"]/w:numFmt/@w:val'
        )
        return str(formats[0]) if formats else None

    def _is_bold(self, p: Any, style: Any) -> bool:
        style_bold = any(
            s.rPr is not None and s.rPr.b is not None and s.rPr.b.val for s in self._chain(style)
        )
        runs = [r for r in p.xpath(RUNS) if r.tag == qn("w:r") and r.text.strip()]
        if not runs:
            return False
        return all(_run_bold(r, default=style_bold) for r in runs)


def _run_bold(run: Any, *, default: bool) -> bool:
    bold = run.rPr.b if run.rPr is not None else None
    return default if bold is None else bool(bold.val)


def _text(p: Any) -> str:
    return "".join(element.text for element in p.xpath(RUNS))


def _cell_text(tc: Any) -> str:
    """Every paragraph of the cell, nested tables included, one per line."""
    return "\n".join(_text(p) for p in tc.iter(qn("w:p")))


def _val(element: Any, tag: str) -> str | None:
    found = element.find(qn(tag))
    return found.get(qn("w:val")) if found is not None else None


def _is_table_of_contents(sdt: Any) -> bool:
    gallery = sdt.xpath("./w:sdtPr/w:docPartObj/w:docPartGallery/@w:val")
    return bool(gallery) and "contents" in str(gallery[0]).lower()
