"""The installation's Ed25519 signing key, created on first use and kept private on disk.

One key per installation signs every Open Badges credential. Third parties verify with the public
half, published as a JWK Set and embedded in each credential's header.
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
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings


def key_path() -> Path:
    default = Path(settings.BASE_DIR) / "var" / "keys" / "installation-ed25519.pem"
    return Path(getattr(settings, "SAVEIT_SIGNING_KEY_PATH", default))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class _SigningKey:
    """`signing_key()` is the installation's private key; `signing_key.cache_clear()` forgets it.

    The key is read once per process and per path (tests point the setting to a temporary file,
    which gives them their own key). Call `cache_clear()` after replacing the file in place.
    """

    def __call__(self) -> Ed25519PrivateKey:
        return _load_or_create(key_path())

    def cache_clear(self) -> None:
        _load_or_create.cache_clear()


signing_key = _SigningKey()


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


def _create(path: Path) -> Ed25519PrivateKey:
    """Write a new key, unless another process wins the race: then its key is everyone's key.

    The PEM is written complete to a private temporary file, then hard-linked to its final name:
    `link` never replaces an existing file, so two processes starting together cannot end up
    signing with two different keys, and nobody ever reads a half-written file.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
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


def public_jwk() -> dict[str, str]:
    """The public key as a JWK (RFC 8037), identified by its RFC 7638 thumbprint."""
    raw = (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)}
    return jwk | {"kid": thumbprint(jwk), "use": "sig", "alg": "EdDSA"}


def jwks() -> dict[str, list[dict[str, str]]]:
    return {"keys": [public_jwk()]}
