"""How a document's version label is shown: "v2.0" for "2.0", and a label that already names
itself ("v1", "V3", "Rév. 2") as it was typed, never "vv1"."""

from __future__ import annotations


def version_tag(label: object) -> str:
    text = str(label or "").strip()
    return f"v{text}" if text[:1].isdigit() else text
