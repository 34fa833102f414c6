"""Reversibility: one client organisation's whole data as a sealed zip, streamed to a file, and
loaded back into an installation that does not hold that organisation.

The zip (zipstream-ng: entries are produced one after another, nothing big sits in memory):
  manifest.json   schema version, organisation, per-table row counts, per-file size and SHA-256
  seal.json       the manifest's SHA-256 signed with the installation's key (as evidence packs)
  tables/<app.Model>.jsonl and .csv   every row, exact values (JSON Lines) and for spreadsheets
  dictionnaire.csv                    every column: type, nullable, label, personal or not
  files/<storage name>                original files (uploads, signed PDFs, checkpoints)
  pdf/attestations/<number>.pdf       attestations as issued
  scorm/<module>.zip + LICENCE.txt    SCORM 1.2 packages of the client's active modules
  audit/chain.jsonl + audit/verifier/ the audit chain and a standalone verifier
  LISEZMOI.txt                        what all this is, in French
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import IO, Any

import orjson
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone
from zipstream import ZIP_DEFLATED, ZipStream

from saveit.accounts.models import Organization
from saveit.audit.evidence import CHAIN_EXTRACT, MANIFEST, SEAL, chain_line, seal_of
from saveit.audit.models import AuditEvent
from saveit.core.keys import signing_key
from saveit.core.privacy import declaration_of

from .tenant_tables import TenantTable, exported_tables

FORMAT = "saveit-reversibility"
SCHEMA_VERSION = 1
CHUNK = 5000
Progress = Callable[[int, int, str], None]


def _once(produce: Callable[[], bytes]) -> list[bytes]:
    return [produce()]


def _no_progress(done: int, total: int, step: str) -> None:
    return None


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, memoryview | bytes):
        return bytes(value).hex()
    raise TypeError(type(value).__name__)


# Secrets are not data of the client: they never leave (a loaded row gets an unusable one).
SECRET_COLUMNS = {"accounts.User": {"password"}, "accounts.Invitation": {"token_hash"}}


def columns_of(model: type[models.Model]) -> list[models.Field]:
    hidden = SECRET_COLUMNS.get(model._meta.label, set())
    return [f for f in model._meta.concrete_fields if f.name not in hidden]


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return orjson.dumps(value, default=_default).decode()
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


@dataclass
class _Entry:
    path: str
    sha: Any = field(default_factory=hashlib.sha256)
    size: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "size": self.size, "sha256": self.sha.hexdigest()}


class ExportWriter:
    """Queues lazily produced entries on a ZipStream and records their size and digest."""

    def __init__(self) -> None:
        self.stream = ZipStream(compress_type=ZIP_DEFLATED, compress_level=1)
        self.entries: list[_Entry] = []

    def add(self, path: str, produce: Callable[[], Iterable[bytes]]) -> None:
        entry = _Entry(path)
        self.entries.append(entry)

        def chunks() -> Iterator[bytes]:
            for chunk in produce():
                if chunk:
                    entry.sha.update(chunk)
                    entry.size += len(chunk)
                    yield chunk

        self.stream.add(chunks(), path)

    def add_bytes(self, path: str, content: bytes) -> None:
        self.add(path, lambda: [content])


def _table_chunks(
    table: TenantTable, organization: Organization, counts: dict[str, int], csv_path: Path
) -> Iterator[bytes]:
    """JSON Lines of the table, rows by primary key; the CSV twin is written alongside."""
    model = table.model
    fields = columns_of(model)
    names = [f.attname for f in fields]
    rows = table.rows(organization).order_by("pk").values_list(*names)
    # csv writes None as "" and numbers as they are: only dates and JSON need converting, so
    # the per-value work is done on those columns alone (millions of rows).
    convert = [
        (index, _csv_value)
        for index, f in enumerate(fields)
        if isinstance(f, models.JSONField | models.DateField)
    ]
    count = 0
    with open(csv_path, "w", encoding="utf-8", newline="") as csv_file:
        writer = csv.writer(csv_file)
        writer.writerow(names)
        buffer: list[bytes] = []
        for values in rows.iterator(chunk_size=CHUNK):
            count += 1
            buffer.append(orjson.dumps(dict(zip(names, values, strict=True)), default=_default))
            if convert:
                line = list(values)
                for index, function in convert:
                    line[index] = function(line[index])
                writer.writerow(line)
            else:
                writer.writerow(values)
            if len(buffer) >= CHUNK:
                yield b"\n".join(buffer) + b"\n"
                buffer = []
        if buffer:
            yield b"\n".join(buffer) + b"\n"
    counts[table.label] = count


def _file_chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            yield block
    path.unlink(missing_ok=True)


def _stored_chunks(name: str) -> Iterator[bytes]:
    with default_storage.open(name, "rb") as handle:
        while block := handle.read(1 << 20):
            yield block


def stored_files(organization: Organization) -> Iterator[str]:
    """Storage names of every file the organisation's rows point at, once each."""
    seen: set[str] = set()
    for table in exported_tables():
        model = table.model
        file_fields = [f.attname for f in columns_of(model) if isinstance(f, models.FileField)]
        if table.label == "audit.ChainCheckpoint":
            file_fields = ["storage_name"]
        if table.label == "accounts.AttestationSignature":
            file_fields = ["image_name"]
        if not file_fields:
            continue
        for values in table.rows(organization).values_list(*file_fields).iterator(CHUNK):
            for name in values:
                if name and name not in seen and default_storage.exists(name):
                    seen.add(name)
                    yield name


