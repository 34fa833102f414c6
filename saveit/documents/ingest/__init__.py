"""Client procedure files turned into a normalised outline, whatever their format.

`ingest()` is the one entry point: it decides the type on the bytes (refusing what is not a
document we read), then parses with the format's own library. Every failure is a `Refusal`
with a stable `code` and a message meant for the person who uploaded the file.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from saveit.core.errors import Refusal

from . import refusals
from .outline import Block, Outline, OutlineBuilder, Section
from .sniff import Detected, detect

__all__ = [
    "Block",
    "Detected",
    "Outline",
    "OutlineBuilder",
    "Section",
    "detect",
    "extract",
    "ingest",
]

# Parsers are imported on first use: their libraries are heavy and most requests need none.
PARSERS = {
    "docx": ("docx", "parse"),
    "odt": ("odt", "parse"),
    "pdf": ("pdf", "parse"),
    "markdown": ("markdown", "parse"),
    "html": ("html", "parse"),
    "text": ("text", "parse"),
    "xlsx": ("sheet", "parse_xlsx"),
    "csv": ("sheet", "parse_csv"),
}


def ingest(content: bytes, name: str, *, max_bytes: int) -> tuple[Detected, Outline]:
    detected = detect(content, name, max_bytes=max_bytes)
    return detected, extract(content, detected)


def extract(content: bytes, detected: Detected) -> Outline:
    try:
        outline = _parser(detected.kind)(content)
    except (Refusal, MemoryError):  # a memory limit is not a damaged file
        raise
    except Exception as error:  # each library fails its own way on a damaged file
        raise refusals.malformed(str(detected.label)) from error
    if outline.text_length == 0:
        raise refusals.no_text()
    return outline


def _parser(kind: str) -> Callable[[bytes], Outline]:
    module, function = PARSERS[kind]
    parser: Callable[[bytes], Outline] = getattr(import_module(f"{__name__}.{module}"), function)
    return parser
