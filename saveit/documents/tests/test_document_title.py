"""A procedure's title in capitals above its numbered sections is its title, not a section."""

from __future__ import annotations

import pytest

from saveit.documents.ingest import ingest
from saveit.testing import sample_files as sf

SECTIONS = [
    ("1. Objet du document", 1, (("p", "Ce document fixe la conduite à tenir en cas d'alerte."),)),
    ("2. Rôles", 1, (("p", "Le chef de poste déclenche l'alerte."),)),
    ("3. Évacuation", 1, (("p", "Le serre-file vérifie que les locaux sont vides."),)),
]
TITLE = "PROCÉDURE D'ÉVACUATION DES LOCAUX"


def outline(fmt: str):
    if fmt == "pdf":
        content, name = sf.sample_pdf(3, SECTIONS, title=TITLE, preamble="Version 1."), "p.pdf"
    else:
        lines = [TITLE, "", "Version 1.", ""]
        for heading, _level, blocks in SECTIONS:
            lines += [heading, *(str(text) for _kind, text in blocks), ""]
        content, name = "\n".join(lines).encode(), "p.txt"
    return ingest(content, name, max_bytes=1_000_000)[1]


@pytest.mark.parametrize("fmt", ["pdf", "text"])
def test_the_capitalised_first_line_is_the_title_not_an_extra_section(fmt):
    found = outline(fmt)
    assert found.title == TITLE
    headed = [s.anchor for s in found.sections if s.level > 0]
    assert headed == ["s-1", "s-2", "s-3"]  # three sections, not four


def test_capitals_followed_by_unnumbered_headings_stay_a_section():
    text = "OBJET ET DOMAINE\n\nCe texte décrit la règle.\n\nRÔLES ET MISSIONS\n\nLe chef décide.\n"
    found = ingest(text.encode(), "p.txt", max_bytes=1_000_000)[1]
    assert [s.title or s.heading for s in found.sections if s.level > 0][:2] == [
        "OBJET ET DOMAINE",
        "RÔLES ET MISSIONS",
    ]
