"""An evidence pack verifies offline, and any change after sealing is found and named."""

from __future__ import annotations

import io
import zipfile

import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command

from saveit.audit.chain import record_event
from saveit.audit.evidence import CHAIN_EXTRACT, PackWriter, chain_line, verify_pack
from saveit.audit.models import AuditEvent
from saveit.core import keys

KEY = Ed25519PrivateKey.generate()


def sealed(files: dict[str, bytes], key: Ed25519PrivateKey = KEY) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        writer = PackWriter(archive)
        for path, content in files.items():
            writer.add(path, content)
        writer.seal({"engagement": {"reference": "M-2026-001"}, "sealed_at": "2026-12-01"}, key)
    return buffer.getvalue()


def rewritten(pack: bytes, *, change=None, drop=(), add=None) -> bytes:  # type: ignore[no-untyped-def]
    """The same zip with one member changed, some dropped, or one added."""
    source, target = zipfile.ZipFile(io.BytesIO(pack)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            if info.filename in drop:
                continue
            content = source.read(info.filename)
            if change and info.filename == change[0]:
                content = change[1](content)
            out.writestr(info, content)
        for name, content in (add or {}).items():
            out.writestr(name, content)
    return target.getvalue()


FILES = {"documents/note.pdf": b"%PDF-1.7 note", "exports/learners.csv": "Nom;Prénom\n".encode()}


def test_a_sealed_pack_verifies_with_its_key():
    report = verify_pack(io.BytesIO(sealed(FILES)), expected_key=KEY.public_key())
    assert report.ok and report.files_checked == 2 and report.engagement == "M-2026-001"


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        ({"change": ("exports/learners.csv", lambda c: c + b"Intrus;X\n")}, "content differs"),
        ({"drop": ("documents/note.pdf",)}, "listed in the manifest but missing"),
        ({"add": {"documents/extra.pdf": b"%PDF"}}, "not listed in the manifest"),
        ({"change": ("manifest.json", lambda c: c.replace(b"M-2026-001", b"M-2026-999"))},
         "the seal does not match the manifest"),
    ],
)  # fmt: skip
def test_each_kind_of_tampering_is_named(tamper, expected):
    report = verify_pack(io.BytesIO(rewritten(sealed(FILES), **tamper)))
    assert not report.ok
    assert any(expected in problem for problem in report.problems), report.problems


def test_a_manifest_rewritten_to_match_a_changed_file_breaks_the_signature():
    pack = sealed(FILES)
    manifest = orjson.loads(zipfile.ZipFile(io.BytesIO(pack)).read("manifest.json"))
    forged = b"%PDF-1.7 forged"
    import hashlib

    manifest["files"][0] |= {"sha256": hashlib.sha256(forged).hexdigest(), "size": len(forged)}
    seal = orjson.loads(zipfile.ZipFile(io.BytesIO(pack)).read("seal.json"))
    new_manifest = orjson.dumps(manifest, option=orjson.OPT_INDENT_2)
    seal["manifest_sha256"] = hashlib.sha256(new_manifest).hexdigest()
    doctored = rewritten(
        pack,
        change=("documents/note.pdf", lambda c: forged),
    )
    doctored = rewritten(doctored, change=("manifest.json", lambda c: new_manifest))
    doctored = rewritten(doctored, change=("seal.json", lambda c: orjson.dumps(seal)))
    report = verify_pack(io.BytesIO(doctored))
    assert any("signature does not verify" in p for p in report.problems)


def test_a_pack_resealed_with_another_key_is_refused_when_the_key_is_required():
    other = sealed(FILES, key=Ed25519PrivateKey.generate())
    assert verify_pack(io.BytesIO(other)).ok  # self-consistent…
    report = verify_pack(io.BytesIO(other), expected_key=KEY.public_key())
    assert any("another key" in problem for problem in report.problems)  # …but not ours


def test_a_pack_sealed_before_a_key_rotation_passes_the_installation_key_check(settings, tmp_path):
    settings.SAVEIT_SIGNING_KEY_PATH = tmp_path / "keys" / "installation-ed25519.pem"
    keys.signing_key.cache_clear()
    before = sealed(FILES, key=keys.signing_key())
    call_command("rotate_signing_key")
    path = tmp_path / "pack.zip"
    path.write_bytes(before)
    call_command("evidence_verify", str(path), "--installation-key")  # exits 1 on "another key"
    accepted = keys.verification_public_keys()
    assert verify_pack(io.BytesIO(before), expected_key=accepted).ok
    assert not verify_pack(io.BytesIO(before), expected_key=accepted[0]).ok  # the new key only
    keys.signing_key.cache_clear()


@pytest.mark.django_db
def test_the_audit_extract_is_checked_event_by_event(client_org, owner):
    for n in range(3):
        record_event(organization=client_org, action="test.event", actor=owner, after={"n": n})
    rows = list(AuditEvent.objects.filter(organization=client_org).order_by("seq").values())
    extract = b"".join(chain_line(row) for row in rows)
    pack = sealed({**FILES, CHAIN_EXTRACT: extract})
    report = verify_pack(io.BytesIO(pack))
    assert report.ok and report.chain_events == len(rows) >= 3
    # Re-sealing a doctored extract keeps the manifest consistent; the chain still tells.
    doctored = extract.replace(b'"n":1', b'"n":7')
    report = verify_pack(io.BytesIO(sealed({**FILES, CHAIN_EXTRACT: doctored})))
    assert any("was modified" in problem for problem in report.problems)
    lines = extract.splitlines(keepends=True)
    report = verify_pack(io.BytesIO(sealed({**FILES, CHAIN_EXTRACT: lines[0] + lines[2]})))
    assert any("chain breaks" in problem for problem in report.problems)


def test_the_command_exits_0_1_or_2(tmp_path, capsys):
    good, bad, junk = tmp_path / "ok.zip", tmp_path / "bad.zip", tmp_path / "junk.zip"
    good.write_bytes(sealed(FILES))
    bad.write_bytes(rewritten(sealed(FILES), drop=("exports/learners.csv",)))
    junk.write_bytes(b"MZ\x90\x00 not a zip")
    call_command("evidence_verify", str(good))
    assert "intact" in capsys.readouterr().out
    for path, code in ((bad, 1), (junk, 2), (tmp_path / "missing.zip", 2)):
        with pytest.raises(SystemExit) as exit_:
            call_command("evidence_verify", str(path))
        assert exit_.value.code == code
