"""What changed between two snapshots of a module version."""

from __future__ import annotations

import copy
from typing import Any

from saveit.catalog.diff import DiffRow, diff_versions, html_to_text, text_rows


def _text(html: str) -> dict[str, str]:
    return {"kind": "text", "html": html, "url": "", "name": "", "sha256": "", "media_type": ""}


def _item(key: str, prompt: str, **values: Any) -> dict[str, Any]:
    item = {
        "key": key,
        "kind": "single",
        "prompt": prompt,
        "choices": ["Oui", "Non"],
        "correct": [0],
        "answer": None,
        "tolerance": "0",
        "unit": "",
        "feedback": "",
        "source_anchors": ["1"],
    }
    return item | values


def old_snapshot() -> dict[str, Any]:
    return {
        "module": {"code": "HYG-01", "title": "Hygiène des paillasses"},
        "version": "1.0",
        "title": "Hygiène des paillasses",
        "summary": "Nettoyer les paillasses.",
        "objectives": ["Appliquer la procédure", "Identifier les rôles"],
        "prerequisites": "",
        "duration_minutes": 30,
        "assessment": {
            "items_per_attempt": 10,
            "randomise": True,
            "pass_mark": 80,
            "max_attempts": 3,
            "time_limit_minutes": None,
            "validity_months": 24,
        },
        "sources": [
            {
                "document": "Procédure d'hygiène",
                "version_id": 11,
                "version_label": "1.0",
                "sha256": "a" * 64,
                "anchors": ["1", "2"],
            },
        ],
        "lessons": [
            {
                "key": "L-1",
                "title": "Objet",
                "source_anchor": "1",
                "blocks": [_text("<p>La procédure décrit le nettoyage.</p>")],
            },
            {
                "key": "L-2",
                "title": "Rôles",
                "source_anchor": "2",
                "blocks": [
                    _text("<p>Le technicien nettoie.</p><p>Le responsable vérifie.</p>"),
                    _text("<p>La cheffe d’équipe signe.</p>"),
                ],
            },
            {
                "key": "L-3",
                "title": "Délais",
                "source_anchor": "4",
                "blocks": [_text("<p>Déclarer sous 48&nbsp;heures.</p>")],
            },
        ],
        "items": [
            _item("I-1", "Le technicien nettoie-t-il la paillasse ?"),
            _item(
                "I-2",
                "Délai de déclaration ?",
                kind="numeric",
                choices=[],
                correct=[],
                answer="48",
                unit="heures",
            ),
        ],
    }


def test_same_snapshot_is_empty():
    diff = diff_versions(old_snapshot(), old_snapshot())
    assert diff.is_empty
    assert diff.fields == ()
    assert {lesson.status for lesson in diff.lessons} == {"unchanged"}
    assert {item.status for item in diff.items} == {"unchanged"}
    assert [source.status for source in diff.sources] == ["unchanged"]
    assert diff.sources[0].version_change == "v1.0"


def test_version_label_alone_is_not_a_change():
    new = old_snapshot() | {"version": "1.1"}
    diff = diff_versions(old_snapshot(), new)
    assert diff.is_empty
    assert (diff.old_version, diff.new_version) == ("1.0", "1.1")


