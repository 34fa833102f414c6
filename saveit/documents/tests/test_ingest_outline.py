"""Numbered headings, stable anchors and the line rules shared by plain text and PDF."""

import pytest

from saveit.documents.ingest.numbering import anchor_for, slugify, split_number
from saveit.documents.ingest.outline import Block, Outline, OutlineBuilder, Section
from saveit.documents.ingest.pdf import strip_running_lines
from saveit.documents.ingest.text import parse_lines


@pytest.mark.parametrize(
    ("heading", "number", "title", "depth"),
    [
        ("5. Phase 0 – Qualification et cadrage", "5", "Phase 0 – Qualification et cadrage", 1),
        ("5.2 Rôles", "5.2", "Rôles", 2),
        ("5.2. Rôles", "5.2", "Rôles", 2),
        ("5.2.1) Validation", "5.2.1", "Validation", 3),
        ("3 – Déroulement", "3", "Déroulement", 1),
        ("3 - Déroulement", "3", "Déroulement", 1),
        ("3 — Déroulement", "3", "Déroulement", 1),
        ("3: Déroulement", "3", "Déroulement", 1),
        ("4) Enregistrements", "4", "Enregistrements", 1),
        ("Article 3 – Obligations", "Article 3", "Obligations", 1),
        ("ARTICLE 12 : Durée", "Article 12", "Durée", 1),
        ("III. Responsabilités", "III", "Responsabilités", 1),
    ],
)
def test_leading_section_numbers_are_recognised(heading, number, title, depth):
    numbered = split_number(heading)
    assert numbered is not None
    assert (numbered.number, numbered.title, numbered.depth) == (number, title, depth)


@pytest.mark.parametrize(
    "heading",
    ["48 heures maximum", "Objet", "2025", "5.", "Version 2.1", "IIII. Faux", "Vu le code"],
)
def test_text_that_merely_starts_with_a_figure_is_not_numbered(heading):
    assert split_number(heading) is None


def test_anchors_fold_accents_and_are_capped():
    assert anchor_for("", "Rôles et responsabilités") == "s-roles-et-responsabilites"
    assert anchor_for("5.2", "Rôles") == "s-5-2"
    assert anchor_for("Article 3", "Objet") == "s-article-3"
    assert len(slugify("très " * 40)) <= 60
    assert not slugify("très " * 40).endswith("-")
    assert anchor_for("", "€€€") == "s-section"


def build(*headings: str, preamble: str = "") -> Outline:
    builder = OutlineBuilder("text")
    builder.paragraph(preamble)
    for heading in headings:
        builder.heading(None, heading)
        builder.paragraph(f"Contenu de {heading}.")
    return builder.build()


def test_numbered_sections_are_anchored_by_number_and_levelled_by_depth():
    outline = build("1. Objet", "2. Rôles et responsabilités", "2.1 Le responsable qualité")
    assert outline.anchors() == ["s-1", "s-2", "s-2-1"]
    assert [s.level for s in outline.sections] == [1, 1, 2]
    assert outline.section("s-2").title == "Rôles et responsabilités"


def test_an_explicit_style_level_wins_over_the_number_depth():
    builder = OutlineBuilder("docx")
    builder.heading(1, "Généralités")
    builder.heading(2, "5 – Annexe")
    assert [(s.number, s.level) for s in builder.build().sections] == [("", 1), ("5", 2)]


def test_repeated_headings_get_suffixes_in_document_order():
    outline = build("Remarques", "Définitions", "Remarques", "Remarques")
    assert outline.anchors() == ["s-remarques", "s-definitions", "s-remarques-2", "s-remarques-3"]


def test_a_repeated_number_never_takes_the_anchor_of_a_real_subsection():
    outline = build("5. Phase 0", "5. Phase 0 bis", "5.2 Livrables")
    assert outline.anchors() == ["s-5", "s-5-3", "s-5-2"]


def test_the_preamble_exists_only_when_something_precedes_the_first_heading():
    assert build("1. Objet").anchors() == ["s-1"]
    with_preamble = build("1. Objet", preamble="Diffusion contrôlée.")
    assert with_preamble.anchors() == ["preambule", "s-1"]
    assert with_preamble.sections[0].level == 0


def test_the_same_sections_keep_their_anchors_when_another_section_changes():
    first = build("1. Objet", "Définitions", "2. Rôles")
    second = build("1. Objet et périmètre", "Définitions", "2. Rôles", "3. Nouveautés")
    assert second.anchors()[: len(first.anchors())] == first.anchors()


