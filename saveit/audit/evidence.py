"""Evidence packs: the sealed zip of an engagement, written and checked without the platform.

A pack holds its files, `manifest.json` (each file's path, size and SHA-256) and `seal.json`
(the manifest's SHA-256, signed with the installation's Ed25519 key, and the public key).
`verify_pack` checks a pack offline: every listed file is there with its size and digest,
nothing was added, the seal signs this very manifest, and the audit extract's chain holds.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .chain import HASHED_COLUMNS, compute_hash

MANIFEST = "manifest.json"
SEAL = "seal.json"
CHAIN_EXTRACT = "audit/chain.jsonl"
FORMAT = "saveit-evidence-pack/1"
# A member of a pack is read in blocks and never past this size: a doctored pack can't exhaust
# the memory or the disk of the person checking it.
MAX_MEMBER_BYTES = 4 * 1024**3


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class PackWriter:
    """Adds files to a pack and remembers what the manifest must say about them."""

    archive: zipfile.ZipFile
    entries: list[dict[str, Any]] = field(default_factory=list)

    def add(self, path: str, content: bytes, *, description: str = "") -> dict[str, Any]:
        if path in (MANIFEST, SEAL) or any(e["path"] == path for e in self.entries):
            raise ValueError(f"duplicate or reserved path in an evidence pack: {path}")
        info = zipfile.ZipInfo(path, date_time=(2000, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        self.archive.writestr(info, content)
        entry = {
            "path": path,
            "size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
            "description": description,
        }
        self.entries.append(entry)
        return entry

    def seal(self, header: dict[str, Any], key: Ed25519PrivateKey) -> tuple[str, dict[str, Any]]:
        """Write the manifest and its signed seal; returns the manifest's SHA-256."""
        manifest = orjson.dumps(
            {"format": FORMAT, **header, "files": self.entries}, option=orjson.OPT_INDENT_2
        )
        digest = hashlib.sha256(manifest).hexdigest()
        seal = seal_of(manifest, key)
        for name, content in ((MANIFEST, manifest), (SEAL, orjson.dumps(seal))):
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            self.archive.writestr(info, content)
        return digest, seal


def seal_of(manifest: bytes, key: Ed25519PrivateKey, fmt: str = FORMAT) -> dict[str, Any]:
    """The seal of a manifest: its SHA-256 signed with the installation's key (any sealed zip
    of the platform — evidence pack, reversibility export — is sealed, and checked, this way)."""
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return {
        "format": fmt,
        "manifest_sha256": hashlib.sha256(manifest).hexdigest(),
        "algorithm": "Ed25519",
        "public_key": b64url(public),
        "signature": b64url(key.sign(manifest)),
    }


@dataclass
class PackReport:
    problems: list[str] = field(default_factory=list)
    files_checked: int = 0
    manifest_sha256: str = ""
    engagement: str = ""
    sealed_at: str = ""
    chain_events: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _digest(archive: zipfile.ZipFile, name: str) -> tuple[str, int]:
    sha, size = hashlib.sha256(), 0
    with archive.open(name) as member:
        while block := member.read(1 << 20):
            size += len(block)
            if size > MAX_MEMBER_BYTES:
                raise ValueError(f"{name} is larger than an evidence pack member may be")
            sha.update(block)
    return sha.hexdigest(), size


def verify_pack(
    source: str | IO[bytes],
    *,
    expected_key: Ed25519PublicKey | Sequence[Ed25519PublicKey] | None = None,
) -> PackReport:
    """`expected_key`: the key (or any of the keys) the seal must be made with."""
    report = PackReport()
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        report.problems.append(f"not a readable zip file: {error}")
        return report
    with archive:
        manifest = _read_small(archive, MANIFEST, report)
        seal = _read_small(archive, SEAL, report)
        if manifest is None or seal is None:
            return report
        _check_seal(manifest, seal, report, expected_key)
        try:
            listed = orjson.loads(manifest)
        except orjson.JSONDecodeError:
            report.problems.append("manifest.json is not valid JSON")
            return report
        report.engagement = str(listed.get("engagement", {}).get("reference", ""))
        report.sealed_at = str(listed.get("sealed_at", ""))
        _check_files(archive, listed.get("files", []), report)
        if any(entry.get("path") == CHAIN_EXTRACT for entry in listed.get("files", [])):
            _check_chain(archive, report)
    return report


