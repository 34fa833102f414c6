"""The transformation on real procedure files of every format, parsed by the real ingestion."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from saveit.catalog.transform import outline_diff, propose_skeleton
from saveit.documents.ingest import ingest
from saveit.testing import sample_files as sf

FORMATS = {
    "docx": lambda: (sf.sample_docx(), "procedure.docx"),
    "odt": lambda: (sf.sample_odt(), "procedure.odt"),
    "pdf": lambda: (sf.sample_pdf(sections=sf.PROCEDURE), "procedure.pdf"),
    "markdown": lambda: (sf.sample_markdown(), "procedure.md"),
    "html": lambda: (sf.sample_html(), "procedure.html"),
    "text": lambda: (sf.sample_text(), "procedure.txt"),
}


def _outline(content: bytes, name: str):
    return ingest(content, name, max_bytes=10_000_000)[1]


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_gives_one_lesson_per_main_section_and_anchored_items(fmt):
    outline = _outline(*FORMATS[fmt]())
    skeleton = propose_skeleton(outline)
    assert [lesson.source_anchor for lesson in skeleton.lessons] == ["s-1", "s-2", "s-3", "s-4"]
    assert skeleton.lessons[1].title == "Rôles et responsabilités"
    anchors = set(outline.anchors())
    assert all(set(item.source_anchors) <= anchors for item in skeleton.items)
    kinds = Counter(item.kind for item in skeleton.items)
    assert kinds["ordering"] == 1 and kinds["true_false"] >= 3 and kinds["numeric"] >= 3
    ordering = next(i for i in skeleton.items if i.kind == "ordering")
    assert ordering.choices[0] == "Déclarer la déviation dans le registre."
    assert ordering.correct == [0, 1, 2] and ordering.source_anchors == ["s-3"]
    numbers = {(i.answer, i.unit) for i in skeleton.items if i.kind == "numeric"}
    assert (Decimal(48), "heures") in numbers and (Decimal(5), "ans") in numbers
    assert len({item.prompt for item in skeleton.items}) == len(skeleton.items)
    assert len(skeleton.objectives) == len(skeleton.lessons)


def test_subsections_fold_into_their_lesson_and_keep_their_anchor():
    skeleton = propose_skeleton(_outline(sf.sample_docx(), "procedure.docx"))
    roles = skeleton.lessons[1]
    assert {block.source_anchor for block in roles.blocks} == {"s-2", "s-2-1", "s-2-2"}
    assert any("<h3>2.1 Le responsable qualité</h3>" in block.html for block in roles.blocks)
    closing = [i for i in skeleton.items if i.prompt.startswith("Le responsable qualité doit")]
    assert closing and closing[0].source_anchors == ["s-2-1"] and closing[0].correct == [0]
    negated = [i for i in skeleton.items if i.prompt == "Leur archivage est facultatif."]
    assert negated and negated[0].correct == [1]  # the false variant of an obligation


def test_responsibility_questions_offer_other_roles_as_distractors():
    skeleton = propose_skeleton(_outline(sf.sample_docx(), "procedure.docx"))
    who = next(
        i for i in skeleton.items if i.prompt == "Selon la procédure, qui valide chaque déviation ?"
    )
    assert who.kind == "single" and len(who.choices) >= 3
    assert who.choices[who.correct[0]] == "Le responsable qualité"


def test_a_multi_page_french_procedure_with_numbered_phases():
    outline = _outline(sf.sample_pdf(pages=3), "procedure-longue.pdf")
    skeleton = propose_skeleton(outline)
    assert [lesson.source_anchor for lesson in skeleton.lessons] == [
        "s-1", "s-2", "s-3", "s-4", "s-5", "s-6", "s-7",
    ]  # fmt: skip
    assert skeleton.lessons[4].title == "Phase 0 – Qualification et cadrage"
    kinds = Counter(item.kind for item in skeleton.items)
    assert set(kinds) == {"ordering", "true_false", "single", "numeric"}
    deadline = next(i for i in skeleton.items if i.unit == "jours ouvrés")
    assert deadline.answer == 10 and deadline.source_anchors == ["s-6"]
    # Text flattened from a PDF table is not a statement: no question is drawn from it.
    assert not any("Étape Responsable" in item.prompt for item in skeleton.items)


def test_html_is_escaped_in_proposed_blocks():
    sections = [("1. Objet", 1, (("p", "Utiliser <script> & « guillemets »."),))]
    skeleton = propose_skeleton(_outline(sf.sample_docx(sections), "p.docx"))
    html = skeleton.lessons[0].blocks[0].html
    assert "<script>" not in html and "&lt;script&gt; &amp;" in html


def test_outline_diff_names_added_removed_and_modified_sections():
    old = _outline(sf.sample_docx(), "v1.docx")
    changed = [
        (h, lvl, blocks) if not h.startswith("4.") else (h, lvl, (("p", "Archivage 10 ans."),))
        for h, lvl, blocks in sf.PROCEDURE
        if not h.startswith("2.2")
    ]
    changed.append(("5. Annexes", 1, (("p", "Modèle de fiche."),)))
    new = _outline(sf.sample_docx(changed), "v2.docx")
    changes = {(c.anchor, c.change) for c in outline_diff(old, new)}
    assert changes == {("s-2-2", "removed"), ("s-4", "modified"), ("s-5", "added")}
    assert outline_diff(old, _outline(sf.sample_docx(), "same.docx")) == []
