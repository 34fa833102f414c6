"""Section numbers ("5.2", "Article 3", "III.") and the stable anchors derived from them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# A single top-level number needs a "." or ")" or a dash/colon after it, so that a line such as
# "48 heures maximum" is never mistaken for section 48.
_DOTTED = r"(?P<dotted>\d{1,3}(?:\.\d{1,3}){1,5})\.?\)?"
_SINGLE = r"(?P<single>\d{1,3})(?:[.)]|(?=\s*[–—:-]))"
_ARTICLE = r"(?i:article|art\.)\s+(?P<article>\d{1,3}(?:\.\d{1,3})*)\.?"
_ROMAN = r"(?P<roman>[IVX]{1,6})[.)]"
_SEPARATOR = r"(?:\s*[–—:-]\s*|\s+)"
NUMBERED = re.compile(
    rf"^(?:{_ARTICLE}|{_DOTTED}|{_SINGLE}|{_ROMAN}){_SEPARATOR}(?P<title>[^\s\d].*)$"
)
_VALID_ROMAN = re.compile(r"^(X{0,3})(IX|IV|V?I{0,3})$")

MAX_SLUG = 60


@dataclass(frozen=True)
class Numbered:
    number: str  # as shown: "5", "5.2", "Article 3", "III"
    title: str
    depth: int


def split_number(text: str) -> Numbered | None:
    """The leading section number of a heading, if any, and the title after it."""
    match = NUMBERED.match(text.strip())
    if match is None:
        return None
    title = match["title"].strip()
    if match["article"]:
        return Numbered(f"Article {match['article']}", title, match["article"].count(".") + 1)
    if match["roman"]:
        if not _VALID_ROMAN.match(match["roman"]):
            return None
        return Numbered(match["roman"], title, 1)
    number = match["dotted"] or match["single"]
    return Numbered(number, title, number.count(".") + 1)


def slugify(text: str, max_length: int = MAX_SLUG) -> str:
    """ASCII, lower case, words joined by "-": "Rôles et responsabilités" → "roles-et-…"."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def anchor_for(number: str, title: str) -> str:
    """Numbered sections are anchored by number, so a retitled section keeps its anchor."""
    return "s-" + (slugify(number) if number else slugify(title) or "section")


class AnchorRegistry:
    """Hands out anchors in document order; repeats get "-2", "-3", …

    Every base anchor of the document is reserved up front, so a repeated "5." never takes
    "s-5-2" away from section 5.2.
    """

    def __init__(self, bases: list[str]) -> None:
        self._reserved = set(bases)
        self._seen: set[str] = set()

    def claim(self, anchor: str) -> str:
        candidate, suffix = anchor, 1
        while candidate in self._seen or (suffix > 1 and candidate in self._reserved):
            suffix += 1
            candidate = f"{anchor}-{suffix}"
        self._seen.add(candidate)
        return candidate
