"""Parsing an uploaded file in a child process held to limits of memory, time and result size.

A parser library fed a hostile or merely huge file may take minutes of CPU and gigabytes of
memory (a 13.5 MB DOCX once cost 35 s and 600 MB, for a 63 MB outline). The web worker must
not pay that: `extract_isolated()` hands the bytes to a child process forked from a small
fork server (started once per worker process, with Django and the parsers already imported,
and no threads, so forking it is safe and cheap). The child limits its own address space
(RLIMIT_AS) and CPU time (RLIMIT_CPU) before parsing, and refuses an outline whose JSON is
larger than INGEST_MAX_OUTLINE_BYTES; the parent waits no longer than INGEST_TIMEOUT_SECONDS
and kills it then. Whatever the limit reached, the person gets one clear refusal.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
from multiprocessing.connection import Connection
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from saveit.core.errors import Refusal

from .outline import Outline
from .sniff import Detected, detect

MEGABYTE = 1024 * 1024


def too_complex() -> Refusal:
    return Refusal(
        _(
            "This document is too big or too complex to be analysed: split it into smaller "
            "documents, or save it again without images or embedded objects, then send it again."
        ),
        code="too_complex",
    )


def ingest_isolated(content: bytes, name: str, *, max_bytes: int) -> tuple[Detected, Outline]:
    """`ingest()`, the parsing done in a bounded child process (the type is sniffed here: cheap)."""
    detected = detect(content, name, max_bytes=max_bytes)
    return detected, extract_isolated(content, detected)


def extract_isolated(content: bytes, detected: Detected, *, background: bool = False) -> Outline:
    """The outline of the file, parsed in a child process held to the INGEST_* limits (the
    worker, which keeps no one waiting, grants more time than a request: INGEST_BACKGROUND_*)."""
    cpu = settings.INGEST_BACKGROUND_CPU_SECONDS if background else settings.INGEST_MAX_CPU_SECONDS
    timeout = (
        settings.INGEST_BACKGROUND_TIMEOUT_SECONDS
        if background
        else settings.INGEST_TIMEOUT_SECONDS
    )
    limits = {
        "memory": settings.INGEST_MAX_MEMORY_MB * MEGABYTE,
        "cpu": cpu,
        "outline": settings.INGEST_MAX_OUTLINE_BYTES,
    }
    context = _context()
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(
        target=_child,
        args=(sending, content, detected.kind, translation.get_language(), limits),
        daemon=True,
    )
    child.start()
    sending.close()
    try:
        if not receiving.poll(timeout):
            raise too_complex()
        answer = receiving.recv()
    except (EOFError, OSError):  # killed by a limit (CPU time) before it could answer
        raise too_complex() from None
    finally:
        receiving.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    status, *rest = answer
    if status == "ok":
        return Outline.from_json(json.loads(rest[0]))
    message, code = rest
    raise Refusal(message, code=code)


def _context() -> Any:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([f"{__package__}.fork_server"])
    return context


def _child(
    answer: Connection, content: bytes, kind: str, language: str | None, limits: dict[str, int]
) -> None:
    """Runs in the child: limits itself, parses, sends one answer."""
    resource.setrlimit(resource.RLIMIT_AS, (limits["memory"], limits["memory"]))
    cpu = int(resource.getrusage(resource.RUSAGE_SELF).ru_utime) + limits["cpu"]
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    from . import extract

    try:
        with translation.override(language):
            try:
                outline = json.dumps(extract(content, Detected.of(kind)).to_json())
            except MemoryError:
                raise too_complex() from None
            if len(outline) > limits["outline"]:
                raise too_complex()
        answer.send(("ok", outline))
    except Refusal as refusal:
        answer.send(("refused", refusal.message, refusal.code))
    except MemoryError:
        os._exit(1)  # the parent sees no answer: too complex
    finally:
        answer.close()
