"""PDF: the text layer page by page, without running headers, footers and page numbers."""

from __future__ import annotations

import io
import re
from collections import Counter

from pypdf import PdfReader

from . import refusals
from .outline import Outline
from .text import parse_lines

MIN_TEXT = 20
EDGE_LINES = 3  # running headers and footers sit within the first or last lines of a page
MIN_PAGES_FOR_REPEATS = 3
PAGE_LINE = re.compile(r"^(?:page|p\.)\s*\d{1,4}(?:\s*(?:/|sur|of|de)\s*\d{1,4})?$", re.I)
BARE_PAGE_NUMBER = re.compile(r"^[-–—]?\s*\d{1,4}\s*(?:/\s*\d{1,4})?\s*[-–—]?$")


def parse(content: bytes) -> Outline:
    reader = PdfReader(io.BytesIO(content))
    if reader.is_encrypted and not _opens_without_password(reader):
        raise refusals.encrypted()
    pages = [(page.extract_text() or "").splitlines() for page in reader.pages]
    if sum(len("".join(line.split())) for lines in pages for line in lines) < MIN_TEXT:
        raise refusals.no_text_layer()
    lines = [line for page in strip_running_lines(pages) for line in page]
    return parse_lines(lines, kind="pdf", title_needs_blank=False)


def _opens_without_password(reader: PdfReader) -> bool:
    """Many PDFs are "protected" against editing only, with an empty password to read them."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # an unknown algorithm is as good as a password we do not have
        return False


def strip_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Drop page numbers, and edge lines repeated on at least half of the pages."""
    edges = [_edge_indexes(lines) for lines in pages]
    repeated: set[str] = set()
    if len(pages) >= MIN_PAGES_FOR_REPEATS:
        seen = Counter(
            key
            for lines, indexes in zip(pages, edges, strict=True)
            for key in {_key(lines[i]) for i in indexes}
        )
        repeated = {key for key, count in seen.items() if key and count * 2 >= len(pages)}
    return [
        [
            line
            for i, line in enumerate(lines)
            if not _is_running(line, at_edge=i in indexes, repeated=repeated)
        ]
        for lines, indexes in zip(pages, edges, strict=True)
    ]


def _is_running(line: str, *, at_edge: bool, repeated: set[str]) -> bool:
    text = " ".join(line.split())
    if PAGE_LINE.match(text):
        return True
    return at_edge and (bool(BARE_PAGE_NUMBER.match(text)) or _key(text) in repeated)


def _edge_indexes(lines: list[str]) -> set[int]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return set(filled[:EDGE_LINES] + filled[-EDGE_LINES:])


def _key(line: str) -> str:
    """Page numbers change from page to page; the rest of a running line does not."""
    return re.sub(r"\d+", "#", " ".join(line.split()))