def test_an_outline_survives_a_json_round_trip():
    outline = Outline(
        title="Procédure",
        kind="docx",
        sections=[
            Section("preambule", 0, "", "", [Block("paragraph", text="Intro.")]),
            Section(
                "s-1",
                1,
                "1",
                "Objet",
                [
                    Block("list", items=["a", "b"], ordered=True),
                    Block("table", rows=[["É", "F"], ["1", "2"]]),
                ],
            ),
        ],
    )
    assert Outline.from_json(outline.to_json()) == outline
    assert outline.text_length == len("Procédure" + "Intro." + "Objet" + "ab" + "ÉF12")


def test_a_lone_top_heading_becomes_the_title_and_its_text_the_preamble():
    builder = OutlineBuilder("markdown")
    builder.heading(1, "Procédure d'achat")
    builder.paragraph("Applicable au 1er mars.")
    builder.heading(2, "1. Objet")
    builder.paragraph("Texte.")
    builder.promote_single_top_heading()
    outline = builder.build()
    assert outline.title == "Procédure d'achat"
    assert outline.anchors() == ["preambule", "s-1"]
    assert outline.section("s-1").level == 1


def read(text: str) -> Outline:
    return parse_lines(text.splitlines(), kind="text", title_needs_blank=True)


def test_text_lines_become_headings_lists_and_paragraphs():
    outline = read(
        "Procédure d'achat\n"
        "\n"
        "1. Objet\n"
        "Le service achats doit\n"
        "valider chaque commande.\n"
        "\n"
        "Un second paragraphe.\n"
        "2. Étapes\n"
        "- demander un devis\n"
        "  auprès de trois fournisseurs\n"
        "• comparer les offres\n"
        "1. Signer le bon de commande.\n"
        "a) Archiver le bon\n"
        "DISPOSITIONS FINALES\n"
        "Fin.\n"
    )
    assert outline.title == "Procédure d'achat"
    assert outline.anchors() == ["s-1", "s-2", "s-dispositions-finales"]
    objet, etapes, finales = outline.sections
    assert [b.text for b in objet.blocks] == [
        "Le service achats doit valider chaque commande.",
        "Un second paragraphe.",
    ]
    assert [(b.kind, b.items, b.ordered) for b in etapes.blocks] == [
        ("list", ["demander un devis auprès de trois fournisseurs", "comparer les offres"], False),
        ("list", ["Signer le bon de commande.", "Archiver le bon"], True),
    ]
    assert finales.level == 1


def test_a_numbered_line_ending_like_a_sentence_or_too_long_is_not_a_heading():
    long_line = "3. " + "mot " * 40
    outline = read(f"1. Objet\n2. Vérifier le lot.\n3. Vérifier la date,\n\n{long_line}\n")
    assert outline.anchors() == ["s-1"]
    (block,) = outline.sections[0].blocks
    assert block.ordered
    assert block.items == ["Vérifier le lot.", "Vérifier la date,", long_line[3:].strip()]


def test_a_first_line_that_runs_on_is_not_taken_for_the_title():
    outline = read("Le présent document\ndécrit la procédure.\n\n1. Objet\nTexte.\n")
    assert outline.title == ""
    assert outline.anchors() == ["preambule", "s-1"]


def test_short_or_single_word_capitals_are_not_headings():
    outline = read("1. Objet\nNOTE\nIMPORTANT : " + "LIRE " * 30 + "\n")
    assert outline.anchors() == ["s-1"]


def page(number: int, body: list[str]) -> list[str]:
    return ["ACME – Qualité", *body, f"Réf. PR-12 – v3 – {number}/4", f"Page {number} / 4"]


def test_running_headers_footers_and_page_numbers_are_dropped():
    def body(letter: str) -> list[str]:
        return [
            f"Début {letter}.",
            f"Suite {letter}.",
            "Ligne commune.",
            f"Milieu {letter}.",
            f"Fin {letter}.",
        ]

    pages = [page(n, body(letter)) for n, letter in enumerate("ABCD", start=1)]
    pages[1].insert(4, "- 7 -")  # a bare number inside the body is not a page number
    kept = strip_running_lines(pages)
    assert kept[0] == body("A")
    assert kept[1] == ["Début B.", "Suite B.", "Ligne commune.", "- 7 -", "Milieu B.", "Fin B."]


def test_a_bare_page_number_at_the_edge_of_a_page_is_dropped():
    pages = [["- 3 -", "Texte.", "Suite."], ["Texte 2.", "Suite 2.", "4"]]
    assert strip_running_lines(pages) == [["Texte.", "Suite."], ["Texte 2.", "Suite 2."]]


def test_with_fewer_than_three_pages_only_page_numbers_are_dropped():
    pages = [
        ["ACME – Qualité", "Texte.", "Page 1 sur 2"],
        ["ACME – Qualité", "Suite.", "Page 2 sur 2"],
    ]
    assert strip_running_lines(pages) == [
        ["ACME – Qualité", "Texte."],
        ["ACME – Qualité", "Suite."],
    ]
