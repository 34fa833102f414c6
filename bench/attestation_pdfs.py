"""Attestation PDFs in bulk: our render_many on two cores next to the raw floor (typst alone).

    .venv/bin/python bench/attestation_pdfs.py [--count 10000] [--runs 1] [--start-method spawn]

Builds `--count` realistic attestations in memory (French names, one module of three source
procedures, a unique number and verification code each, 2 % revoked, 3 % expired): the PDFs
need only the frozen facts and the QR mask chosen at issue, so no database is involved.
Ours: render_many with two worker processes, the parent preparing every page's data (facts,
state, QR code) as the single download does. Floor: the typst compiler alone, in this process,
compiling the attestation template with one fixed prepared input over and over.
SPEC §15 target: 10 000 attestation PDFs under 40 s using both cores (raw typst: ~160 pages/s
per core).
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SAVEIT_VAR_DIR", tempfile.mkdtemp(prefix="saveit-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django

# The render workers import this file again (as __mp_main__): they need typst, not Django.
if __name__ == "__main__":
    django.setup()

WORKERS = 2
TARGET_SECONDS_PER_10000 = 40.0
# Issue 22: under 25 s for 10 000, and at most 3 times the floor measured in the same run.
ISSUE_TARGET_SECONDS_PER_10000 = 25.0
MAX_RATIO = 3.0
SOURCES = (
    ("Procédure de consignation électrique des armoires de distribution", "2.0"),
    ("Mode opératoire — vérification d'absence de tension (VAT)", "1.3"),
    ("Fiche réflexe : accident d'origine électrique", "4.1"),
)


def attestations(count: int) -> list[Any]:
    """`count` unsaved attestations with realistic frozen facts, numbered ATT-2026-000001…"""
    from saveit.certificates.facts import AttestationFacts, SourceRef
    from saveit.certificates.models import Attestation
    from saveit.certificates.pdf_data import best_qr_mask
    from saveit.certificates.services import facts_to_json
    from saveit.testing.population_files import population_rows

    chance = random.Random(20260315)
    host = "https://formation.saveit-studio.example.fr"
    issued = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    sources = tuple(
        SourceRef(document=name, version_label=label, sha256=secrets.token_hex(32))
        for name, label in SOURCES
    )
    batch = []
    for index, row in enumerate(population_rows(count), start=1):
        last_name, first_name, email = row[0], row[1], row[2]
        number, code = f"ATT-2026-{index:06d}", secrets.token_urlsafe(12)
        issued_at = issued + timedelta(minutes=7 * index)
        expired = chance.random() < 0.03
        valid_until = date(2025, 12, 31) if expired else date(2028, 3, 2)
        facts = AttestationFacts(
            number=number,
            code=code,
            holder_name=f"{first_name} {last_name}",
            holder_email=email,
            organization="Centre hospitalier de Villefranche-sur-Saône",
            module_code="MOD-07",
            module_title="Consignation électrique des armoires de distribution",
            version_label="2.1",
            sources=sources,
            score=chance.randint(75, 100),
            pass_mark=75,
            issued_at=issued_at,
            valid_until=valid_until,
            issuer_name="SAVE IT Studio",
            verify_url=f"{host}/verify/{code}/",
            credential_id=f"{host}/verify/{code}/status.json",
            issuer_id=f"{host}/badges/issuer",
            achievement_id=f"{host}/badges/achievements/7",
            objectives=("Identifier les sources d'énergie", "Poser une consignation"),
        )
        batch.append(
            Attestation(
                pk=index,
                number=number,
                code=code,
                score=facts.score,
                issued_at=issued_at,
                valid_until=valid_until,
                facts=facts_to_json(facts),
                qr_mask=best_qr_mask(facts.verify_url),  # chosen at issue, as issue does
                revoked_at=issued_at + timedelta(days=3) if chance.random() < 0.02 else None,
            )
        )
    return batch


def _cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) of a running process, from /proc (0 where there is none)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ours(batch: list[Any]) -> tuple[float, float, float, int]:
    """Seconds for render_many over the batch on two workers, the parent's and the workers' CPU
    seconds in it, and the bytes produced. The workers' CPU is read just before the pool stops
    them (Linux; 0 elsewhere): unlike the wall time, it hardly depends on the machine's load."""
    from concurrent.futures import ProcessPoolExecutor

    from saveit.certificates import bulk

    workers_cpu = 0.0

    class CountingPool(ProcessPoolExecutor):
        def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
            nonlocal workers_cpu
            workers_cpu += sum(_cpu_seconds(pid) for pid in list(self._processes or {}))
            super().shutdown(wait=wait, cancel_futures=cancel_futures)

    bulk.ProcessPoolExecutor = CountingPool  # type: ignore[misc]
    try:
        started, cpu = time.perf_counter(), time.process_time()
        size = sum(len(pdf) for _number, pdf in bulk.render_many(batch, workers=WORKERS))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        bulk.ProcessPoolExecutor = ProcessPoolExecutor  # type: ignore[misc]
    return elapsed, cpu, workers_cpu, size


