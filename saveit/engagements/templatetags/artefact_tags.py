"""Free text of an artefact laid out on its HTML page as its PDF lays it out (letterhead.typ)."""

from __future__ import annotations

from typing import Any

from django import template

from ..artefacts import artefact_kind

register = template.Library()

BULLETS = ("- ", "• ", "* ")


@register.filter
def paragraphs(value: str | None) -> list[dict[str, Any]]:
    """Each non-empty line is a paragraph; lines starting with a dash or bullet make a list.

    Blocks are {"text": str} or {"bullets": [str]} (not "items": a template would read a dict's
    items method)."""
    blocks: list[dict[str, Any]] = []
    for raw in (value or "").replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        if line.startswith(BULLETS):
            item = line[2:].strip()
            if blocks and "bullets" in blocks[-1]:
                blocks[-1]["bullets"].append(item)
            else:
                blocks.append({"bullets": [item]})
        else:
            blocks.append({"text": line})
    return blocks


@register.filter
def artefact_label(code: str) -> str:
    """An artefact's name from the registry (the timeline stores only its code)."""
    kind = artefact_kind(code)
    return str(kind.label) if kind else code
