"""Each accepted format gives the same outline of the same procedure; damaged files are refused."""

import io

import pytest

from saveit.core.errors import Refusal
from saveit.documents.ingest import Outline, ingest
from saveit.testing import sample_files as samples

LIMIT = 25 * 1024 * 1024
DOCUMENTS = [
    (samples.sample_docx, "procédure.docx"),
    (samples.sample_odt, "procédure.odt"),
    (samples.sample_pdf, "procédure.pdf"),
    (samples.sample_markdown, "procédure.md"),
    (samples.sample_html, "procédure.html"),
    (samples.sample_text, "procédure.txt"),
]
WITH_TABLES = {"docx", "odt", "markdown", "html"}  # text and PDF have no table structure


def outline_of(content: bytes, name: str) -> Outline:
    return ingest(content, name, max_bytes=LIMIT)[1]


def refusal_code(content: bytes, name: str) -> str:
    with pytest.raises(Refusal) as refused:
        ingest(content, name, max_bytes=LIMIT)
    return refused.value.code


@pytest.mark.parametrize(("build", "name"), DOCUMENTS, ids=lambda v: getattr(v, "__name__", v))
def test_every_format_gives_the_numbered_outline_of_the_procedure(build, name):
    outline = outline_of(build(), name)
    expected = samples.PDF_ANCHORS if outline.kind == "pdf" else samples.SAMPLE_ANCHORS
    assert outline.anchors() == expected
    assert outline.title == "Procédure de gestion des déviations"
    roles = outline.section("s-2")
    assert (roles.number, roles.title, roles.level) == ("2", "Rôles et responsabilités", 1)
    assert outline.section("s-2-1").title == "Le responsable qualité"
    assert outline.section("s-2-1").level == 2
    assert "sous 30 jours" in outline.section("s-2-1").plain_text()
    assert outline.section("preambule").blocks[0].text == samples.PREAMBLE


@pytest.mark.parametrize(("build", "name"), DOCUMENTS, ids=lambda v: getattr(v, "__name__", v))
def test_lists_keep_their_items_and_whether_they_are_numbered(build, name):
    outline = outline_of(build(), name)
    bullets = [b for b in outline.section("s-2").blocks if b.kind == "list"]
    steps = [b for b in outline.section("s-3").blocks if b.kind == "list"]
    assert [(b.items, b.ordered) for b in bullets] == [(samples.PROCEDURE[1][2][1][1], False)]
    assert [(b.items, b.ordered) for b in steps] == [(samples.PROCEDURE[4][2][0][1], True)]
    tables = [b.rows for b in outline.section("s-3").blocks if b.kind == "table"]
    assert tables == ([samples.STEPS_TABLE] if outline.kind in WITH_TABLES else [])


@pytest.mark.parametrize(("build", "name"), DOCUMENTS, ids=lambda v: getattr(v, "__name__", v))
def test_a_new_version_keeps_the_anchors_of_unchanged_sections(build, name):
    first = outline_of(build(), name)
    second = outline_of(build(extra_paragraph="Nouvelle règle : revue annuelle obligatoire."), name)
    assert second.anchors() == first.anchors()
    changed = [a for a in first.anchors() if first.section(a) != second.section(a)]
    assert changed == [first.anchors()[-1]]


@pytest.mark.parametrize(("build", "name"), DOCUMENTS, ids=lambda v: getattr(v, "__name__", v))
def test_every_outline_survives_its_json_round_trip(build, name):
    outline = outline_of(build(), name)
    assert Outline.from_json(outline.to_json()) == outline


def test_a_retitled_numbered_section_keeps_its_anchor():
    sections = list(samples.PROCEDURE)
    sections[1] = ("2. Rôles, missions et responsabilités", 1, sections[1][2])
    outline = outline_of(samples.sample_docx(sections), "v2.docx")
    assert outline.anchors() == samples.SAMPLE_ANCHORS
    assert outline.section("s-2").title == "Rôles, missions et responsabilités"


def test_unnumbered_and_repeated_headings_get_readable_distinct_anchors():
    sections = [
        ("Rôles et responsabilités", 1, (("p", "Texte un."),)),
        ("Remarques", 2, (("p", "Texte deux."),)),
        ("Remarques", 2, (("p", "Texte trois."),)),
    ]
    outline = outline_of(samples.sample_docx(sections), "a.docx")
    assert outline.anchors() == [
        "preambule",
        "s-roles-et-responsabilites",
        "s-remarques",
        "s-remarques-2",
    ]


