"""PDF documents rendered by typst from the templates next to this module (SPEC §2, §13).

The Python side formats every value (dates, money, rates) and translates every label; the
templates only lay out. Data reaches typst as JSON in an in-memory file, `/data.json`, beside an
in-memory main file that includes the template: nothing is written to disk and a value is always
printed as text, never read as typst markup. Not through `sys.inputs`: typst rebuilds and hashes
its whole standard library whenever `sys.inputs` changes, and that change invalidates every
result it memoised (the template's imports, the pages' unchanged paragraphs), about 1 ms a page.

This module imports neither Django nor the project's settings: bulk rendering runs
`compile_many` in worker processes that only start Python and import typst.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

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
        "table",
        "completion_report",
        "delivery_note",
        "sla_report",
        "invoice",
        "attendance_sheet",
        "realisation",
        "amendment",
    }
)

# One compiler per thread: building one (font book, file slots) costs about a third of a compile,
# and a compiler must not run two compilations at once. It re-reads a template that changed on
# disk, and gives the same bytes as a fresh one.
_compilers = threading.local()
# The main file of each template: the template itself, included, so that each compilation only
# swaps the two in-memory files (see `typst_files`).
_MAINS = {template: f'#include "{template}.typ"\n'.encode() for template in TEMPLATES}


def _compiler() -> typst.Compiler:
    compiler: typst.Compiler | None = getattr(_compilers, "compiler", None)
    if compiler is None:
        compiler = _compilers.compiler = typst.Compiler(
            root=str(TEMPLATES_DIR),
            # Only the fonts embedded in typst, so the same data gives the same bytes everywhere.
            ignore_system_fonts=True,
        )
    return compiler


def typst_input(data: Mapping[str, Any]) -> str:
    """The JSON text a template reads from `/data.json` (letterhead.typ's `load-data`)."""
    return json.dumps(data, ensure_ascii=False)


def typst_files(template: str, data_json: str) -> dict[str, bytes]:
    """The in-memory files of one compilation: a main file including the template, and the data."""
    if template not in TEMPLATES:
        raise ValueError(f"unknown PDF template: {template!r}")
    return {"main.typ": _MAINS[template], "data.json": data_json.encode()}


def compile_pdf(template: str, data_json: str, *, pdf_standards: Sequence[str] = ()) -> bytes:
    """The PDF of `templates/<template>.typ` filled with `data_json` (see `typst_input`).

    `pdf_standards` asks typst for e.g. ("a-3b",): PDF/A-3b, which invoices need to carry their
    Factur-X XML."""
    files = cast(Any, typst_files(template, data_json))
    try:
        compiler = _compiler()
        if pdf_standards:
            pdf = compiler.compile(
                input=files, format="pdf", pdf_standards=cast(Any, list(pdf_standards))
            )
        else:
            pdf = compiler.compile(input=files, format="pdf")
    except typst.TypstError as error:
        _compilers.__dict__.pop("compiler", None)
        detail = (error.diagnostic or str(error)).strip()
        raise RuntimeError(f"PDF template {template!r} failed to compile: {detail}") from error
    assert isinstance(pdf, bytes)
    return pdf


def compile_many(template: str, inputs: Sequence[tuple[str, str]]) -> list[tuple[str, bytes]]:
    """`(key, data_json)` pairs compiled in order to `(key, pdf)`: one chunk of a bulk render."""
    return [(key, compile_pdf(template, data_json)) for key, data_json in inputs]


def compile_many_with_qr(
    template: str, pages: Sequence[tuple[str, dict[str, Any], str, int | None, str]]
) -> list[tuple[str, bytes]]:
    """`(key, data, url, mask, colour)` compiled in order to `(key, pdf)`, with `data["qr_svg"]`
    set to the QR code of `url` first: drawing the QR codes is most of a page's preparation, so
    a bulk render does it in its workers, on every core, rather than in the parent."""
    from .qr import qr_svg

    compiled = []
    for key, data, url, mask, colour in pages:
        data["qr_svg"] = qr_svg(url, mask=mask, dark=colour)
        compiled.append((key, compile_pdf(template, typst_input(data))))
    return compiled


def exit_with_parent() -> None:
    """Pool initializer: the worker ends when the process that started the pool dies.

    A pool's workers otherwise idle forever once their parent is killed without cleaning up (a
    web server's timeout, an out-of-memory kill), each holding its memory.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def render_pdf(
    template: str, data: Mapping[str, Any], *, pdf_standards: Sequence[str] = ()
) -> bytes:
    """The PDF of `templates/<template>.typ` filled with `data` (strings, lists and dicts)."""
    return compile_pdf(template, typst_input(data), pdf_standards=pdf_standards)