def test_lessons_added_removed_modified():
    new = old_snapshot()
    new["lessons"][1]["blocks"][0] = _text(
        "<p>Le technicien nettoie.</p><p>Le responsable qualité vérifie.</p>"
    )
    new["lessons"][1]["title"] = "Rôles et responsabilités"
    del new["lessons"][0]
    new["lessons"].append(
        {
            "key": "L-4",
            "title": "Produits",
            "source_anchor": "5",
            "blocks": [_text("<p>Avec fiche.</p>")],
        }
    )

    diff = diff_versions(old_snapshot(), new)
    assert not diff.is_empty
    statuses = {lesson.key: lesson.status for lesson in diff.lessons}
    assert statuses == {"L-1": "removed", "L-2": "modified", "L-3": "unchanged", "L-4": "added"}
    assert [lesson.key for lesson in diff.lessons] == ["L-1", "L-2", "L-3", "L-4"]
    assert diff.lesson_counts == {"added": 1, "removed": 1, "modified": 1, "unchanged": 1}

    roles = diff.lessons[1]
    assert [(f.name, f.old, f.new) for f in roles.fields] == [
        ("title", "Rôles", "Rôles et responsabilités")
    ]
    first, second = roles.blocks
    assert (first.status, second.status) == ("modified", "unchanged")
    assert first.rows == (
        DiffRow("Le technicien nettoie.", "Le technicien nettoie.", "equal"),
        DiffRow("Le responsable vérifie.", "Le responsable qualité vérifie.", "changed"),
    )
    added = diff.lessons[3]
    assert added.blocks[0].status == "added"
    assert added.blocks[0].rows == (DiffRow("", "Avec fiche.", "added"),)


def test_blocks_inserted_and_removed_inside_a_lesson():
    new = old_snapshot()
    blocks = new["lessons"][1]["blocks"]
    blocks.insert(0, _text("<p>Introduction nouvelle.</p>"))
    del blocks[2]  # "La cheffe d’équipe signe."
    diff = diff_versions(old_snapshot(), new)
    changes = [(b.position, b.status) for b in diff.lessons[1].blocks]
    assert changes == [(1, "added"), (2, "unchanged"), (2, "removed")]


def test_moved_lesson_is_a_change():
    new = old_snapshot()
    new["lessons"].reverse()
    diff = diff_versions(old_snapshot(), new)
    assert not diff.is_empty
    assert [lesson.key for lesson in diff.lessons] == ["L-3", "L-2", "L-1"]
    assert {lesson.status for lesson in diff.lessons} == {"unchanged"}
    assert sum(lesson.moved for lesson in diff.lessons) == 2


def test_item_answer_changed():
    new = old_snapshot()
    new["items"][1]["answer"] = "24"
    new["items"][0]["correct"] = [1]
    new["items"].append(_item("I-3", "Faut-il une fiche de sécurité ?"))
    diff = diff_versions(old_snapshot(), new)
    single, numeric, added = diff.items
    assert single.status == "modified"
    assert [(f.name, f.old, f.new) for f in single.fields] == [("correct", "Oui", "Non")]
    assert numeric.status == "modified"
    [answer] = numeric.fields
    assert (answer.label, answer.old, answer.new) == ("Right answer", "48 heures", "24 heures")
    assert answer.rows == (DiffRow("48 heures", "24 heures", "changed"),)
    assert added.status == "added"
    assert diff.item_counts == {"added": 1, "removed": 0, "modified": 2, "unchanged": 0}


def test_item_removed():
    new = old_snapshot()
    del new["items"][0]
    diff = diff_versions(old_snapshot(), new)
    assert [(i.key, i.status) for i in diff.items] == [("I-1", "removed"), ("I-2", "unchanged")]


def test_pass_mark_and_settings_changed():
    new = old_snapshot()
    new["assessment"] = new["assessment"] | {"pass_mark": 90, "time_limit_minutes": 20}
    new["objectives"] = ["Appliquer la procédure", "Identifier les rôles de chacun"]
    diff = diff_versions(old_snapshot(), new)
    fields = {f.name: f for f in diff.fields}
    assert set(fields) == {"objectives", "assessment.pass_mark", "assessment.time_limit_minutes"}
    assert (fields["assessment.pass_mark"].old, fields["assessment.pass_mark"].new) == (
        "80 %",
        "90 %",
    )
    assert fields["assessment.pass_mark"].label == "Pass mark (%)"
    assert fields["assessment.time_limit_minutes"].old == "none"
    assert [row.kind for row in fields["objectives"].rows] == ["equal", "changed"]


