"""A corpus of French procedures of different shapes, written for the tests (no client's text).

- consignation.md: numbered steps (two ordered lists), roles in a list, prohibitions;
- reclamations.md: a table of responsibilities, deadlines, amounts;
- echantillons.md: quantities, temperatures, durations;
- deploiement.md: sibling sections "Phase 1 – …" to "Phase 6 – …", roles in prose;
- acces.txt: prose obligations in every form (doit, interdit, fait l'objet de, ne … que,
  avant toute, aucun … sans), in plain text.

`rendered(name, fmt)` turns one of them into a DOCX, ODT or PDF through the sample-file
builders, so the corpus also runs through those parsers.
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import sample_files as sf

FOLDER = Path(__file__).resolve().parent
# Which procedures number their steps or phases, and which assign roles: an ordering item and
# a "who is responsible" item are owed wherever the text has them.
WITH_STEPS = {"consignation", "deploiement"}
WITH_ROLES = {"consignation", "reclamations", "echantillons", "deploiement", "acces"}

_HEADING = re.compile(r"^(?:#{2,3}\s+)?(?P<heading>\d+(?:\.\d+)*\.?\s+\S.*)$")


def files() -> list[Path]:
    return sorted(p for p in FOLDER.iterdir() if p.suffix in {".md", ".txt"})


def sections_of(path: Path) -> tuple[str, str, list[sf.SampleSection]]:
    """(title, preamble, sections) of a corpus file, for the sample-file builders."""
    lines = [line.rstrip() for line in path.read_text(encoding="utf-8").splitlines()]
    title = lines[0].lstrip("# ").strip()
    preamble = ""
    sections: list[sf.SampleSection] = []
    blocks: list[sf.Block] = []
    heading = ""
    listing: tuple[str, list[str]] | None = None
    table: list[list[str]] = []

    def close() -> None:
        nonlocal listing, table
        if listing:
            blocks.append(listing)
        if table:
            blocks.append(("table", table))
        listing, table = None, []

    markdown = path.suffix == ".md"
    for line in lines[1:]:
        is_heading = line.startswith("#") if markdown else not line.endswith((".", ";", ":"))
        if is_heading and (match := _HEADING.match(line)):
            close()
            if heading:
                sections.append((heading, heading.split()[0].count(".") or 1, tuple(blocks)))
            heading, blocks = match.group("heading"), []
        elif not line.strip():
            close()
        elif line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if not all(set(c) <= {"-", ":"} for c in cells):
                table.append(cells)
        elif (bullet := re.match(r"^(?:-|\d+\.)\s+(.*)$", line)) and heading:
            kind = "bullets" if line.startswith("-") else "numbers"
            if listing is None:
                listing = (kind, [])
            listing[1].append(bullet.group(1))
        elif not heading:
            preamble = f"{preamble} {line}".strip()
        else:
            close()
            blocks.append(("p", line))
    close()
    if heading:
        sections.append((heading, heading.split()[0].count(".") or 1, tuple(blocks)))
    return title, preamble, sections


def rendered(path: Path, fmt: str) -> tuple[bytes, str]:
    """The procedure as a DOCX, ODT or PDF file: (content, file name)."""
    title, preamble, sections = sections_of(path)
    if fmt == "docx":
        return sf.sample_docx(sections, title=title, preamble=preamble), f"{path.stem}.docx"
    if fmt == "odt":
        return sf.sample_odt(sections, title=title, preamble=preamble), f"{path.stem}.odt"
    if fmt == "pdf":
        content = sf.sample_pdf(2, sections, title=title, preamble=preamble)
        return content, f"{path.stem}.pdf"
    raise ValueError(fmt)
