"""The scale check's journey: every step crosses the two app instances (A and B), which share
only PostgreSQL, Redis (task queue, cache) and the S3-compatible storage.

  1. a PDF uploaded through A is signed through B, and verified through A (the file B hashed
     came from the object storage, the signature went into the shared audit chain);
  2. a large procedure uploaded through A is analysed by the RQ worker, followed through B,
     and downloaded through B byte for byte;
  3. an evidence pack started through A is followed through B until the worker has sealed it,
     then downloaded through B (its seal is checked afterwards by the shell script).

Usage: scale_journey.py A_URL B_URL SEED_JSON PACK_OUT
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

import requests

TIMEOUT = 180
SECTIONS = 3_200


def say(message: str) -> None:
    print(f"[journey] {message}", flush=True)


class Api:
    def __init__(self, base: str, token: str) -> None:
        self.base = base.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, expect: int, **kwargs: Any) -> requests.Response:
        response = self.session.request(
            method, self.base + path, timeout=60, allow_redirects=False, **kwargs
        )
        if response.status_code != expect:
            raise SystemExit(
                f"{method} {self.base}{path}: {response.status_code} instead of {expect}\n"
                f"{response.text[:2000]}"
            )
        return response


def follow(api: Api, job_url: str) -> dict[str, Any]:
    deadline = time.monotonic() + TIMEOUT
    seen = set()
    while time.monotonic() < deadline:
        job = api.call("GET", job_url, 200).json()
        seen.add((job["status"], job["percent"]))
        if job["status"] == "done":
            say(f"  job {job['id']} done on {api.base} (states seen: {sorted(seen)})")
            return job
        if job["status"] == "failed":
            raise SystemExit(f"job {job['id']} failed: {job['error']}")
        time.sleep(0.5)
    raise SystemExit(f"job {job_url} not done after {TIMEOUT} s: is the worker running?")


def pdf_bytes() -> bytes:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from saveit.testing.pdf import make_pdf

    return make_pdf("Charte de confidentialité — contrôle de montée en charge")


def procedure_bytes() -> bytes:
    """A Markdown procedure of about 1.1 MB: above INGEST_INLINE_MAX_BYTES, so the worker parses
    it (and its outline stays under INGEST_MAX_OUTLINE_BYTES)."""
    step = " ".join(["Le technicien vérifie l'étiquetage, la date et le code du lot."] * 5)
    sections = (f"## Étape {n}\n\n{step} Lot {n}." for n in range(SECTIONS))
    return ("# Procédure de rangement\n\n" + "\n\n".join(sections)).encode()


def main(a_url: str, b_url: str, seed_path: str, pack_out: str) -> None:
    with open(seed_path, encoding="utf-8") as handle:
        seed = json.load(handle)
    owner_a, owner_b = Api(a_url, seed["owner_token"]), Api(b_url, seed["owner_token"])
    pm_a, pm_b = Api(a_url, seed["pm_token"]), Api(b_url, seed["pm_token"])

    say("1. upload a PDF through A, sign it through B, verify it through A")
    content = pdf_bytes()
    document = owner_a.call(
        "POST",
        "/api/v1/documents/",
        201,
        data={"title": "Charte montée en charge", "signer_roles": ["client_owner"]},
        files={"file": ("charte.pdf", content, "application/pdf")},
    ).json()
    owner_b.call(
        "POST",
        f"/api/v1/documents/{document['id']}/sign",
        201,
        json={"intent": "Lu et approuvé", "password": seed["password"]},
    )
    verified = owner_a.call("GET", f"/api/v1/documents/{document['id']}/verify", 200).json()
    expected = hashlib.sha256(content).hexdigest()
    assert verified["stored_sha256"] == expected, verified
    say(f"  signed through B, verified through A: {json.dumps(verified)[:200]}")

    say("2. upload a large procedure through A; the worker analyses it; read it through B")
    procedure = procedure_bytes()
    engagement = seed["upload_engagement"]
    accepted = pm_a.call(
        "POST",
        f"/api/v1/engagements/{engagement}/sources",
        202,
        data={"title": "Rangement des lots", "version_label": "1.0"},
        files={"file": ("rangement.md", procedure, "text/markdown")},
    ).json()
    follow(pm_b, accepted["job_url"])
    version = pm_b.call(
        "GET", f"/api/v1/engagements/{engagement}/sources/versions/{accepted['id']}", 200
    ).json()
    assert version["extraction"] == "ready" and version["status"] == "in_force", version
    assert version["section_count"] == SECTIONS, version["section_count"]
    body = pm_b.call(
        "GET", f"/api/v1/engagements/{engagement}/sources/versions/{accepted['id']}/file", 200
    ).content
    assert hashlib.sha256(body).digest() == hashlib.sha256(procedure).digest()
    say(f"  {len(body)} bytes read back through B, same SHA-256, {SECTIONS} sections")

    say("3. start an evidence pack through A, follow it through B, download it through B")
    pack_engagement = seed["pack_engagement"]
    accepted = pm_a.call("POST", f"/api/v1/engagements/{pack_engagement}/evidence-packs", 202)
    job = follow(pm_b, accepted.json()["job_url"])
    packs = pm_b.call("GET", f"/api/v1/engagements/{pack_engagement}/evidence-packs", 200).json()
    revision = packs[-1]["revision"]
    assert job["result_link"].endswith(f"/{revision}.zip"), job
    zipped = pm_b.call(
        "GET", f"/api/v1/engagements/{pack_engagement}/evidence-packs/{revision}", 200
    ).content
    with open(pack_out, "wb") as handle:
        handle.write(zipped)
    say(f"  pack revision {revision}: {len(zipped)} bytes downloaded through B")
    say("journey passed")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
