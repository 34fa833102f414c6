"""PDF documents rendered by typst from the templates next to this module (SPEC §2, §13).

The Python side formats every value (dates, money, rates) and translates every label; the
templates only lay out. Data reaches typst as JSON through `sys.inputs`, so nothing is written to
disk and a value is always printed as text, never read as typst markup.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import typst

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATES = frozenset(
    {
        "scoping_note",
        "mapping_report",
        "proposal",
        "proforma",
        "agreement",
        "acceptance_record",
        "attestation",
    }
)


def render_pdf(template: str, data: Mapping[str, Any]) -> bytes:
    """The PDF of `templates/<template>.typ` filled with `data` (strings, lists and dicts)."""
    if template not in TEMPLATES:
        raise ValueError(f"unknown PDF template: {template!r}")
    try:
        pdf = typst.compile(
            str(TEMPLATES_DIR / f"{template}.typ"),
            root=str(TEMPLATES_DIR),
            # Only the fonts embedded in typst, so the same data gives the same bytes everywhere.
            ignore_system_fonts=True,
            sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
            format="pdf",
        )
    except typst.TypstError as error:
        detail = (error.diagnostic or str(error)).strip()
        raise RuntimeError(f"PDF template {template!r} failed to compile: {detail}") from error
    assert isinstance(pdf, bytes)
    return pdf
