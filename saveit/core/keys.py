"""The installation's Ed25519 signing key: created on first use, kept private on disk, rotatable.

One current key per installation signs every Open Badges credential, every evidence pack's seal
and every audit chain checkpoint. Third parties verify with the public half, published as a JWK
Set (with the retired keys' public halves, so what an older key signed still verifies) and
embedded in each credential's header.

Files (see docs/operations.md, "Signing keys"):
- `SAVEIT_SIGNING_KEY_PATH` (default var/keys/installation-ed25519.pem): the current private key;
- `retired/<kid>.pub.pem` beside it: the public half of each key rotation retired. Only the
  public half is kept: a retired key verifies, it never signs again.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings

RETIRED_DIR = "retired"
RETIRED_SUFFIX = ".pub.pem"


def key_path() -> Path:
    default = Path(settings.BASE_DIR) / "var" / "keys" / "installation-ed25519.pem"
    return Path(getattr(settings, "SAVEIT_SIGNING_KEY_PATH", default))


def retired_dir() -> Path:
    return key_path().parent / RETIRED_DIR


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class _SigningKey:
    """`signing_key()` is the installation's private key; `signing_key.cache_clear()` forgets it.

    The key is read once per process, per path and per version of the file (its inode and
    modification time): a rotation, which replaces the file, is seen by every running process at
    its next signature. Tests point the setting to a temporary file, which gives them their own
    key.
    """

    def __call__(self) -> Ed25519PrivateKey:
        path = key_path()
        try:
            info = path.stat()
        except FileNotFoundError:
            return _load_or_create(path)
        return _load(path, info.st_ino, info.st_mtime_ns)

    def cache_clear(self) -> None:
        _load_or_create.cache_clear()
        _load.cache_clear()


signing_key = _SigningKey()


@functools.cache
def _load(path: Path, inode: int, mtime_ns: int) -> Ed25519PrivateKey:
    """The key in this version of the file (the arguments after `path` key the cache)."""
    return _parse(path.read_bytes(), path)


@functools.cache
def _load_or_create(path: Path) -> Ed25519PrivateKey:
    try:
        pem = path.read_bytes()
    except FileNotFoundError:
        return _create(path)
    return _parse(pem, path)


def _parse(pem: bytes, path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise RuntimeError(f"{path} does not hold an Ed25519 private key.")
    return key


def _private_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _create(path: Path) -> Ed25519PrivateKey:
    """Write a new key, unless another process wins the race: then its key is everyone's key.

    The PEM is written complete to a private temporary file, then hard-linked to its final name:
    `link` never replaces an existing file, so two processes starting together cannot end up
    signing with two different keys, and nobody ever reads a half-written file.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = _private_pem(key)
    temporary = _temporary(path)
    _write_private(temporary, pem)
    try:
        os.link(temporary, path)
    except FileExistsError:
        return _parse(path.read_bytes(), path)
    except OSError:
        # A file system without hard links: exclusive creation still never overwrites a key.
        try:
            _write_private(path, pem)
        except FileExistsError:
            return _parse(path.read_bytes(), path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    return key


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")


def _write_private(path: Path, content: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(descriptor, 0o600)  # whatever the umask
        os.write(descriptor, content)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 thumbprint: SHA-256 of the required members, sorted, without whitespace.

    For an OKP key (RFC 8037 §2) the required members are crv, kty and x.
    """
    required = {name: jwk[name] for name in ("crv", "kty", "x")}
    canonical = json.dumps(required, sort_keys=True, separators=(",", ":"))
    return b64url(hashlib.sha256(canonical.encode("utf-8")).digest())


def jwk_of(public_key: Ed25519PublicKey) -> dict[str, str]:
    """A public key as a JWK (RFC 8037), identified by its RFC 7638 thumbprint."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)}
    return jwk | {"kid": thumbprint(jwk), "use": "sig", "alg": "EdDSA"}


def public_jwk() -> dict[str, str]:
    """The current key's public half as a JWK."""
    return jwk_of(signing_key().public_key())


def retired_public_keys() -> list[Ed25519PublicKey]:
    """The public halves of the keys rotation retired, oldest file name first."""
    found: list[Ed25519PublicKey] = []
    folder = retired_dir()
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob(f"*{RETIRED_SUFFIX}")):
        key = serialization.load_pem_public_key(path.read_bytes())
        if not isinstance(key, Ed25519PublicKey):
            raise RuntimeError(f"{path} does not hold an Ed25519 public key.")
        found.append(key)
    return found


def verification_public_keys() -> list[Ed25519PublicKey]:
    """Every key whose signatures this installation accepts: the current one first."""
    return [signing_key().public_key(), *retired_public_keys()]


def verification_jwks() -> list[dict[str, str]]:
    return [jwk_of(key) for key in verification_public_keys()]


def find_jwk(kid: str) -> dict[str, str] | None:
    """The accepted key with this key id, current or retired; None when none has it."""
    return next((jwk for jwk in verification_jwks() if jwk["kid"] == kid), None)


def jwks() -> dict[str, list[dict[str, str]]]:
    """The JWK Set published to verifiers: the current key, then the retired ones."""
    return {"keys": verification_jwks()}


def is_accepted(public_key: Ed25519PublicKey) -> bool:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return any(
        raw == key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        for key in verification_public_keys()
    )


def rotate() -> tuple[str, str]:
    """Retire the current key (its public half is kept for verification) and make a new one
    current. Returns (retired kid, new kid).

    The retired public key is written first, then the new private key replaces the current file
    in one rename: at no moment is a signature made that the installation cannot verify.
    """
    path = key_path()
    old = signing_key()
    old_kid = jwk_of(old.public_key())["kid"]
    folder = retired_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    public_pem = old.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    retired = folder / f"{old_kid}{RETIRED_SUFFIX}"
    if not retired.exists():
        temporary = _temporary(retired)
        _write_private(temporary, public_pem)
        os.replace(temporary, retired)
    new = Ed25519PrivateKey.generate()
    temporary = _temporary(path)
    _write_private(temporary, _private_pem(new))
    os.replace(temporary, path)
    signing_key.cache_clear()
    return old_kid, jwk_of(new.public_key())["kid"]