def _read_small(archive: zipfile.ZipFile, name: str, report: PackReport) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        report.problems.append(f"{name} is missing")
        return None
    if info.file_size > 64 * 1024**2:
        report.problems.append(f"{name} is implausibly large")
        return None
    return archive.read(name)


def _check_seal(
    manifest: bytes,
    seal_bytes: bytes,
    report: PackReport,
    expected: Ed25519PublicKey | Sequence[Ed25519PublicKey] | None,
) -> None:
    report.manifest_sha256 = hashlib.sha256(manifest).hexdigest()
    try:
        seal = orjson.loads(seal_bytes)
        public = Ed25519PublicKey.from_public_bytes(unb64url(seal["public_key"]))
        signature = unb64url(seal["signature"])
    except (orjson.JSONDecodeError, KeyError, ValueError, TypeError):
        report.problems.append("seal.json is unreadable")
        return
    if seal.get("manifest_sha256") != report.manifest_sha256:
        report.problems.append("the seal does not match the manifest (manifest.json was changed)")
    try:
        public.verify(signature, manifest)
    except InvalidSignature:
        report.problems.append("the seal's signature does not verify: the manifest was altered")
    accepted = [expected] if isinstance(expected, Ed25519PublicKey) else expected
    raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
    if accepted is not None and all(
        raw != key.public_bytes(Encoding.Raw, PublicFormat.Raw) for key in accepted
    ):
        report.problems.append("the pack was sealed with another key than this installation's")


def _check_files(archive: zipfile.ZipFile, entries: Iterable[dict], report: PackReport) -> None:
    names = set(archive.namelist())
    seen = {MANIFEST, SEAL}
    for entry in entries:
        path = str(entry.get("path", ""))
        seen.add(path)
        if path not in names:
            report.problems.append(f"{path}: listed in the manifest but missing")
            continue
        try:
            digest, size = _digest(archive, path)
        except (ValueError, zipfile.BadZipFile, OSError) as error:
            report.problems.append(f"{path}: unreadable ({error})")
            continue
        if digest != entry.get("sha256") or size != entry.get("size"):
            report.problems.append(f"{path}: content differs from the manifest (SHA-256 or size)")
        report.files_checked += 1
    for extra in sorted(names - seen):
        report.problems.append(f"{extra}: not listed in the manifest (added after sealing)")


def _check_chain(archive: zipfile.ZipFile, report: PackReport) -> None:
    """Each event of the extract hashes to its stored hash and links to the one before."""
    previous = None
    with archive.open(CHAIN_EXTRACT) as member:
        for number, line in enumerate(io.TextIOWrapper(member, encoding="utf-8"), start=1):
            try:
                event = orjson.loads(line)
                row = _hashed_row(event)
            except (orjson.JSONDecodeError, KeyError, ValueError, TypeError):
                report.problems.append(f"audit extract line {number} is unreadable")
                return
            if previous is not None and (
                event["prev_hash"] != previous[1] or event["seq"] != previous[0] + 1
            ):
                report.problems.append(f"audit extract: the chain breaks at seq {event['seq']}")
                return
            if compute_hash(row) != event["hash"]:
                report.problems.append(f"audit extract: event seq {event['seq']} was modified")
                return
            previous = (event["seq"], event["hash"])
            report.chain_events += 1


def _hashed_row(event: dict[str, Any]) -> tuple[Any, ...]:
    values = dict(event)
    values["created_at"] = datetime.fromisoformat(values["created_at"])
    return tuple(values[name] for name in HASHED_COLUMNS)


def chain_line(row: Mapping[str, Any]) -> bytes:
    """One event of the extract: the hashed columns and the stored hash, as one JSON line."""
    values = {name: row[name] for name in HASHED_COLUMNS}
    values["created_at"] = row["created_at"].isoformat()
    values["hash"] = row["hash"]
    return orjson.dumps(values) + b"\n"