def data_dictionary() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["table", "colonne", "type", "nullable", "libellé", "donnée personnelle"])
    for table in exported_tables():
        declaration = declaration_of(table.model)
        personal = set(declaration.fields) if declaration else set()
        for f in columns_of(table.model):
            writer.writerow(
                [
                    table.label,
                    f.attname,
                    f.get_internal_type(),
                    "oui" if f.null else "non",
                    str(f.verbose_name),
                    "oui" if f.name in personal else "non",
                ]
            )
    return buffer.getvalue().encode("utf-8")


def _attestation_pdfs(organization: Organization) -> Iterator[tuple[str, Callable[[], bytes]]]:
    from saveit.certificates.models import Attestation
    from saveit.certificates.pdf_data import render_attestation_pdf
    from saveit.certificates.services import facts_from_json

    for attestation in (
        Attestation.objects.filter(organization=organization).order_by("pk").iterator(500)
    ):

        def render(a: Attestation = attestation) -> bytes:
            return render_attestation_pdf(
                facts_from_json(a.facts), status=a.state(), qr_mask=a.qr_mask
            )

        yield f"pdf/attestations/{attestation.number}.pdf", render


def _scorm_packages(organization: Organization) -> Iterator[tuple[str, Callable[[], bytes]]]:
    from saveit.accounts.selectors import provider_organization
    from saveit.catalog.models import Block, ModuleVersion
    from saveit.catalog.scorm import PackageContext, build_scorm_package, scorm_filename
    from saveit.catalog.snapshot import snapshot_of

    provider = provider_organization()
    versions = ModuleVersion.objects.filter(
        module__organization=organization, status=ModuleVersion.Status.ACTIVE
    ).select_related("module")
    for version in versions.order_by("pk"):
        snapshot = snapshot_of(version)
        if "module" not in snapshot:  # a version without content has no package to give
            continue

        def build(v: ModuleVersion = version) -> bytes:
            files: dict[str, bytes] = {}
            for block in (
                Block.objects.filter(lesson__version=v).exclude(sha256="").exclude(file="")
            ):
                with default_storage.open(str(block.file.name), "rb") as handle:
                    files[block.sha256] = handle.read()
            context = PackageContext(
                client_name=organization.name,
                client_key=organization.slug,
                module_id=v.module_id,
                provider_name=provider.name if provider else "SAVE IT",
            )
            return build_scorm_package(snapshot_of(v), files, context=context)

        yield f"scorm/{version.pk}-{scorm_filename(snapshot)}", build


LICENCE = """Paquets SCORM des modules de {client}

Ces paquets ont été conçus et réalisés par {provider} pour {client}, dans le cadre du contrat
qui les lie. Le contenu métier (procédures, consignes) appartient à {client}. La structure
pédagogique, le lecteur et sa mise en forme restent la propriété de {provider} et sont concédés
à {client} pour son usage interne, selon les conditions de licence du contrat. Toute autre
diffusion demande l'accord écrit de {provider}.
"""

README = """Export de réversibilité — {client}

Cette archive contient l'ensemble des données de l'organisation « {client} » détenues par la
plateforme SAVE IT au {date}.

Contenu :
- manifest.json : version du schéma, nombre de lignes par table, taille et empreinte SHA-256 de
  chaque fichier ; seal.json : la signature Ed25519 de ce manifeste (clé publique incluse).
- tables/ : une table par fichier, en JSON Lines (valeurs exactes) et en CSV (UTF-8, virgule).
- dictionnaire.csv : chaque colonne, son type, son libellé et si c'est une donnée personnelle.
- files/ : les fichiers d'origine (procédures, documents signés, imports, points de contrôle).
- pdf/attestations/ : les attestations telles qu'émises.
- scorm/ : les paquets SCORM 1.2 des modules actifs, et LICENCE.txt (conditions d'usage).
- audit/chain.jsonl : le journal d'audit chaîné ; audit/verifier/ : un vérificateur autonome
  (python3 audit/verifier/verify.py audit/chain.jsonl, avec le paquet orjson).

Vérifier l'intégrité : recalculer le SHA-256 de chaque fichier et le comparer au manifeste ;
vérifier la signature de seal.json sur manifest.json. La commande
`manage.py reversibility_import --input <fichier>` recharge cette archive dans une installation
SAVE IT qui ne détient pas encore cette organisation.
"""