def preparation(batch: list[Any]) -> float:
    """CPU seconds per page to prepare the typst input (facts, state, QR code)."""
    from saveit.certificates.bulk import attestation_input

    today = date(2026, 6, 1)
    started = time.process_time()
    for attestation in batch:
        attestation_input(attestation, today=today)
    return (time.process_time() - started) / len(batch)


def typst_alone(inputs: list[str]) -> tuple[float, float]:
    """(seconds, CPU seconds) per page for typst compiling the template with these inputs, passed
    as the app passes them (in-memory files, see saveit.core.pdf.render.typst_files)."""
    import typst

    from saveit.core.pdf.render import TEMPLATES_DIR, typst_files

    compiler = typst.Compiler(root=str(TEMPLATES_DIR), ignore_system_fonts=True)
    pages: list[Any] = [typst_files("attestation", data) for data in inputs]
    compiler.compile(input=pages[0], format="pdf")  # fonts loaded, as in a worker
    started, cpu = time.perf_counter(), time.process_time()
    for files in pages:
        compiler.compile(input=files, format="pdf")
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return elapsed / len(inputs), cpu / len(inputs)


def one_run(batch: list[Any], floor_pages: int) -> tuple[float, ...]:
    """(ours s, ours parent CPU s, ours workers' CPU s, floor s/page, floor CPU s/page, typst CPU
    s/page with each page's own data, preparation CPU s/page, bytes)."""
    from saveit.certificates.bulk import attestation_input

    ours_time, parent_cpu, workers_cpu, size = ours(batch)
    sample = batch[:floor_pages]
    fixed = attestation_input(sample[0])
    floor, floor_cpu = typst_alone([fixed] * len(sample))
    _own, own_cpu = typst_alone([attestation_input(a) for a in sample])
    return (
        ours_time,
        parent_cpu,
        workers_cpu,
        floor,
        floor_cpu,
        own_cpu,
        preparation(sample),
        size,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument(
        "--start-method",
        choices=("forkserver", "spawn"),
        help="how the pool starts its workers (default: saveit.certificates.bulk.START_METHOD)",
    )
    parser.add_argument(
        "--floor-pages",
        type=int,
        default=2000,
        help="pages compiled for each single-process floor (at most --count)",
    )
    args = parser.parse_args()
    from saveit.certificates import bulk

    bulk.START_METHOD = args.start_method or bulk.START_METHOD
    floor_pages = max(1, min(args.floor_pages, args.count))
    started = time.perf_counter()
    batch = attestations(args.count)
    built = time.perf_counter() - started
    runs = [one_run(batch, floor_pages) for _ in range(args.runs)]
    ours_time, parent_cpu, workers_cpu, floor, floor_cpu, own_cpu, prepare, size = (
        statistics.median(column) for column in zip(*runs, strict=True)
    )
    count = args.count
    floor_projected = count * floor / WORKERS
    target = TARGET_SECONDS_PER_10000 * count / 10_000
    print(
        f"attestation PDFs, {count} attestations ({built:.1f} s to build in memory), "
        f"{WORKERS} {bulk.START_METHOD} workers on {os.cpu_count()} cores,"
        f" median of {args.runs} run(s)"
    )
    print(
        f"  ours: render_many               {ours_time:7.2f} s   {count / ours_time:6.1f} pages/s"
        f"   {size / count / 1024:.0f} KiB/page   (parent CPU {parent_cpu:.1f} s)"
    )
    print(
        f"  raw floor: typst, fixed input   {1 / floor:6.1f} pages/s per core over {floor_pages}"
        f" pages → {floor_projected:.2f} s for {count} on {WORKERS} cores"
    )
    issue_target = ISSUE_TARGET_SECONDS_PER_10000 * count / 10_000
    ratio = ours_time / floor_projected
    print(
        f"  ratio ours / raw floor          {ratio:4.1f}x"
        f"   target < {target:.3g} s {'ok' if ours_time < target else 'MISSED'};"
        f" issue 22: < {issue_target:.3g} s {'ok' if ours_time < issue_target else 'MISSED'},"
        f" ≤ {MAX_RATIO:g}x {'ok' if ratio <= MAX_RATIO else 'MISSED'}"
    )
    ours_cpu = parent_cpu + workers_cpu
    if workers_cpu:
        print(
            f"  CPU per page: ours {ours_cpu / count * 1000:.2f} ms (workers"
            f" {workers_cpu / count * 1000:.2f}, parent {parent_cpu / count * 1000:.2f}),"
            f" floor {floor_cpu * 1000:.2f} ms → CPU ratio {ours_cpu / count / floor_cpu:.1f}x;"
            f" all of it on {WORKERS} idle cores: {ours_cpu / WORKERS:.1f} s for {count}"
            " (less sensitive to the machine's load than the wall times)"
        )
    print(
        f"  CPU per page: preparation (facts, state, QR) {prepare * 1000:.1f} ms, typst with the"
        f" page's own data {own_cpu * 1000:.1f} ms → at best"
        f" {count * (prepare + own_cpu) / WORKERS:.1f} s for {count} on {WORKERS} cores"
        f" (typst's fixed input is cheaper: it reuses its layout)"
    )


if __name__ == "__main__":
    main()
