"""Many attestation PDFs at once, on every core: an engagement's archive of attestations and the
closure's evidence pack (SPEC §9, §10; §15: 10 000 PDFs under 40 s on two cores).

The parent process reads the database and prepares each page's typst input exactly as the single
download does (the frozen facts, today's state); worker processes draw each page's QR code (the
costliest part of its preparation, so it runs on every core) and run the typst compiler
(`saveit.core.pdf.render.compile_many_with_qr`), so they need neither Django nor a database
connection. The pool starts its workers with "forkserver": a fresh interpreter that never inherits
the parent's connections or threads, and from which each worker forks cheaply.
"""

from __future__ import annotations

import csv
import hashlib
import io
import multiprocessing
import os
import zipfile
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import date, datetime
from typing import IO, Any

from django.utils import timezone

from saveit.core.dates import PARIS, paris_date
from saveit.core.jobs import ReportsProgress, no_progress
from saveit.core.pdf.render import (
    compile_many_with_qr,
    compile_pdf,
    exit_with_parent,
    typst_input,
)

from .models import Attestation
from .pdf_data import QR_COLOUR, attestation_data
from .services import facts_from_json

TEMPLATE = "attestation"
# Below this, starting worker processes costs more than it saves.
SMALL_BATCH = 20
START_METHOD = "forkserver"
# Pages per message to a worker: enough to make the pickling negligible, few enough that every
# worker gets several chunks and they all finish together.
MAX_CHUNK = 32
CHUNKS_PER_WORKER = 8
# Chunks sent ahead per worker, so a worker never waits for the parent to prepare the next one.
CHUNKS_IN_FLIGHT_PER_WORKER = 2
INDEX_COLUMNS = (
    "number",
    "holder",
    "module",
    "module_title",
    "version",
    "score",
    "issued_on",
    "valid_until",
    "state",
    "sha256",
    "size",
)


def attestation_input(attestation: Attestation, *, today: date | None = None) -> str:
    """The typst input of the attestation's PDF, as the single download builds it."""
    facts = facts_from_json(attestation.facts)
    data = attestation_data(facts, status=attestation.state(today), qr_mask=attestation.qr_mask)
    return typst_input(data)


def attestation_page(
    attestation: Attestation, *, today: date
) -> tuple[str, dict[str, Any], str, int | None, str]:
    """What a bulk render worker needs for one page: the data without its QR code, and how to
    draw it (see `compile_many_with_qr`)."""
    facts = facts_from_json(attestation.facts)
    data = attestation_data(
        facts, status=attestation.state(today), qr_mask=attestation.qr_mask, with_qr=False
    )
    return attestation.number, data, facts.verify_url, attestation.qr_mask, QR_COLOUR


def render_many(
    attestations: Iterable[Attestation],
    *,
    workers: int | None = None,
    today: date | None = None,
) -> Iterator[tuple[str, bytes]]:
    """`(number, pdf)` for each attestation, in the order given, the same bytes as its download.

    `workers` processes compile the pages (default: one per core); a small batch, or
    `workers=1`, is compiled in this process. `today` decides expiry, for the whole batch.
    """
    batch = list(attestations)
    count = max(1, workers or os.cpu_count() or 1)
    today = today or timezone.localdate()
    if count == 1 or len(batch) < SMALL_BATCH:
        for attestation in batch:
            yield (
                attestation.number,
                compile_pdf(TEMPLATE, attestation_input(attestation, today=today)),
            )
        return
    yield from _render_in_pool(batch, count, today)


def chunk_size(total: int, workers: int) -> int:
    return max(1, min(MAX_CHUNK, -(-total // (workers * CHUNKS_PER_WORKER))))


def _render_in_pool(
    batch: Sequence[Attestation], workers: int, today: date
) -> Iterator[tuple[str, bytes]]:
    size = chunk_size(len(batch), workers)
    context = multiprocessing.get_context(START_METHOD)
    if START_METHOD == "forkserver":
        # Workers fork from a server that has typst loaded already (no effect once it runs).
        context.set_forkserver_preload(["saveit.core.pdf.render"])
    pending: deque[Future[list[tuple[str, bytes]]]] = deque()
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=exit_with_parent
    )
    try:
        for start in range(0, len(batch), size):
            pages = [attestation_page(a, today=today) for a in batch[start : start + size]]
            pending.append(pool.submit(compile_many_with_qr, TEMPLATE, pages))
            while pending and (
                len(pending) > workers * CHUNKS_IN_FLIGHT_PER_WORKER or pending[0].done()
            ):
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def write_attestations_zip(
    attestations: Iterable[Attestation],
    fileobj: IO[bytes],
    *,
    workers: int | None = None,
    progress: ReportsProgress = no_progress,
) -> list[dict[str, Any]]:
    """A zip of `attestations/<number>.pdf` for each attestation, and `attestations/index.csv`.

    Returns the index rows: number, holder, module, version, score, dates, state, and each PDF's
    SHA-256 and size, for the manifest of an evidence pack.
    """
    batch = list(attestations)
    today = timezone.localdate()
    rows: list[dict[str, Any]] = []
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        pdfs = render_many(batch, workers=workers, today=today)
        for attestation, (number, pdf) in zip(batch, pdfs, strict=True):
            assert number == attestation.number
            archive.writestr(_entry(f"attestations/{number}.pdf", attestation.issued_at), pdf)
            rows.append(index_row(attestation, pdf, today=today))
            progress(len(rows), len(batch))
        archive.writestr(_entry("attestations/index.csv", timezone.now()), index_csv(rows))
    return rows


def index_row(attestation: Attestation, pdf: bytes, *, today: date) -> dict[str, Any]:
    facts = attestation.facts
    return {
        "number": attestation.number,
        "holder": facts["holder_name"],
        "module": facts["module_code"],
        "module_title": facts["module_title"],
        "version": facts["version_label"],
        "score": attestation.score,
        "issued_on": paris_date(attestation.issued_at).isoformat(),
        "valid_until": attestation.valid_until.isoformat() if attestation.valid_until else "",
        "state": str(attestation.state(today)),
        "sha256": hashlib.sha256(pdf).hexdigest(),
        "size": len(pdf),
    }


# Spreadsheets run a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def index_csv(rows: Iterable[dict[str, Any]]) -> bytes:
    """The index, UTF-8 with a BOM so spreadsheets read accents; columns are stable names."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(INDEX_COLUMNS)
    writer.writerows([_cell(row[column]) for column in INDEX_COLUMNS] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _entry(name: str, moment: datetime) -> zipfile.ZipInfo:
    """A zip entry dated in Paris time (zip dates have no time zone), readable by everyone."""
    local = timezone.localtime(moment, PARIS)
    info = zipfile.ZipInfo(name, date_time=local.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o100644 << 16
    return info
