"""Every sentence of a SCORM package comes from gettext, and the player has none of its own."""

from __future__ import annotations

import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext, ngettext

from saveit.catalog import scorm_text
from saveit.catalog.scorm import build_scorm_package

from .test_scorm import FILES, sample_snapshot

ASSETS = Path(__file__).resolve().parents[1] / "scorm_assets"
# What the package used to hard-code in French: none of it may be written outside gettext.
FRENCH_LITERALS = (
    "À retenir", "Télécharger", "Leçon", "Vidéo", "Sommaire", "Présentation", "Mode autonome",
    "Aller au contenu", "Durée estimée", "Seuil de réussite", "Module réalisé", "Vous avez",
    "Commencer", "Monter", "Descendre", "Votre résultat", "Il reste", "fichier",
)  # fmt: skip


def _package(language: str = "fr") -> tuple[str, dict]:
    archive = zipfile.ZipFile(
        io.BytesIO(build_scorm_package(sample_snapshot(), FILES, language=language))
    )
    index = archive.read("index.html").decode()
    data = re.search(r'id="saveit-data">(.*?)</script>', index, re.S)
    assert data is not None
    return index, json.loads(data.group(1))


def test_the_player_reads_every_sentence_from_the_package_data():
    player = (ASSETS / "player.js").read_text(encoding="utf-8")
    _index, data = _package()
    used = set(re.findall(r'\bt\(\s*"(\w+)"', player))
    used |= set(re.findall(r't\(\s*state\.passed \? "(\w+)" : "(\w+)"', player)[0])
    assert used and used <= set(data["text"]), used - set(data["text"])
    assert set(re.findall(r"counted\.(\w+)", player)) <= set(data["counted"])
    # Its own string literals are class names, selectors and attributes, never a sentence.
    literals = re.findall(r'"((?:[^"\\]|\\.)*)"', player)
    sentences = [s for s in literals if re.search(r"[^\x00-\x7f]|\b[A-Z][a-z]+ [a-z]+", s)]
    assert sentences == []


def test_the_page_template_has_no_text_of_its_own():
    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.words: list[str] = []

        def handle_data(self, data: str) -> None:
            self.words += [w for w in data.split() if not w.startswith("$")]

    parser = Text()
    parser.feed((ASSETS / "index.html").read_text(encoding="utf-8"))
    assert parser.words == []
    for name in ("player.js", "scorm.js", "index.html"):
        text = (ASSETS / name).read_text(encoding="utf-8")
        assert not [word for word in FRENCH_LITERALS if word in text], name


def test_the_package_speaks_french_even_from_an_english_request():
    with translation.override("en"):
        index, data = _package()
    with translation.override("fr"):
        assert data["text"] == scorm_text.player_templates()
        assert gettext("Lesson %(n)s") % {"n": 2} in index  # "Leçon 2" once translated
        assert gettext("Key point") in index
        assert '<html lang="fr">' in index


def test_in_another_language_no_french_sentence_is_left():
    index, data = _package(language="en")
    assert '<html lang="en">' in index
    assert "Lesson 2" in index and "Key point" in index and "Skip to the content" in index
    assert data["text"]["start"] == "Start the assessment"
    content = json.dumps(sample_snapshot(), ensure_ascii=False)  # the module's own words
    leftovers = [w for w in FRENCH_LITERALS if w in index and w not in content]
    assert leftovers == []


def test_counted_texts_follow_the_plural_of_each_count():
    snapshot = sample_snapshot()
    _index, data = _package()
    drawn = snapshot["assessment"]["items_per_attempt"]
    counted = data["counted"]
    assert len(counted["right_answers"]) == drawn + 1  # 0 to `drawn` right answers
    with translation.override("fr"):
        one = ngettext(
            "%(n)s right answer out of %(total)s. The detail is under each question below.",
            "%(n)s right answers out of %(total)s. The detail is under each question below.",
            1,
        )
        assert counted["right_answers"][1] == one % {"n": 1, "total": drawn}
        assert counted["rules"].startswith(
            ngettext("%(n)s question", "%(n)s questions", drawn) % {"n": drawn}
        )


def test_an_image_shows_its_text_alternative():
    snapshot = sample_snapshot()
    snapshot["lessons"][0]["blocks"][2]["alt"] = "Schéma de la paillasse et de ses zones"
    archive = zipfile.ZipFile(io.BytesIO(build_scorm_package(snapshot, FILES)))
    assert 'alt="Schéma de la paillasse et de ses zones"' in archive.read("index.html").decode()
