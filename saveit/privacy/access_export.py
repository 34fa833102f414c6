"""A person's access export: every declared model's rows about them, in JSON and CSV, their
files (attestations, signed documents), and a manifest of SHA-256 of each file."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from datetime import datetime
from typing import Any

import orjson
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.module_loading import import_string

from .subjects import Person, declared_rows

FORMAT = "saveit-access-export/1"
# Secrets are never part of anybody's copy: they are not information about the person.
SECRET_FIELDS = {"password", "token_hash", "context_salt", "key", "secret", "digest"}
README = """Copie des données personnelles

Cette archive contient toutes les données que la plateforme SAVE IT détient sur vous pour
l'organisation {organization} à la date du {date} :

- data/<table>.json et data/<table>.csv : une table par type de donnée ;
- files/ : vos attestations et les documents que vous avez signés ;
- manifest.json : la liste des fichiers avec leur empreinte SHA-256.
"""


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | models.Model):
        return str(value)
    return orjson.loads(DjangoJSONEncoder().encode(value))


def row_dict(row: models.Model) -> dict[str, Any]:
    return {
        f.attname: _plain(getattr(row, f.attname))
        for f in row._meta.concrete_fields
        if f.name not in SECRET_FIELDS
    }


def csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: orjson.dumps(v).decode() if isinstance(v, dict | list) else v
                for k, v in row.items()
            }
        )
    return buffer.getvalue().encode("utf-8-sig")


class _Archive:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.files: list[dict[str, Any]] = []

    def add(self, path: str, content: bytes) -> None:
        if any(f["path"] == path for f in self.files):
            return
        self.archive.writestr(path, content)
        self.files.append(
            {"path": path, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
        )


def _row_files(row: models.Model, label: str, files_function: str) -> list[tuple[str, bytes]]:
    found: list[tuple[str, bytes]] = []
    for field in row._meta.concrete_fields:
        if isinstance(field, models.FileField):
            name = getattr(row, field.name).name
            if name and default_storage.exists(name):
                with default_storage.open(name, "rb") as stored:
                    found.append((f"{label}-{row.pk}-{name.rsplit('/', 1)[-1]}", stored.read()))
    if files_function:
        found += list(import_string(files_function)(row))
    return found


def build_access_export(person: Person) -> tuple[bytes, dict[str, int]]:
    """The zip and its row count per table."""
    buffer = io.BytesIO()
    counts: dict[str, int] = {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        out = _Archive(archive)
        for declaration, queryset in declared_rows(person):
            if not declaration.access:
                continue
            rows = list(queryset.order_by("pk").iterator(chunk_size=1000))
            if not rows:
                continue
            data = [row_dict(row) for row in rows]
            counts[declaration.label] = len(data)
            out.add(
                f"data/{declaration.label}.json", orjson.dumps(data, option=orjson.OPT_INDENT_2)
            )
            out.add(f"data/{declaration.label}.csv", csv_bytes(data))
            for row in rows:
                for name, content in _row_files(row, declaration.label, declaration.files):
                    out.add(f"files/{name}", content)
        now = timezone.now()
        out.add(
            "LISEZMOI.txt",
            README.format(
                organization=person.organization.name,
                date=timezone.localdate().strftime("%d/%m/%Y"),
            ).encode("utf-8"),
        )
        manifest = {
            "format": FORMAT,
            "organization": person.organization.name,
            "generated_at": now.isoformat(),
            "tables": counts,
            "files": out.files,
        }
        archive.writestr("manifest.json", orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    return buffer.getvalue(), counts