def test_source_version_changed():
    new = old_snapshot()
    new["sources"][0] = new["sources"][0] | {
        "version_id": 12,
        "version_label": "2.0",
        "sha256": "b" * 64,
    }
    new["sources"].append(
        {
            "document": "Fiche produit",
            "version_id": 3,
            "version_label": "1.0",
            "sha256": "c" * 64,
            "anchors": [],
        }
    )
    diff = diff_versions(old_snapshot(), new)
    changed, added = diff.sources
    assert changed.status == "modified"
    assert changed.version_change == "v1.0 → v2.0"
    assert changed.content_changed
    assert (added.status, added.version_change) == ("added", "v1.0")
    assert not diff.is_empty


def test_html_reduced_to_text_with_html_parser():
    html = "<p>Un &amp; <strong>deux</strong></p><ul><li>trois</li><li>quatre</li></ul><table><tr><th>A</th><td>B</td></tr></table>x<br>y"
    assert html_to_text(html) == "Un & deux\ntrois\nquatre\nA | B\nx\ny"
    assert html_to_text("<p>a < b</p>") == "a < b"


def test_text_rows_side_by_side():
    rows = text_rows("un\ndeux\ntrois", "un\nDEUX\ntrois\nquatre")
    assert [r.kind for r in rows] == ["equal", "changed", "equal", "added"]
    assert rows[-1] == DiffRow("", "quatre", "added")
    assert text_rows("a\nb", "a") == (DiffRow("a", "a", "equal"), DiffRow("b", "", "removed"))


def test_inputs_are_not_mutated():
    old, new = old_snapshot(), old_snapshot()
    new["items"][1]["answer"] = "24"
    before = copy.deepcopy((old, new))
    diff_versions(old, new)
    assert (old, new) == before


def test_block_kinds_are_named_for_people():
    from django.utils import translation
    from django.utils.translation import gettext

    new = old_snapshot()
    new["lessons"][0]["blocks"].append(
        _text("") | {"kind": "video", "url": "https://v.example.org/a"}
    )
    (added,) = [
        b for b in diff_versions(old_snapshot(), new).lessons[0].blocks if b.status == "added"
    ]
    assert (added.kind, added.label) == ("video", "video link")
    with translation.override("fr"):
        assert added.label == gettext("video link")  # the model's own label, translated


def test_an_images_text_alternative_is_part_of_its_diff():
    def image(alt: str) -> dict[str, str]:
        return _text("") | {"kind": "image", "name": "plan.png", "sha256": "d" * 64, "alt": alt}

    old, new = old_snapshot(), old_snapshot()
    old["lessons"][0]["blocks"].append(image("Plan"))
    new["lessons"][0]["blocks"].append(image("Plan de la paillasse"))
    (changed,) = [b for b in diff_versions(old, new).lessons[0].blocks if b.status != "unchanged"]
    assert changed.status == "modified"
    assert [(r.old, r.new) for r in changed.rows if r.kind == "changed"] == [
        ("Text alternative: Plan", "Text alternative: Plan de la paillasse")
    ]


def test_sections_of_two_documents_are_told_apart_but_a_new_document_version_is_no_change():
    old, new = old_snapshot(), old_snapshot()
    for snapshot in (old, new):
        snapshot["sources"].append(
            {
                "document": "Consignes d'accès",
                "version_id": 20,
                "version_label": "1.0",
                "sha256": "e" * 64,
                "anchors": ["1"],
            }
        )
        snapshot["lessons"][0]["source_version_id"] = 11
    new["lessons"][0]["source_version_id"] = 20  # same anchor "1", the other procedure
    lesson = diff_versions(old, new).lessons[0]
    (field,) = lesson.fields
    assert (field.old, field.new) == ("Procédure d'hygiène · 1", "Consignes d'accès · 1")
    # The next version of the same procedure: the lesson still comes from the same section.
    before, after = old_snapshot(), old_snapshot()
    before["lessons"][0]["source_version_id"] = 11
    after["sources"][0] = after["sources"][0] | {"version_id": 12, "version_label": "2.0"}
    after["lessons"][0]["source_version_id"] = 12
    assert diff_versions(before, after).lessons[0].fields == ()