def test_repeated_pdf_headers_footers_and_page_numbers_are_dropped():
    text = "\n".join(
        section.plain_text() for section in outline_of(samples.sample_pdf(), "a.pdf").sections
    )
    assert samples.PDF_HEADER not in text
    assert samples.PDF_FOOTER not in text
    assert "Page" not in text
    assert "Phase 0 – Qualification et cadrage" in [
        s.title for s in outline_of(samples.sample_pdf(), "a.pdf").sections
    ]


def test_a_one_page_pdf_is_read_too():
    assert outline_of(samples.sample_pdf(pages=1), "a.pdf").anchors() == samples.PDF_ANCHORS


def test_a_damaged_word_document_is_refused():
    assert refusal_code(samples.malformed_docx(), "procédure.docx") == "malformed"


def test_a_password_protected_pdf_is_refused():
    assert refusal_code(samples.encrypted_pdf(), "procédure.pdf") == "encrypted"


def test_a_pdf_protected_against_editing_only_is_read():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(samples.sample_pdf(pages=1))))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert outline_of(buffer.getvalue(), "a.pdf").anchors() == samples.PDF_ANCHORS


def test_a_scanned_pdf_without_text_is_refused():
    assert refusal_code(samples.scanned_pdf(), "scan.pdf") == "no_text_layer"


def test_a_damaged_pdf_is_refused():
    pdf = samples.sample_pdf(pages=1)
    assert refusal_code(pdf[:200] + bytes(300) + pdf[-30:], "a.pdf") == "malformed"


def test_a_document_without_any_text_is_refused():
    import docx

    document = docx.Document()
    document.add_paragraph("   ")
    buffer = io.BytesIO()
    document.save(buffer)
    assert refusal_code(buffer.getvalue(), "vide.docx") == "no_text"
    assert refusal_code(b"\n\n  \n", "vide.txt") == "no_text"


def docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_word_headings_come_from_french_styles_bold_numbered_lines_and_outline_levels():
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    document.styles.add_style("Titre 1", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("Objet", style="Titre 1")
    document.add_paragraph("Texte.")
    document.add_paragraph().add_run("2. Définitions").bold = True
    document.add_paragraph("3. Ce paragraphe numéroté n'est pas en gras")
    outlined = document.add_paragraph("Annexe")
    outlined.paragraph_format.element.get_or_add_pPr().append(
        outlined._p.makeelement(docx.oxml.ns.qn("w:outlineLvl"), {docx.oxml.ns.qn("w:val"): "1"})
    )
    outline = outline_of(docx_bytes(document), "a.docx")
    assert outline.anchors() == ["s-objet", "s-2", "s-annexe"]
    assert outline.section("s-annexe").level == 2
    assert outline.section("s-2").blocks[0].text == "3. Ce paragraphe numéroté n'est pas en gras"


def test_word_tables_are_read_in_document_order_with_merged_cells_once():
    import docx

    document = docx.Document()
    document.add_heading("1. Délais", level=1)
    document.add_paragraph("Avant le tableau.")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Étape fusionnée"
    table.cell(0, 2).text = "Délai"
    for cell, text in zip(table.rows[1].cells, ["Déclarer", "Chef", "24 h"], strict=True):
        cell.text = text
    document.add_paragraph("Après le tableau.")
    blocks = outline_of(docx_bytes(document), "a.docx").section("s-1").blocks
    assert [b.kind for b in blocks] == ["paragraph", "table", "paragraph"]
    assert blocks[1].rows == [["Étape fusionnée", "Délai"], ["Déclarer", "Chef", "24 h"]]


def test_html_skips_scripts_and_styles_and_decodes_entities():
    page = (
        b"<html><head><title>Achats</title><style>p{}</style></head><body>"
        b"<script>alert('x')</script><h2>1. Objet</h2><p>Les achats &eacute;vitent les &laquo; doublons &raquo;.</p>"
        b"<ul><li>Parent<ul><li>Enfant</li></ul></li><li>Autre</li></ul></body></html>"
    )
    outline = outline_of(page, "a.html")
    assert outline.title == "Achats"
    objet = outline.section("s-1")
    assert objet.blocks[0].text == "Les achats évitent les « doublons »."
    assert objet.blocks[1].items == ["Parent", "Enfant", "Autre"]
    assert "alert" not in objet.plain_text()


def test_markdown_setext_headings_and_nested_lists_are_read():
    text = "Procédure\n=========\n\nObjet\n-----\n\n- un\n  - sous-point\n- deux\n\nFin **importante**.\n"
    outline = outline_of(text.encode(), "a.md")
    assert outline.title == "Procédure"
    assert outline.anchors() == ["s-objet"]
    assert [b.kind for b in outline.section("s-objet").blocks] == ["list", "paragraph"]
    assert outline.section("s-objet").blocks[0].items == ["un", "sous-point", "deux"]
    assert outline.section("s-objet").blocks[1].text == "Fin importante."


def test_a_workbook_gives_one_section_per_sheet_with_its_table():
    outline = outline_of(samples.sample_xlsx(), "suivi.xlsx")
    assert outline.anchors() == ["s-deviations", "s-responsables"]
    assert outline.section("s-deviations").title == "Déviations"
    rows = outline.section("s-deviations").blocks[0].rows
    assert rows[0] == ["N°", "Date", "Description", "Responsable", "Délai (heures)"]
    assert rows[1] == ["1", "2025-03-04", "Température hors tolérance", "Rémi", "48"]
    assert rows[2][4] == "24"


def test_a_french_csv_is_split_on_semicolons_with_quoted_fields_kept_whole():
    for content in (
        samples.sample_csv(),
        samples.sample_csv(encoding="cp1252"),
        samples.sample_csv(delimiter=","),
    ):
        outline = outline_of(content, "suivi.csv")
        assert outline.anchors() == ["s-tableau"]
        rows = outline.sections[0].blocks[0].rows
        assert rows[:4] == samples.STEPS_TABLE
        assert rows[4] == ["Vérification", "Auditeur; externe", "12,5 heures"]


def test_a_damaged_workbook_is_refused():
    broken = samples.zip_of({"xl/workbook.xml": b"<workbook", "[Content_Types].xml": b"<Types"})
    assert refusal_code(broken, "suivi.xlsx") == "malformed"


def test_a_damaged_opendocument_is_refused():
    broken = samples.zip_of(
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office:"}
    )
    assert refusal_code(broken, "a.odt") == "malformed"


def test_word_list_paragraphs_take_their_kind_from_the_numbering_definition():
    import docx

    document = docx.Document()
    document.add_heading("1. Étapes", level=1)
    bullet_id = document.styles["List Bullet"].element.pPr.numPr.numId.val
    number_id = document.styles["List Number"].element.pPr.numPr.numId.val
    for num_id, text in [
        (bullet_id, "Point A"),
        (bullet_id, "Point B"),
        (number_id, "Étape 1"),
        (0, "Hors liste"),
    ]:
        paragraph = document.add_paragraph(text, style="List Paragraph" if num_id else None)
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = num_id
    blocks = outline_of(docx_bytes(document), "a.docx").section("s-1").blocks
    assert [(b.kind, b.items or b.text, b.ordered) for b in blocks] == [
        ("list", ["Point A", "Point B"], False),
        ("list", ["Étape 1"], True),
        ("paragraph", "Hors liste", False),
    ]


def test_opendocument_numbers_nested_lists_and_notes_are_read():
    from odf import text
    from odf.opendocument import OpenDocumentText

    document = OpenDocumentText()
    heading = text.H(outlinelevel=1)
    heading.addElement(text.Number(text="3."))
    heading.addText("Contrôles")
    document.text.addElement(heading)
    paragraph = text.P(text="Le contrôle est obligatoire")
    note = text.Note(noteclass="footnote")
    note.addElement(text.NoteBody())
    note.childNodes[0].addElement(text.P(text="Texte de la note"))
    paragraph.addElement(note)
    paragraph.addText(".")
    document.text.addElement(paragraph)
    outer, item = text.List(), text.ListItem()
    item.addElement(text.P(text="Parent"))
    inner, child = text.List(), text.ListItem()
    child.addElement(text.P(text="Enfant"))
    inner.addElement(child)
    item.addElement(inner)
    outer.addElement(item)
    document.text.addElement(outer)
    buffer = io.BytesIO()
    document.write(buffer)
    outline = outline_of(buffer.getvalue(), "a.odt")
    assert outline.anchors() == ["s-3"]
    assert outline.section("s-3").title == "Contrôles"
    assert [b.text or b.items for b in outline.section("s-3").blocks] == [
        "Le contrôle est obligatoire.",
        ["Parent", "Enfant"],
    ]


def test_empty_sheets_are_left_out_and_an_empty_workbook_is_refused():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.create_sheet("Vide")
    workbook.active.append(["Contrôle", "Fréquence"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert outline_of(buffer.getvalue(), "a.xlsx").anchors() == ["s-sheet"]
    empty = io.BytesIO()
    Workbook().save(empty)
    assert refusal_code(empty.getvalue(), "a.xlsx") == "no_text"
