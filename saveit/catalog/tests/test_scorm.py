"""The SCORM 1.2 package of a snapshot: manifest, files, determinism, escaping."""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
import struct
import xml.etree.ElementTree as ET
import zipfile
import zlib
from typing import Any
from urllib.parse import unquote

import pytest
from django.utils import translation
from django.utils.translation import gettext

from saveit.catalog.scorm import (
    PackageContext,
    answer_hash,
    build_scorm_package,
    missing_files,
    scorm_filename,
)

CP = "{http://www.imsproject.org/xsd/imscp_rootv1p1p2}"
ADLCP = "{http://www.adlnet.org/xsd/adlcp_rootv1p2}"
XSI = "{http://www.w3.org/2001/XMLSchema-instance}"


def png(width: int = 240, height: int = 120, rgb: tuple[int, int, int] = (11, 79, 138)) -> bytes:
    """A small, valid PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


IMAGE = png()
ATTACHMENT = b"%PDF-1.4\n% fiche de securite\n"
IMAGE_SHA = hashlib.sha256(IMAGE).hexdigest()
ATTACHMENT_SHA = hashlib.sha256(ATTACHMENT).hexdigest()
FILES = {IMAGE_SHA: IMAGE, ATTACHMENT_SHA: ATTACHMENT}


def _block(kind: str, **values: str) -> dict[str, str]:
    return {
        "kind": kind,
        "html": "",
        "url": "",
        "name": "",
        "sha256": "",
        "media_type": "",
    } | values


def _item(key: str, kind: str, prompt: str, **values: Any) -> dict[str, Any]:
    item = {
        "key": key,
        "kind": kind,
        "prompt": prompt,
        "choices": [],
        "correct": [],
        "answer": None,
        "tolerance": "0",
        "unit": "",
        "feedback": "",
        "source_anchors": ["2"],
    }
    return item | values


def sample_snapshot(**overrides: Any) -> dict[str, Any]:
    """A small module with every block kind and every question kind."""
    snapshot: dict[str, Any] = {
        "module": {"code": "HYG-01", "title": "Hygiène des paillasses"},
        "version": "1.1",
        "title": "Hygiène des paillasses",
        "summary": "Nettoyer et désinfecter les paillasses du laboratoire, tracer le nettoyage.",
        "objectives": ["Appliquer la procédure de nettoyage", "Identifier les rôles de chacun"],
        "prerequisites": "Avoir suivi l’accueil sécurité du laboratoire.",
        "duration_minutes": 30,
        "assessment": {
            "items_per_attempt": 5,
            "randomise": True,
            "pass_mark": 80,
            "max_attempts": 3,
            "time_limit_minutes": 20,
            "validity_months": 24,
        },
        "sources": [
            {
                "document": "Procédure d'hygiène",
                "version_id": 12,
                "version_label": "2.0",
                "sha256": "ab" * 32,
                "anchors": ["1", "2", "4"],
            }
        ],
        "lessons": [
            {
                "key": "L-roles",
                "title": "Rôles et responsabilités",
                "source_anchor": "2",
                "blocks": [
                    _block(
                        "text",
                        html="<p>Le <strong>technicien</strong> nettoie la paillasse après chaque manipulation.</p><ul><li>Le responsable qualité vérifie le registre.</li><li>La cheffe d’équipe le signe.</li></ul>",
                    ),
                    _block("callout", html="<p>Aucun produit sans fiche de sécurité.</p>"),
                    _block(
                        "image",
                        name="schéma paillasse.png",
                        sha256=IMAGE_SHA,
                        media_type="image/png",
                    ),
                ],
            },
            {
                "key": "L-delais",
                "title": "Délais et déroulement",
                "source_anchor": "4",
                "blocks": [
                    _block("text", html="<p>Tout incident doit être déclaré sous 48 heures.</p>"),
                    _block(
                        "attachment",
                        name="Fiche sécurité.pdf",
                        sha256=ATTACHMENT_SHA,
                        media_type="application/pdf",
                    ),
                    _block("video", url="https://videos.example.org/paillasse"),
                ],
            },
        ],
        "items": [
            _item(
                "I-single",
                "single",
                "Qui nettoie la paillasse après chaque manipulation ?",
                choices=["Le technicien", "Le responsable qualité", "La cheffe d’équipe"],
                correct=[0],
                feedback="Section 2 : le technicien nettoie.",
            ),
            _item(
                "I-multiple",
                "multiple",
                "Qui intervient sur le registre de nettoyage ?",
                choices=["Le responsable qualité", "Le technicien", "La cheffe d’équipe"],
                correct=[0, 2],
            ),
            _item(
                "I-tf",
                "true_false",
                "Un produit sans fiche de sécurité peut être utilisé.",
                choices=["Vrai", "Faux"],
                correct=[1],
            ),
            _item(
                "I-order",
                "ordering",
                "Remettez les étapes du nettoyage dans l’ordre.",
                choices=[
                    "Retirer le matériel",
                    "Appliquer le désinfectant",
                    "Laisser agir",
                    "Essuyer",
                ],
                correct=[0, 1, 2, 3],
                source_anchors=["3"],
            ),
            _item(
                "I-num",
                "numeric",
                "Sous combien d’heures un incident doit-il être déclaré ?",
                answer="48",
                tolerance="0",
                unit="heures",
                source_anchors=["4"],
            ),
        ],
    }
    snapshot.update(overrides)
    return snapshot


def french(msgid: str) -> str:
    """The text the package shows for `msgid` (French, translated or not yet)."""
    with translation.override("fr"):
        return gettext(msgid)


def _open(package: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(package))


def _manifest(archive: zipfile.ZipFile) -> ET.Element:
    return ET.fromstring(archive.read("imsmanifest.xml"))  # noqa: S314  (our own output)


def test_manifest_is_scorm_1_2():
    archive = _open(build_scorm_package(sample_snapshot(), FILES))
    raw = archive.read("imsmanifest.xml")
    assert raw.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert b'xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"' in raw
    assert b'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"' in raw
    assert b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"' in raw

    root = _manifest(archive)
    assert root.tag == f"{CP}manifest"
    assert root.get("version") == "1.1"
    assert re.fullmatch(r"[A-Za-z_][\w.-]*", root.get("identifier", ""))
    assert "adlcp_rootv1p2.xsd" in root.get(f"{XSI}schemaLocation", "")
    assert root.findtext(f"{CP}metadata/{CP}schema") == "ADL SCORM"
    assert root.findtext(f"{CP}metadata/{CP}schemaversion") == "1.2"

    organizations = root.find(f"{CP}organizations")
    assert organizations is not None
    [organization] = organizations.findall(f"{CP}organization")
    assert organizations.get("default") == organization.get("identifier")
    assert organization.findtext(f"{CP}title") == "Hygiène des paillasses"
    [item] = organization.findall(f"{CP}item")
    assert item.findtext(f"{ADLCP}masteryscore") == "80"

    [resource] = root.findall(f"{CP}resources/{CP}resource")
    assert item.get("identifierref") == resource.get("identifier")
    assert resource.get("type") == "webcontent"
    assert resource.get(f"{ADLCP}scormtype") == "sco"
    assert resource.get("href") == "index.html"


def test_every_file_is_listed_and_present():
    archive = _open(build_scorm_package(sample_snapshot(), FILES))
    [resource] = _manifest(archive).findall(f"{CP}resources/{CP}resource")
    listed = {unquote(f.get("href", "")) for f in resource.findall(f"{CP}file")}
    in_zip = set(archive.namelist())
    assert listed == in_zip - {"imsmanifest.xml"}
    assert {"index.html", "scorm.js", "player.js", "style.css"} <= listed
    image = f"files/{IMAGE_SHA}/schema-paillasse.png"
    attachment = f"files/{ATTACHMENT_SHA}/Fiche-securite.pdf"
    assert archive.read(image) == IMAGE
    assert archive.read(attachment) == ATTACHMENT
    index = archive.read("index.html").decode()
    assert f'src="{image}" alt="schéma paillasse"' in index
    assert f'href="{attachment}" download' in index
    assert all(name.isascii() for name in in_zip)


def test_index_is_french_accessible_and_self_contained():
    archive = _open(build_scorm_package(sample_snapshot(), FILES))
    index = archive.read("index.html").decode()
    assert '<html lang="fr">' in index
    assert french("Standalone mode: the results are not sent to a platform.") in index
    assert '<script src="scorm.js"></script>' in index
    assert "<strong>technicien</strong>" in index  # sanitised HTML kept as given
    assert 'href="https://videos.example.org/paillasse"' in index
    assert "Leçon 2" in index
    for name in ("index.html", "player.js", "scorm.js", "style.css"):
        text = archive.read(name).decode()
        assert "http://" not in text.replace("http://www.w3.org", "")
        assert "cdn" not in text.lower()
    scorm_js = archive.read("scorm.js").decode()
    for call in ("LMSInitialize", "LMSCommit", "LMSFinish", "window.opener"):
        assert call in scorm_js or call.replace("window.", "global.") in scorm_js
    data = re.search(
        r'<script type="application/json" id="saveit-data">(.*?)</script>', index, re.S
    )
    assert data is not None
    player = json.loads(data.group(1))
    assert player["assessment"]["pass_mark"] == 80
    assert [item["key"] for item in player["items"]] == [
        "I-single",
        "I-multiple",
        "I-tf",
        "I-order",
        "I-num",
    ]


def test_same_snapshot_same_bytes():
    first = build_scorm_package(sample_snapshot(), FILES)
    assert build_scorm_package(sample_snapshot(), dict(reversed(FILES.items()))) == first
    assert build_scorm_package(sample_snapshot(version="1.2"), FILES) != first
    archive = _open(first)
    assert archive.namelist() == sorted(archive.namelist())
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_titles_and_texts_are_escaped():
    tricky = 'Hygiène <b>&</b> "paillasses" </script>'
    snapshot = sample_snapshot(title=tricky, summary="a < b & c")
    snapshot["module"] = {"code": "HYG-01", "title": tricky}
    snapshot["items"][0]["prompt"] = "</script><script>alert(1)</script> ?"
    archive = _open(build_scorm_package(snapshot, FILES))
    root = _manifest(archive)
    assert root.findtext(f"{CP}organizations/{CP}organization/{CP}title") == tricky
    index = archive.read("index.html").decode()
    assert "Hygiène &lt;b&gt;&amp;&lt;/b&gt; &quot;paillasses&quot; &lt;/script&gt;" in index
    assert "a &lt; b &amp; c" in index
    assert "<script>alert(1)" not in index
    assert index.count("</script>") == 3  # the data block and the two scripts
    data = re.search(r'id="saveit-data">(.*?)</script>', index, re.S)
    assert data is not None
    assert json.loads(data.group(1))["items"][0]["prompt"].startswith("</script>")


def test_files_missing_or_corrupt():
    snapshot = sample_snapshot()
    assert missing_files(snapshot, FILES) == []
    assert missing_files(snapshot, None) == sorted([IMAGE_SHA, ATTACHMENT_SHA])
    archive = _open(build_scorm_package(snapshot))
    assert not [name for name in archive.namelist() if name.startswith("files/")]
    name = html.escape(
        french("“%(name)s” (file not included in this package)") % {"name": "Fiche sécurité.pdf"}
    )
    assert name in archive.read("index.html").decode()
    with pytest.raises(ValueError, match="does not match"):
        build_scorm_package(snapshot, {IMAGE_SHA: b"autre chose", ATTACHMENT_SHA: ATTACHMENT})


def test_filename_is_safe_ascii():
    assert scorm_filename(sample_snapshot()) == "HYG-01-v1.1-scorm12.zip"
    odd = sample_snapshot(version="2.0", module={"code": 'Hygiène/"01" é', "title": "x"})
    assert scorm_filename(odd) == "Hygiene-01-e-v2.0-scorm12.zip"


def _data(package: bytes) -> dict[str, Any]:
    index = _open(package).read("index.html").decode()
    found = re.search(r'id="saveit-data">(.*?)</script>', index, re.S)
    assert found is not None
    return json.loads(found.group(1))


ALPHA = PackageContext(client_name="Laboratoires Alpha", client_key="alpha", module_id=7)
BETA = PackageContext(client_name="Transports Beta", client_key="beta", module_id=9)


def test_identifiers_are_unique_per_client_and_version():
    def ids(package: bytes) -> set[str]:
        root = _manifest(_open(package))
        found = {root.get("identifier", "")}
        found |= {node.get("identifier", "") for node in root.iter() if node.get("identifier")}
        return found

    alpha = ids(build_scorm_package(sample_snapshot(), FILES, context=ALPHA))
    beta = ids(build_scorm_package(sample_snapshot(), FILES, context=BETA))
    alpha_next = ids(build_scorm_package(sample_snapshot(version="1.2"), FILES, context=ALPHA))
    assert len(alpha) == 4  # manifest, organization, item, resource
    assert not alpha & beta and not alpha & alpha_next
    assert all(re.fullmatch(r"[A-Za-z_][\w.-]*", i) for i in alpha)
    assert all("-alpha-HYG-01-v1-1-" in i for i in alpha)


def test_the_licence_notice_and_every_fixed_text_are_in_french():
    index = _open(build_scorm_package(sample_snapshot(), FILES, context=ALPHA)).read("index.html")
    text = html.unescape(index.decode())
    for english in ("Key point", "Module made with SAVE IT from:", "Licence and intellectual"):
        assert english not in text
    assert "À retenir" in text and "Module réalisé avec SAVE IT à partir de :" in text
    assert "Laboratoires Alpha" in text and "formation interne" in text
    assert "propriété intellectuelle" in text


def test_the_answer_key_is_not_in_clear_and_the_hashes_score_right_answers():
    snapshot = sample_snapshot()
    snapshot["items"][4] |= {"answer": "2.5", "tolerance": "0.1"}
    data = _data(build_scorm_package(snapshot, FILES, context=ALPHA))
    salt = data["salt"]
    items = {item["key"]: item for item in data["items"]}
    for item in items.values():
        assert not {"correct", "answer", "tolerance"} & set(item)
    order = items["I-order"]
    assert order["choices"] != snapshot["items"][3]["choices"]  # never shown in the right order
    right_order = ",".join(str(order["choices"].index(s)) for s in snapshot["items"][3]["choices"])
    assert answer_hash(salt, "I-order", right_order) in order["hashes"]
    assert answer_hash(salt, "I-multiple", "0,2") in items["I-multiple"]["hashes"]
    assert answer_hash(salt, "I-multiple", "0") not in items["I-multiple"]["hashes"]
    assert answer_hash(salt, "I-tf", "1") in items["I-tf"]["hashes"]
    numeric = items["I-num"]
    assert numeric["scale"] == 1
    assert {answer_hash(salt, "I-num", v) for v in ("24", "25", "26")} == set(numeric["hashes"])
    other = _data(build_scorm_package(snapshot, FILES, context=BETA))
    assert other["salt"] != salt
