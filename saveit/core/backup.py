"""Backups that restore: the database, the stored files and the signing keys in one archive,
and the proof that it restores (SPEC §15, docs/operations.md "Backups and restore").

create_backup() writes `saveit-backup-<UTC time>.tar.gz`:
- `database.sqlite3` (SQLite's online backup API: safe while the server writes) or
  `database.pgdump` (pg_dump, custom format, taken in the snapshot the row counts are read in);
- `media/`: every stored file (the file-system storage; an object storage is backed up by
  its own means);
- `keys/`: the installation's signing key and the retired public keys;
- `manifest.json`: when, which database, the row count of every table at that snapshot.

restore_backup() unpacks an archive into a scratch folder (and, on PostgreSQL, a scratch
database), and returns the environment that points a Django process at the restored copy.
verify_restored() runs in such a process: the keys, every row count, every stored file against
its recorded SHA-256, and the checks apps register here (the audit chains and their checkpoints,
the issued credentials against the restored key).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.apps import apps
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.db import connection, models
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from . import keys

FORMAT = "saveit-backup/1"
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
KEY_FILE = "installation-ed25519.pem"


class BackupError(Exception):
    """The backup or the restore cannot be made (the message says why)."""


# --- the checks apps register ----------------------------------------------------------------


@dataclass
class CheckResult:
    label: str
    ok: bool
    summary: str
    problems: list[str] = field(default_factory=list)


RestoreCheck = Callable[[], CheckResult]
_CHECKS: dict[str, RestoreCheck] = {}


def restore_check(name: str) -> Callable[[RestoreCheck], RestoreCheck]:
    """Register a check run on every restored copy. Apps declare theirs in a `restore_checks`
    module (autodiscovered), so core imports none of them."""

    def register(check: RestoreCheck) -> RestoreCheck:
        _CHECKS[name] = check
        return check

    return register


def registered_checks() -> list[tuple[str, RestoreCheck]]:
    autodiscover_modules("restore_checks")
    return sorted(_CHECKS.items())


# --- taking a backup ---------------------------------------------------------------------------


def _vendor() -> str:
    if connection.vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"no backup method for a {connection.vendor} database")
    return connection.vendor


def _table_counts_sqlite(path: Path) -> dict[str, int]:
    database = sqlite3.connect(path)
    try:
        names = [
            row[0]
            for row in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " ORDER BY name"
            )
        ]
        return {
            name: database.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]  # noqa: S608
            for name in names
        }
    finally:
        database.close()


def table_counts() -> dict[str, int]:
    """Every table's row count on Django's connection (in its current transaction)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        counts = {}
        for name in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {quote(name)}")  # noqa: S608
            counts[name] = cursor.fetchone()[0]
    return counts


def _backup_sqlite(target: Path) -> dict[str, int]:
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)  # consistent, while others keep writing
    finally:
        destination.close()
    return _table_counts_sqlite(target)


def _pg_environment() -> tuple[list[str], dict[str, str]]:
    """pg_dump/pg_restore's connection arguments for Django's database (password in the env)."""
    params = connection.settings_dict
    arguments = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if params.get(key):
            arguments += [flag, str(params[key])]
    env = {**os.environ}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    return arguments, env