VERIFIER = '''"""Checks an audit chain extract: each line hashes to its stored hash and links
to the one before. Usage: python3 verify.py chain.jsonl (needs orjson).
"""
import sys
from datetime import datetime
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).parent))
from canonical import HASHED_COLUMNS, compute_hash  # noqa: E402

previous = None
count = 0
with open(sys.argv[1], "rb") as lines:
    for line in lines:
        event = orjson.loads(line)
        event["created_at"] = datetime.fromisoformat(event["created_at"])
        row = tuple(event[name] for name in HASHED_COLUMNS)
        if previous and (event["prev_hash"] != previous[1] or event["seq"] != previous[0] + 1):
            sys.exit(f"chain broken at seq {event['seq']}")
        if compute_hash(row) != event["hash"]:
            sys.exit(f"event seq {event['seq']} was modified")
        previous = (event["seq"], event["hash"])
        count += 1
print(f"ok: {count} events")
'''


def _chain_chunks(organization: Organization) -> Iterator[bytes]:
    from saveit.audit.chain import HASHED_COLUMNS

    events = AuditEvent.objects.filter(organization=organization).order_by("seq")
    buffer: list[bytes] = []
    for row in events.values(*HASHED_COLUMNS, "hash").iterator(chunk_size=CHUNK):
        buffer.append(chain_line(row))
        if len(buffer) >= CHUNK:
            yield b"".join(buffer)
            buffer = []
    if buffer:
        yield b"".join(buffer)


@dataclass
class ExportResult:
    path: str
    manifest_sha256: str
    counts: dict[str, int]
    files: int


def write_export(
    organization: Organization, output: str | IO[bytes], *, progress: Progress = _no_progress
) -> ExportResult:
    """Streams the organisation's export into `output` (a path or a writable binary file)."""
    writer = ExportWriter()
    counts: dict[str, int] = {}
    tables = exported_tables()
    workdir = Path(tempfile.mkdtemp(prefix="saveit-reversibility-"))
    total = len(tables) + 4
    step = {"n": 0}

    def advance(label: str) -> None:
        step["n"] += 1
        progress(step["n"], total, label)

    for table in tables:
        csv_path = workdir / f"{table.label}.csv"

        def jsonl(t: TenantTable = table, p: Path = csv_path) -> Iterator[bytes]:
            advance(t.label)
            yield from _table_chunks(t, organization, counts, p)

        writer.add(f"tables/{table.label}.jsonl", jsonl)
        writer.add(f"tables/{table.label}.csv", partial(_file_chunks, csv_path))
    writer.add_bytes("dictionnaire.csv", data_dictionary())
    for name in stored_files(organization):
        writer.add(f"files/{name}", partial(_stored_chunks, name))
    for path, render in _attestation_pdfs(organization):
        writer.add(path, partial(_once, render))
    provider = _provider_name()
    for path, build in _scorm_packages(organization):
        writer.add(path, partial(_once, build))
    writer.add_bytes(
        "scorm/LICENCE.txt",
        LICENCE.format(client=organization.name, provider=provider).encode("utf-8"),
    )
    writer.add(CHAIN_EXTRACT, lambda: _chain_chunks(organization))
    canonical = Path(__file__).resolve().parent.parent / "audit" / "canonical.py"
    writer.add_bytes("audit/verifier/canonical.py", canonical.read_bytes())
    writer.add_bytes("audit/verifier/verify.py", VERIFIER.encode("utf-8"))
    writer.add_bytes(
        "LISEZMOI.txt",
        README.format(
            client=organization.name, date=timezone.localdate().strftime("%d/%m/%Y")
        ).encode("utf-8"),
    )
    sealed: dict[str, Any] = {}

    def manifest() -> Iterator[bytes]:
        advance("manifest")
        content = orjson.dumps(
            {
                "format": f"{FORMAT}/{SCHEMA_VERSION}",
                "schema_version": SCHEMA_VERSION,
                "organization": {"slug": organization.slug, "name": organization.name},
                "exported_at": timezone.now().isoformat(),
                "tables": {label: {"rows": n} for label, n in counts.items()},
                "files": [e.as_dict() for e in writer.entries if e.path not in (MANIFEST, SEAL)],
            },
            option=orjson.OPT_INDENT_2,
        )
        sealed["manifest"] = content
        yield content

    def seal() -> Iterator[bytes]:
        yield orjson.dumps(seal_of(sealed["manifest"], signing_key(), f"{FORMAT}/1"))

    writer.stream.add(manifest(), MANIFEST)
    writer.stream.add(seal(), SEAL)
    target = open(output, "wb") if isinstance(output, str) else output  # noqa: SIM115
    try:
        for chunk in writer.stream:
            target.write(chunk)
    finally:
        if isinstance(output, str):
            target.close()
        for leftover in workdir.glob("*"):
            leftover.unlink()
        os.rmdir(workdir)
    advance("done")
    return ExportResult(
        path=output if isinstance(output, str) else "",
        manifest_sha256=hashlib.sha256(sealed["manifest"]).hexdigest(),
        counts=counts,
        files=len(writer.entries),
    )


def _provider_name() -> str:
    from saveit.accounts.selectors import provider_organization

    provider = provider_organization()
    return provider.name if provider else "SAVE IT"


def read_manifest(path: str) -> dict[str, Any]:
    with zipfile.ZipFile(path) as archive:
        return dict(orjson.loads(archive.read(MANIFEST)))
