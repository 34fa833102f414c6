"""A section's paragraphs, lists and tables as escaped HTML content blocks.

Rules (obligations, prohibitions, warnings) stand out as callouts; everything else between two
callouts is merged into one text block, so a lesson is not a pile of one-line blocks.
"""

from __future__ import annotations

from html import escape

from saveit.documents.ingest.outline import Block, Section

from . import sentences as s
from .proposals import ProposedBlock


def _cells(row: list[str], tag: str, width: int) -> str:
    padded = [*row, *([""] * (width - len(row)))]
    return "<tr>" + "".join(f"<{tag}>{_lines(cell)}</{tag}>" for cell in padded) + "</tr>"


def _lines(text: str) -> str:
    """Line breaks inside a cell or a paragraph read as separate sentences."""
    return " ".join(escape(line) for line in text.splitlines())


def block_html(block: Block) -> str:
    if block.kind == "list":
        tag = "ol" if block.ordered else "ul"
        items = "".join(f"<li>{_lines(item)}</li>" for item in block.items)
        return f"<{tag}>{items}</{tag}>"
    if block.kind == "table":
        rows = block.rows
        width = max((len(row) for row in rows), default=0)
        head = _cells(rows[0], "th", width) if rows else ""
        body = "".join(_cells(row, "td", width) for row in rows[1:])
        return f"<table><thead>{head}</thead><tbody>{body}</tbody></table>"
    return f"<p>{_lines(block.text)}</p>"


def section_blocks(section: Section, *, heading: bool) -> list[ProposedBlock]:
    """`heading`: a subsection folded into its parent's lesson opens with its own title."""
    out: list[ProposedBlock] = []
    pending: list[str] = [f"<h3>{escape(section.heading)}</h3>"] if heading else []

    def flush() -> None:
        if pending:
            out.append(ProposedBlock("text", "".join(pending), section.anchor))
            pending.clear()

    for block in section.blocks:
        if block.kind == "paragraph" and s.is_rule(block.text):
            flush()
            out.append(ProposedBlock("callout", block_html(block), section.anchor))
        else:
            pending.append(block_html(block))
    flush()
    return out
