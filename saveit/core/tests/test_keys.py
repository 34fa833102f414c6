"""The installation's signing key: created private on first use, rotated with the old public
half kept for verification."""

from __future__ import annotations

import os
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command

from saveit.core import keys


@pytest.fixture
def key_file(settings, tmp_path):
    path = tmp_path / "keys" / "installation-ed25519.pem"
    settings.SAVEIT_SIGNING_KEY_PATH = path
    keys.signing_key.cache_clear()
    yield path
    keys.signing_key.cache_clear()


def raw(key) -> bytes:  # type: ignore[no-untyped-def]
    return key.public_bytes_raw()


def test_the_key_file_is_created_private_on_first_use_then_reused(key_file):
    assert not key_file.exists()
    first = keys.public_jwk()
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert list(key_file.parent.iterdir()) == [key_file]  # no temporary file left behind

    content = key_file.read_bytes()
    keys.signing_key.cache_clear()  # as a new process would
    assert keys.public_jwk() == first
    assert key_file.read_bytes() == content


def test_a_key_written_by_another_process_in_the_meantime_wins(key_file, monkeypatch):
    key_file.parent.mkdir(parents=True)
    other_process_key = keys._load_or_create(key_file.with_name("other.pem"))
    real_link = keys.os.link

    def link_after_the_other_process(source, destination):
        key_file.write_bytes(key_file.with_name("other.pem").read_bytes())
        return real_link(source, destination)

    monkeypatch.setattr(keys.os, "link", link_after_the_other_process)
    raw = keys.signing_key().public_key().public_bytes_raw()
    assert raw == other_process_key.public_key().public_bytes_raw()


def test_rotation_makes_a_new_key_current_and_keeps_the_old_public_half(key_file, capsys):
    old = keys.public_jwk()
    call_command("rotate_signing_key")
    new = keys.public_jwk()
    assert new["kid"] != old["kid"]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    [retired] = list(keys.retired_dir().iterdir())
    assert retired.name == f"{old['kid']}.pub.pem"
    assert b"PRIVATE" not in retired.read_bytes()  # a retired key verifies, it never signs
    assert keys.jwks() == {"keys": [new, old]}  # current first
    assert keys.find_jwk(old["kid"]) == old
    assert old["kid"] in capsys.readouterr().out


def test_a_signature_of_the_retired_key_is_still_accepted_and_an_unknown_key_is_not(key_file):
    before = keys.signing_key()
    signature = before.sign(b"sealed yesterday")
    keys.rotate()
    accepted = [key for key in keys.verification_public_keys() if keys.is_accepted(key)]
    assert len(accepted) == 2
    assert raw(keys.signing_key().public_key()) != raw(before.public_key())
    assert keys.is_accepted(before.public_key())
    before.public_key().verify(signature, b"sealed yesterday")
    assert not keys.is_accepted(Ed25519PrivateKey.generate().public_key())


def test_two_rotations_keep_both_old_keys(key_file):
    first = keys.public_jwk()["kid"]
    keys.rotate()
    second = keys.public_jwk()["kid"]
    keys.rotate()
    kids = [jwk["kid"] for jwk in keys.jwks()["keys"]]
    assert kids[0] not in {first, second}
    assert set(kids[1:]) == {first, second}


def test_a_running_process_signs_with_the_key_another_process_rotated_in(key_file):
    keys.signing_key()  # cached here
    other = Ed25519PrivateKey.generate()
    replacement = key_file.with_name("replacement.pem")
    replacement.write_bytes(keys._private_pem(other))
    os.replace(replacement, key_file)  # what rotate() in another process does
    assert raw(keys.signing_key().public_key()) == raw(other.public_key())