def _backup_postgresql(target: Path) -> dict[str, int]:
    if shutil.which("pg_dump") is None:
        raise BackupError(
            "pg_dump is not installed: install the PostgreSQL client (postgresql-client) of the "
            "server's major version, then run the backup again."
        )
    arguments, env = _pg_environment()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = table_counts()  # in the snapshot pg_dump reads
            dumped = subprocess.run(
                [
                    "pg_dump",
                    *arguments,
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    str(connection.settings_dict["NAME"]),
                ],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
        finally:
            cursor.execute("ROLLBACK")
    if dumped.returncode != 0:
        raise BackupError(f"pg_dump failed: {dumped.stderr.strip()[-2000:]}")
    return counts


def _media_root() -> Path | None:
    """The folder of the stored files, or None when they live in an object storage."""
    storage = storages["default"]
    return Path(storage.location) if isinstance(storage, FileSystemStorage) else None


def create_backup(destination: Path) -> Path:
    """Write one backup archive into `destination` (created if needed); returns its path.

    The archive holds the private signing key: it is written readable by its owner only."""
    destination.mkdir(parents=True, exist_ok=True)
    vendor = _vendor()
    keys.signing_key()  # an installation has a key; a backup must carry it
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    with tempfile.TemporaryDirectory(prefix="saveit-backup-") as staging_name:
        staging = Path(staging_name)
        if vendor == "sqlite":
            counts = _backup_sqlite(staging / SQLITE_FILE)
        else:
            counts = _backup_postgresql(staging / PG_FILE)
        media = _media_root()
        files = 0
        if media is not None and media.is_dir():
            shutil.copytree(media, staging / "media", symlinks=False)
            files = sum(1 for path in (staging / "media").rglob("*") if path.is_file())
        key_folder = staging / "keys"
        key_folder.mkdir(mode=0o700)
        shutil.copy2(keys.key_path(), key_folder / KEY_FILE)
        if keys.retired_dir().is_dir():
            shutil.copytree(keys.retired_dir(), key_folder / keys.RETIRED_DIR)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": vendor,
            "counts": counts,
            "media": "files" if media is not None else "object storage (not in this archive)",
            "media_files": files,
            "keys": [jwk["kid"] for jwk in keys.jwks()["keys"]],
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        archive = destination / f"saveit-backup-{stamp}.tar.gz"
        descriptor = os.open(archive, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            for path in sorted(staging.iterdir()):
                tar.add(path, arcname=path.name)
    return archive


# --- restoring ---------------------------------------------------------------------------------


@dataclass
class Restored:
    folder: Path
    manifest: dict[str, Any]
    env: dict[str, str]
    database_name: str = ""  # the scratch PostgreSQL database, dropped by discard()


def restore_backup(archive: Path, scratch: Path) -> Restored:
    """Unpack `archive` into `scratch` (and a scratch PostgreSQL database): the copy a new host
    would run on. Returns the environment of a Django process reading that copy."""
    scratch.mkdir(parents=True, exist_ok=True)
    unpacked = scratch / "archive"
    try:
        with tarfile.open(archive, "r:*") as tar:
            tar.extractall(unpacked, filter="data")
        manifest = json.loads((unpacked / MANIFEST).read_text())
    except (OSError, tarfile.TarError, ValueError, KeyError) as error:
        raise BackupError(f"{archive} is not a readable backup archive: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} is not a backup of this platform ({FORMAT})")
    var = scratch / "var"
    var.mkdir(exist_ok=True)
    if (unpacked / "media").is_dir():
        shutil.copytree(unpacked / "media", var / "media", dirs_exist_ok=True)
    else:
        (var / "media").mkdir(exist_ok=True)
    key_folder = var / "keys"
    if (unpacked / "keys").is_dir():
        shutil.copytree(unpacked / "keys", key_folder, dirs_exist_ok=True)
    env = {
        **os.environ,
        "SAVEIT_VAR_DIR": str(var),
        "SAVEIT_SIGNING_KEY_PATH": str(key_folder / KEY_FILE),
    }
    restored = Restored(scratch, manifest, env)
    if manifest["database"] == "sqlite":
        database = var / "saveit.sqlite3"
        shutil.copyfile(unpacked / SQLITE_FILE, database)
        env["DATABASE_URL"] = f"sqlite:///{database}"
    else:
        restored.database_name = _restore_postgresql(unpacked / PG_FILE, env)
    return restored


def _restore_postgresql(dump: Path, env: dict[str, str]) -> str:
    if shutil.which("pg_restore") is None:
        raise BackupError("pg_restore is not installed: install the PostgreSQL client.")
    name = f"{connection.settings_dict['NAME']}_restore_check"
    quoted = connection.ops.quote_name(name)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")
        cursor.execute(f"CREATE DATABASE {quoted}")
    arguments, pg_env = _pg_environment()
    restored = subprocess.run(
        ["pg_restore", *arguments, "--no-owner", f"--dbname={name}", str(dump)],
        env=pg_env,
        capture_output=True,
        text=True,
        check=False,
    )
    if restored.returncode != 0:
        raise BackupError(f"pg_restore failed: {restored.stderr.strip()[-2000:]}")
    env["DATABASE_URL"] = restored_database_url(connection.settings_dict, name)
    return name


def restored_database_url(params: dict[str, Any], name: str) -> str:
    """The DATABASE_URL of the restored copy `name`, on the server and with the credentials of
    `params` (Django's settings_dict). User, password and name are URL-quoted: a password with
    "@", ":" or "/" would otherwise be read as another host or database."""
    user = quote(params.get("USER") or "", safe="")
    password = f":{quote(params['PASSWORD'], safe='')}" if params.get("PASSWORD") else ""
    at = f"{user}{password}@" if user else ""
    host = f"{params.get('HOST') or '127.0.0.1'}:{params.get('PORT') or 5432}"
    return f"postgres://{at}{host}/{quote(name, safe='')}"


def discard(restored: Restored) -> None:
    if restored.database_name:
        with connection.cursor() as cursor:
            quoted = connection.ops.quote_name(restored.database_name)
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")


# --- checking a restored copy (in a process whose settings point at it) ---------------------


def _check_keys(manifest: dict[str, Any]) -> CheckResult:
    path = keys.key_path()
    if not path.is_file():  # checked before anything would create a new key
        return CheckResult(
            "signing keys", False, "missing", [f"the backup holds no signing key ({path})"]
        )
    kids = [jwk["kid"] for jwk in keys.jwks()["keys"]]
    problems = []
    if kids != manifest.get("keys"):
        problems.append(f"restored keys {kids} differ from the backed-up ones {manifest['keys']}")
    retired = len(kids) - 1
    return CheckResult(
        "signing keys", not problems, f"current key {kids[0]}, {retired} retired", problems
    )


def _check_counts(manifest: dict[str, Any]) -> CheckResult:
    expected: dict[str, int] = manifest["counts"]
    found = table_counts()
    problems = [
        f"table {name}: {expected.get(name, 'absent')} rows backed up, "
        f"{found.get(name, 'absent')} restored"
        for name in sorted(set(expected) | set(found))
        if expected.get(name) != found.get(name)
    ]
    rows = sum(found.values())
    summary = f"{len(found)} tables, {rows} rows" + (", all equal" if not problems else "")
    return CheckResult("row counts", not problems, summary, problems)


def _file_fields() -> Iterator[tuple[type[models.Model], str, str | None]]:
    """(model, file field, the field recording its SHA-256 or None) for every stored file."""
    for model in apps.get_models():
        names = {model_field.name for model_field in model._meta.get_fields()}
        for model_field in model._meta.get_fields():
            if isinstance(model_field, models.FileField):
                stem = "" if model_field.name == "file" else f"{model_field.name}_"
                hashed = f"{stem}sha256"
                yield model, model_field.name, hashed if hashed in names else None


def _sha256(name: str) -> str | None:
    """SHA-256 of the stored bytes, or None when the file is gone. The same as
    saveit.audit.services.stored_sha256, which core may not import (it sits below audit)."""
    digest = hashlib.sha256()
    try:
        with default_storage.open(name, "rb") as stored:
            while block := stored.read(1 << 20):
                digest.update(block)
    except (FileNotFoundError, OSError):
        return None
    return digest.hexdigest()


def check_stored_files() -> CheckResult:
    checked = hashed = 0
    problems = []
    for model, file_field, hash_field in _file_fields():
        columns = ["pk", file_field, *([hash_field] if hash_field else [])]
        rows = model._default_manager.exclude(**{file_field: ""}).values_list(*columns)
        for row in rows.iterator():
            pk, name = row[0], row[1]
            where = f"{model._meta.label} {pk}: {name}"
            checked += 1
            if not (hash_field and row[2]):
                if not default_storage.exists(name):
                    problems.append(f"{where} is missing")
                continue
            digest = _sha256(name)  # one read tells both: present, and the same bytes
            if digest is None:
                problems.append(f"{where} is missing")
                continue
            hashed += 1
            if digest != row[2]:
                problems.append(f"{where} does not match its recorded SHA-256")
    summary = f"{checked} files present, {hashed} checked against their recorded SHA-256"
    return CheckResult("stored files", not problems, summary, problems)


def verify_restored(manifest: dict[str, Any]) -> list[CheckResult]:
    """Every check of a restored copy; run in a process whose settings point at it."""
    results = [_check_keys(manifest), _check_counts(manifest), check_stored_files()]
    for name, check in registered_checks():
        try:
            results.append(check())
        except Exception as error:  # a check that crashes is a check that fails
            results.append(
                CheckResult(name, False, "crashed", [f"{type(error).__name__}: {error}"])
            )
    return results


@contextmanager
def scratch_folder(keep: Path | None) -> Iterator[Path]:
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
        return
    with tempfile.TemporaryDirectory(prefix="saveit-restore-") as name:
        yield Path(name)
