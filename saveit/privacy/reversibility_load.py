"""Loading a reversibility export back, and deleting an organisation once its client confirmed.

The import refuses, changing nothing, a zip whose seal, digests or audit chain do not verify,
an organisation this installation already holds, or rows that would collide with or point at
rows it does not have: everything is loaded in one transaction, files only after it commits.
"""

from __future__ import annotations

import contextlib
import secrets
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import IntegrityError, connection, models, transaction
from django.utils.translation import gettext as _

from saveit.accounts.models import Organization
from saveit.audit.chain import verify_chain
from saveit.audit.evidence import verify_pack
from saveit.core.errors import Refusal
from saveit.core.keys import verification_public_keys

from .reversibility import CHUNK, SCHEMA_VERSION, columns_of
from .tenant_tables import SHARED, TABLES, TenantTable, exported_tables

# Secrets never leave in an export; loaded rows get fresh unusable ones.
SECRETS: dict[str, dict[str, Any]] = {
    "accounts.User": {"password": lambda: "!" + secrets.token_hex(20)},
    "accounts.Invitation": {"token_hash": lambda: secrets.token_hex(32)},
}


class ImportRefused(Refusal):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems), code="import_refused")
        self.problems = problems


@dataclass
class ImportResult:
    organization: Organization
    counts: dict[str, int] = field(default_factory=dict)
    files: int = 0


@contextlib.contextmanager
def _stored_dates_kept(model: type[models.Model]) -> Iterator[None]:
    """auto_now fields would stamp loaded rows with today: the export's dates are kept."""
    changed = []
    for f in model._meta.concrete_fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            changed.append((f, f.auto_now, f.auto_now_add))  # type: ignore[attr-defined]
            f.auto_now = f.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for f, now, now_add in changed:
            f.auto_now, f.auto_now_add = now, now_add  # type: ignore[attr-defined]


def _rows(archive: zipfile.ZipFile, table: TenantTable) -> Iterator[dict[str, Any]]:
    with archive.open(f"tables/{table.label}.jsonl") as lines:
        for line in lines:
            if line.strip():
                yield orjson.loads(line)


def _instance(model: type[models.Model], fields: list[models.Field], row: dict[str, Any]) -> Any:
    values = {f.attname: f.to_python(row[f.attname]) if f.attname in row else None for f in fields}
    for name, make in SECRETS.get(model._meta.label, {}).items():
        values[name] = make()
    return model(**values)


def _shared_conflicts(table: TenantTable, batch: list[Any]) -> tuple[list[Any], list[str]]:
    """Shared rows (accounts, revocation lists) already here are reused when they are the same
    one; a different row under the same id or address is a collision."""
    model = table.model
    existing = model._default_manager.in_bulk([o.pk for o in batch])
    problems, fresh = [], []
    for obj in batch:
        here = existing.get(obj.pk)
        if here is None:
            fresh.append(obj)
        elif table.label == "accounts.User" and getattr(here, "email", None) != obj.email:
            problems.append(_("account %(id)s exists here for another person") % {"id": obj.pk})
    if table.label == "accounts.User":
        emails = [o.email for o in fresh]
        taken = get_user_model().objects.filter(email__in=emails).values_list("email", flat=True)
        problems += [_("the address %(e)s has another account here") % {"e": e} for e in taken]
    return fresh, problems


def import_export(path: str) -> ImportResult:
    report = verify_pack(path, expected_key=verification_public_keys())
    if not report.ok:
        raise ImportRefused(report.problems)
    with zipfile.ZipFile(path) as archive:
        manifest = orjson.loads(archive.read("manifest.json"))
        if manifest.get("schema_version") != SCHEMA_VERSION:
            raise ImportRefused([_("unknown schema version of the export")])
        slug = manifest["organization"]["slug"]
        if Organization.objects.filter(slug=slug).exists():
            raise ImportRefused(
                [_("this installation already holds the organisation %(slug)s") % {"slug": slug}]
            )
        result = _load_tables(archive, slug)
        result.files = _restore_files(archive, manifest)
    return result


def _load_tables(archive: zipfile.ZipFile, slug: str) -> ImportResult:
    counts: dict[str, int] = {}
    problems: list[str] = []
    try:
        with transaction.atomic():
            for table in exported_tables():
                counts[table.label] = _load_table(archive, table, problems)
                if problems:
                    raise ImportRefused(problems)
            _reset_sequences()
            connection.check_constraints()
            organization = Organization.objects.get(slug=slug)
            chain = verify_chain(organization, processes=1)
            if not chain.ok:
                raise ImportRefused([_("the loaded audit chain does not verify")])
    except IntegrityError as error:
        raise ImportRefused([_("rows point at data this installation does not hold: %(e)s")
                             % {"e": error}]) from error  # fmt: skip
    return ImportResult(organization=organization, counts=counts)


def _load_table(archive: zipfile.ZipFile, table: TenantTable, problems: list[str]) -> int:
    model = table.model
    fields = columns_of(model)
    count = 0
    batch: list[Any] = []

    def flush() -> None:
        nonlocal batch
        fresh = batch
        if table.label in SHARED:
            fresh, found = _shared_conflicts(table, batch)
            problems.extend(found)
        else:
            taken = model._default_manager.filter(pk__in=[o.pk for o in batch]).count()
            if taken:
                problems.append(
                    _("%(n)s rows of %(table)s collide with rows here")
                    % {"n": taken, "table": table.label}
                )
        if not problems:
            model._default_manager.bulk_create(fresh, batch_size=1000)
        batch = []

    with _stored_dates_kept(model):
        for row in _rows(archive, table):
            batch.append(_instance(model, fields, row))
            count += 1
            if len(batch) >= CHUNK:
                flush()
                if problems:
                    return count
        if batch:
            flush()
    return count


def _reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), [t.model for t in TABLES])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _restore_files(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> int:
    restored = 0
    for entry in manifest["files"]:
        path = entry["path"]
        if not path.startswith("files/"):
            continue
        name = path.removeprefix("files/")
        if default_storage.exists(name):
            continue
        with archive.open(path) as member:
            saved = default_storage.save(name, ContentFile(member.read()))
        if saved != name:  # the storage never renames a free name; refuse silently changed ones
            default_storage.delete(saved)
            continue
        restored += 1
    return restored
