"""What changed between two versions of a procedure, read from real files of every format."""

from __future__ import annotations

import pytest

from saveit.catalog.transform import SectionChange, changed_anchors, outline_diff
from saveit.documents.ingest import Outline, ingest
from saveit.testing import sample_files as sf

from . import procedure_fixture as pf

OLD_RECORDS = (
    "Les fiches de déviation sont archivées pendant 5 ans. Leur archivage est obligatoire."
)
NEW_RECORDS = (
    "Les fiches de déviation sont archivées pendant 10 ans. Leur archivage est obligatoire."
)
V2 = [
    *[
        (heading, level, (("p", NEW_RECORDS),) if heading.startswith("4.") else blocks)
        for heading, level, blocks in sf.PROCEDURE
        if not heading.startswith("2.2")
    ],
    ("5. Annexes", 1, (("p", "Modèle de fiche de déviation."),)),
]
BUILDERS = {
    "docx": (sf.sample_docx, "docx"),
    "odt": (sf.sample_odt, "odt"),
    "markdown": (sf.sample_markdown, "md"),
    "html": (sf.sample_html, "html"),
    "text": (sf.sample_text, "txt"),
    "pdf": (lambda sections: sf.sample_pdf(pages=3, sections=sections), "pdf"),
}


def outline_of(content: bytes, name: str) -> Outline:
    return ingest(content, name, max_bytes=25 * 1024 * 1024)[1]


@pytest.mark.parametrize("fmt", BUILDERS)
def test_an_edited_an_added_and_a_removed_section(fmt):
    build, extension = BUILDERS[fmt]
    old = outline_of(build(list(sf.PROCEDURE)), f"v1.{extension}")
    new = outline_of(build(V2), f"v2.{extension}")
    changes = outline_diff(old, new)
    assert changes == [
        SectionChange(
            "s-2-2",
            "2.2 Le chef d'équipe",
            "removed",
            "Le chef d'équipe ne libère pas un lot bloqué. Il doit informer la direction de "
            "tout écart critique.",
            "",
        ),
        SectionChange("s-4", "4 Enregistrements", "modified", OLD_RECORDS, NEW_RECORDS),
        SectionChange("s-5", "5 Annexes", "added", "", "Modèle de fiche de déviation."),
    ]
    assert changed_anchors(changes) == {"s-2-2", "s-4", "s-5"}
    again = outline_of(build(list(sf.PROCEDURE)), f"copie.{extension}")
    assert outline_diff(old, again) == []


def _fixture_v2() -> list[sf.SampleSection]:
    sections: list[sf.SampleSection] = []
    for heading, level, blocks in pf.SECTIONS:
        if heading.startswith("2."):
            continue  # removed
        if heading.startswith("5.2"):
            heading = "5.2 Noter les risques"  # retitled: same number, same anchor
        if heading.startswith("4.3"):
            blocks = (("p", "Le dossier est ouvert dans l’outil achats sous 24 heures."),)
        if heading.startswith("9."):
            # The same words over two paragraphs: only whitespace differs.
            first, second, third = (str(value) for _kind, value in blocks)
            blocks = (("p", f"{first} {second}"), ("p", third))
        sections.append((heading, level, blocks))
    sections.append(("11. Glossaire", 1, (("p", "Candidat : fournisseur en cours d’évaluation."),)))
    return sections


def test_the_long_procedure_keeps_removed_sections_in_their_old_place():
    old = outline_of(pf.procedure_docx(), "PR-ACH-007-v3.docx")
    new = outline_of(pf.procedure_docx(_fixture_v2()), "PR-ACH-007-v4.docx")
    changes = outline_diff(old, new)
    assert [(c.anchor, c.change, c.heading) for c in changes] == [
        ("s-2", "removed", "2 Domaine d’application"),
        ("s-4-3", "modified", "4.3 Ouvrir le dossier"),
        ("s-5-2", "modified", "5.2 Noter les risques"),
        ("s-11", "added", "11 Glossaire"),
    ]
    retitled = changes[2]
    assert retitled.old_text == retitled.new_text  # only the heading changed
    assert changes[1].new_text == "Le dossier est ouvert dans l’outil achats sous 24 heures."
    assert changes[0].new_text == "" and changes[0].old_text.startswith("Elle concerne")


def test_a_section_removed_before_any_kept_one_comes_first():
    old = outline_of(sf.sample_markdown(), "v1.md")
    sections = [("Avant-propos", 1, (("p", "Lire avant toute déviation."),)), *sf.PROCEDURE[1:]]
    new = outline_of(sf.sample_markdown(sections), "v2.md")
    changes = outline_diff(old, new)
    assert [(c.anchor, c.change) for c in changes] == [
        ("s-1", "removed"),
        ("s-avant-propos", "added"),
    ]


def test_whitespace_only_differences_are_no_change():
    def outline(text: str, heading: str = "Objet") -> Outline:
        section = {"anchor": "s-1", "level": 1, "number": "1", "title": heading}
        section["blocks"] = [{"kind": "paragraph", "text": text}]  # type: ignore[assignment]
        return Outline.from_json({"title": "P", "kind": "text", "sections": [section]})

    assert outline_diff(outline("Le lot  est\nisolé."), outline("Le lot est isolé. ")) == []
    (change,) = outline_diff(outline("Le lot est isolé."), outline("Le lot est isolé.", "But"))
    assert (change.change, change.heading) == ("modified", "1 But")
