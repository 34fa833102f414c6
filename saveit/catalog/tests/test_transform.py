"""The proposed skeleton on real procedure files of every format, read by the real ingestion."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from decimal import Decimal

import pytest

from saveit.catalog.transform import Skeleton, propose_skeleton, summary
from saveit.catalog.transform.skeleton import FAMILIES_PER_LESSON, ITEMS_MAX
from saveit.documents.ingest import Block, Outline, Section, ingest
from saveit.testing import sample_files as sf

from . import procedure_fixture as pf

FORMATS = {
    "docx": lambda: (sf.sample_docx(), "procédure.docx"),
    "odt": lambda: (sf.sample_odt(), "procédure.odt"),
    "pdf": lambda: (sf.sample_pdf(pages=3, sections=sf.PROCEDURE), "procédure.pdf"),
    "markdown": lambda: (sf.sample_markdown(), "procédure.md"),
    "html": lambda: (sf.sample_html(), "procédure.html"),
    "text": lambda: (sf.sample_text(), "procédure.txt"),
}
WITH_TABLES = {"docx", "odt", "markdown", "html"}  # text and PDF flatten tables into lines
ALLOWED_TAGS = {"p", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "h3"}
ALLOWED_TAGS |= {"strong", "em"}
TRUE_FALSE = ["Vrai", "Faux"]
ORDER = "Remettez dans l'ordre les étapes de « {} »."
# What each objective promises, and the kind of question of its lesson that assesses it.
OBJECTIVE_RULES = {
    "Dérouler dans l'ordre les": {"ordering_steps"},
    "Dire qui ": {"responsibility"},  # "Dire qui se charge de « … »" too
    "Appliquer la règle :": {"obligation", "prohibition"},
    "Identifier quand le document": {"document"},
    "Retenir la valeur fixée": {"figure"},
    "Répondre :": {"required_elements"},
    "Expliquer «": set(),  # a lesson without questions: nothing to draw from
}
STOP_WORDS = {"le", "la", "les", "de", "du", "des", "et", "à", "un", "une", "en", "dans", "qui"}


def outline_of(content: bytes, name: str) -> Outline:
    return ingest(content, name, max_bytes=25 * 1024 * 1024)[1]


def prompts_of(skeleton: Skeleton) -> set[str]:
    return {i.prompt for i in skeleton.items}


def tags_of(skeleton: Skeleton) -> set[str]:
    html = "".join(block.html for lesson in skeleton.lessons for block in lesson.blocks)
    return set(re.findall(r"<(\w+)", html))


def item(skeleton: Skeleton, prompt: str):
    return next(i for i in skeleton.items if i.prompt == prompt)


def answer(skeleton: Skeleton, prompt: str) -> str:
    found = item(skeleton, prompt)
    assert found.kind == "single" and len(found.correct) == 1
    return found.choices[found.correct[0]]


def lesson_items(skeleton: Skeleton, anchor: str) -> list:
    """The items drawn from a lesson's section or its subsections."""
    return [
        i
        for i in skeleton.items
        if any(a == anchor or a.startswith(f"{anchor}-") for a in i.source_anchors)
    ]


def content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[\w']{3,}", text.lower()) if w not in STOP_WORDS}


def assert_objectives_fit(skeleton: Skeleton) -> None:
    """Each objective is an operational verb phrase on its own lesson's content (not a
    template around its title), assessed by its items."""
    for lesson, objective in zip(skeleton.lessons, skeleton.objectives, strict=True):
        promise = next((p for p in OBJECTIVE_RULES if objective.startswith(p)), None)
        assert promise is not None, objective  # an action one can observe, not "Comprendre…"
        said = " ".join(b.html for b in lesson.blocks) + " ".join(
            i.prompt + " ".join(i.choices) for i in lesson_items(skeleton, lesson.source_anchor)
        )
        specific = content_words(objective.removeprefix(promise)) - content_words(lesson.title)
        assert len(specific & content_words(said)) >= 2, objective  # the lesson's own words
        rules = {i.rule for i in lesson_items(skeleton, lesson.source_anchor)}
        if OBJECTIVE_RULES[promise]:
            assert rules & OBJECTIVE_RULES[promise], (objective, rules)
        else:
            assert rules == set(), (objective, rules)


def assert_consistent(outline: Outline, skeleton: Skeleton) -> None:
    """What every skeleton owes its reviewers, whatever the procedure."""
    anchors = set(outline.anchors())
    for lesson in skeleton.lessons:
        assert lesson.source_anchor in anchors
        assert {block.source_anchor for block in lesson.blocks} <= anchors
    for proposed in skeleton.items:
        assert proposed.source_anchors and set(proposed.source_anchors) <= anchors
        if proposed.kind in ("single", "true_false", "ordering"):
            assert all(0 <= n < len(proposed.choices) for n in proposed.correct)
    prompts = [proposed.prompt for proposed in skeleton.items]
    assert len(set(prompts)) == len(prompts)
    answers: dict[str, list[int]] = {}
    for proposed in skeleton.items:
        assert proposed.family  # every generated item belongs to a family
        if proposed.kind == "true_false":
            answers.setdefault(proposed.family, []).append(proposed.correct[0])
    assert all(sorted(a) == [0, 1] for a in answers.values())  # each rule with its false twin
    assert_objectives_fit(skeleton)
    assert tags_of(skeleton) <= ALLOWED_TAGS
    assert propose_skeleton(outline) == skeleton  # deterministic


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_gives_lessons_and_items_of_the_procedure(fmt):
    outline = outline_of(*FORMATS[fmt]())
    skeleton = propose_skeleton(outline)
    print(fmt, summary(skeleton))
    assert_consistent(outline, skeleton)
    assert skeleton.title == "Procédure de gestion des déviations"
    assert [(lesson.title, lesson.source_anchor) for lesson in skeleton.lessons] == [
        ("Objet et périmètre", "s-1"),
        ("Rôles et responsabilités", "s-2"),
        ("Déroulement", "s-3"),
        ("Enregistrements", "s-4"),
    ]  # the short preamble (version and date) makes no lesson

    steps = item(skeleton, ORDER.format("Déroulement"))
    assert steps.kind == "ordering" and steps.rule == "ordering_steps"
    assert steps.choices == [
        "Déclarer la déviation dans le registre.",
        "Isoler le lot concerné.",
        "Informer le responsable qualité sous 48 heures.",
    ]
    assert steps.correct == [0, 1, 2] and steps.source_anchors == ["s-3"]

    who = item(skeleton, "Selon la procédure, qui valide chaque déviation ?")
    assert (who.kind, who.rule, who.source_anchors) == ("single", "responsibility", ["s-2"])
    assert who.choices == ["Le chef d'équipe", "L'opérateur", "Le responsable qualité"]
    assert who.correct == [2]

    rule = item(skeleton, "Le responsable qualité doit clôturer chaque déviation sous 30 jours.")
    assert (rule.kind, rule.choices, rule.correct) == ("true_false", TRUE_FALSE, [0])
    assert rule.source_anchors == ["s-2-1"] and rule.rule == "obligation"
    assert "« Le responsable qualité doit clôturer" in rule.feedback
    false = item(skeleton, "Leur archivage est facultatif.")
    assert (false.correct, false.source_anchors) == ([1], ["s-4"])
    assert not any(i.prompt.startswith("Il doit") for i in skeleton.items)  # who is "il"?
    forbidden = item(skeleton, "L'opérateur ne modifie pas le lot sans accord écrit.")
    assert (forbidden.rule, forbidden.correct) == ("prohibition", [0])

    numbers = {
        (i.answer, i.unit, i.source_anchors[0]) for i in skeleton.items if i.kind == "numeric"
    }
    assert numbers == {
        (Decimal(48), "heures", "s-2"),
        (Decimal(30), "jours", "s-2-1"),
        (Decimal(48), "heures", "s-3"),
        (Decimal(5), "ans", "s-4"),
    }
    archived = item(
        skeleton,
        "Dans la procédure : « Les fiches de déviation sont archivées pendant ___ ans ». "
        "Quel nombre manque ?",
    )
    assert (archived.answer, archived.tolerance, archived.choices) == (5, 0, [])

    by_table = [i for i in skeleton.items if "l'étape « " in i.prompt]
    if fmt in WITH_TABLES:
        analysis = item(
            skeleton, "Selon la procédure, qui est chargé de l'étape « Analyse des causes » ?"
        )
        assert analysis.choices[analysis.correct[0]] == "Le responsable qualité"
        assert analysis.source_anchors == ["s-3"] and len(by_table) == 3
    else:  # a table flattened into a line of words gives no question
        assert by_table == []
        assert not any("Étape Responsable" in i.prompt for i in skeleton.items)
    assert skeleton.objectives[2] == (
        "Dérouler dans l'ordre les 3 étapes, de « Déclarer la déviation dans le registre » "
        "à « Informer le responsable qualité sous 48 heures »."
    )


def test_subsections_fold_into_their_parent_lesson_and_keep_their_anchor():
    skeleton = propose_skeleton(outline_of(sf.sample_docx(), "procédure.docx"))
    roles = skeleton.lessons[1]
    assert [(b.kind, b.source_anchor) for b in roles.blocks] == [
        ("text", "s-2"), ("text", "s-2-1"), ("callout", "s-2-1"), ("text", "s-2-2"),
        ("callout", "s-2-2"),
    ]  # fmt: skip
    assert roles.blocks[1].html == "<h3>2.1 Le responsable qualité</h3>"
    assert roles.blocks[2].html == (
        "<p>Le responsable qualité doit clôturer chaque déviation sous 30 jours. "
        "Sa signature est obligatoire.</p>"
    )
    assert roles.blocks[0].html.startswith("<p>Chaque acteur connaît son rôle")
    assert "<ul><li>Le responsable qualité valide chaque déviation.</li>" in roles.blocks[0].html
    table = skeleton.lessons[2].blocks[0].html
    assert "<thead><tr><th>Étape</th><th>Responsable</th><th>Délai</th></tr></thead>" in table
    assert "<td>Chef d&#x27;équipe</td>" in table


def test_html_is_escaped_and_rules_become_callouts():
    sections = [
        ("1. Objet", 1, (
            ("p", "Utiliser <script>alert(1)</script> & « guillemets »."),
            ("p", "Important : le badge reste visible."),
        )),
    ]  # fmt: skip
    skeleton = propose_skeleton(outline_of(sf.sample_docx(sections), "p.docx"))
    text, callout = skeleton.lessons[0].blocks
    assert (
        text.html == "<p>Utiliser &lt;script&gt;alert(1)&lt;/script&gt; &amp; « guillemets ».</p>"
    )
    assert (callout.kind, callout.html) == ("callout", "<p>Important : le badge reste visible.</p>")


def test_a_long_preamble_becomes_an_introduction_lesson():
    preamble = (
        "Ce document s’adresse à toutes les personnes qui réceptionnent des marchandises "
        "sur le quai. Il rappelle pourquoi la traçabilité des réceptions protège les clients, "
        "et comment chaque contrôle s’inscrit dans le système qualité de l’entrepôt."
    )
    content = f"# Réception des marchandises\n\n{preamble}\n\n## 1. Contrôles\n\nLe magasinier vérifie chaque colis.\n"
    outline = outline_of(content.encode(), "reception.md")
    skeleton = propose_skeleton(outline)
    assert [(x.title, x.source_anchor) for x in skeleton.lessons] == [
        ("Introduction", "preambule"),
        ("Contrôles", "s-1"),
    ]
    assert skeleton.lessons[0].blocks[0].html == f"<p>{preamble}</p>"  # ’ kept as written


def test_without_level_one_the_shallowest_level_makes_the_lessons():
    def section(anchor: str, level: int, title: str, text: str) -> Section:
        return Section(anchor, level, "", title, [Block("paragraph", text=text)])

    sections = [
        section("s-a", 2, "Accueil", "Le gardien remet un badge."),
        section("s-a1", 3, "Badge", "Le badge reste visible."),
        section("s-b", 2, "Départ", "Le visiteur rend son badge."),
    ]
    skeleton = propose_skeleton(Outline("Consignes", sections, "markdown"))
    assert [lesson.source_anchor for lesson in skeleton.lessons] == ["s-a", "s-b"]
    assert [b.source_anchor for b in skeleton.lessons[0].blocks] == ["s-a", "s-a1"]


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_a_multi_page_french_procedure(fmt):
    content = pf.procedure_docx() if fmt == "docx" else pf.procedure_pdf(pages=4)
    outline = outline_of(content, f"PR-ACH-007.{fmt}")
    skeleton = propose_skeleton(outline)
    print(fmt, "multi-page", summary(skeleton))
    assert_consistent(outline, skeleton)
    top = [s.anchor for s in outline.sections if s.level == 1]
    assert top == pf.TOP_ANCHORS == [lesson.source_anchor for lesson in skeleton.lessons]
    assert skeleton.lessons[3].title == "Phase 0 – Qualification de la demande"
    kinds = Counter(i.kind for i in skeleton.items)
    assert kinds["ordering"] == 4 and kinds["numeric"] >= 6 and kinds["single"] >= 8
    phases = item(skeleton, f"Remettez dans l'ordre les phases de « {skeleton.title} ».")
    assert phases.choices[0] == "Qualification de la demande"  # "Phase 0 –" would tell
    assert len(phases.choices) == 4 and phases.source_anchors[0] == "s-4"
    assert kinds["true_false"] >= 10 and len(skeleton.items) <= ITEMS_MAX
    families = {(i.source_anchors[0].split("-")[1], i.family) for i in skeleton.items}
    # at most the cap per lesson, plus the order of the phases
    assert max(Counter(lesson for lesson, _f in families).values()) <= FAMILIES_PER_LESSON + 1

    numbers = {(i.answer, i.unit) for i in skeleton.items if i.kind == "numeric"}
    assert {
        (Decimal(48), "heures"), (Decimal(5), "jours ouvrés"), (Decimal(20), "%"),
        (Decimal(2), "fois par an"), (Decimal(25), "Mo"), (Decimal(10), "ans"),
    } <= numbers  # fmt: skip
    percent = next(i for i in skeleton.items if i.unit == "%")
    # The parsers turn non-breaking spaces into plain ones (see the typography test below).
    assert percent.source_anchors == ["s-7"] and "dépasse ___ %, le fournisseur" in percent.prompt

    phase0 = item(skeleton, ORDER.format("Phase 0 – Qualification de la demande"))
    assert phase0.choices == ["Exprimer le besoin", "Vérifier l’absence d’alternative", "Ouvrir le dossier"]  # fmt: skip
    assert phase0.source_anchors == ["s-4", "s-4-1", "s-4-2", "s-4-3"]
    audit = item(skeleton, ORDER.format("Phase 2 – Audit sur site"))
    assert audit.choices[0] == "Tenir la réunion d’ouverture." and audit.correct == [0, 1, 2, 3]

    assert answer(skeleton, "Selon la procédure, qui signe la décision finale ?") == (
        "Le directeur des achats"
    )
    consults = item(skeleton, "Selon la procédure, qui consulte le panel existant ?")
    assert consults.choices[consults.correct[0]] == "L’acheteur"  # typography kept
    assert consults.source_anchors == ["s-4-2"]  # an item from a subsection carries its anchor

    lifted = item(skeleton, "Un écart majeur peut être clos sans preuve de correction.")
    assert (lifted.rule, lifted.correct) == ("prohibition", [1])
    optional = item(skeleton, "L’archivage électronique est facultatif.")
    assert (optional.rule, optional.correct, optional.source_anchors) == ("obligation", [1], ["s-9"])  # fmt: skip
    # No false variant is safe for it (no role, document or figure to swap, "aucun" to keep):
    # quoted alone as "true", it would make "Vrai" the better blind guess.
    assert "Aucune commande n’est passée sans référencement validé." not in prompts_of(skeleton)
    phase1 = "Phase 1 – Cartographie des risques"
    assert skeleton.lessons[4].title == phase1
    assert skeleton.objectives[4] == (
        "Dérouler dans l'ordre les 4 étapes, de « Recenser les sites de production » "
        "à « Planifier l’audit »."
    )
    assert skeleton.objectives[8] == (
        "Appliquer la règle : les dossiers fournisseurs sont conservés pendant 10 ans après la "
        "fin de la relation commerciale."
    )
    if fmt == "docx":
        assert skeleton.title == pf.TITLE
        # The table says "Responsable qualité fournisseurs"; choices use the sentences' spelling.
        duty = "Ouvrir le dossier fournisseur et réunir les pièces administratives"
        prompt = f"Selon la procédure, à qui revient la responsabilité « {duty} » ?"
        assert answer(skeleton, prompt) == "L’acheteur"


def test_the_multi_page_docx_keeps_every_numbered_phase_across_its_page_breaks():
    content = pf.procedure_docx()
    document = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml")
    assert document.count(b'w:type="page"') == len(pf.PAGE_BREAK_BEFORE)  # the fixture's premise
    outline = outline_of(content, "PR-ACH-007.docx")
    numbered = [s for s in outline.sections if s.level > 0]
    expected = [
        (h.split(" ", 1)[0].rstrip("."), h.split(" ", 1)[1], lvl) for h, lvl, _b in pf.SECTIONS
    ]
    assert [(s.number, s.title, s.level) for s in numbered] == expected
    kinds = {"p": "paragraph", "bullets": "list", "numbers": "list", "table": "table"}
    for section, (_heading, _level, blocks) in zip(numbered, pf.SECTIONS, strict=True):
        # Nothing lost or moved at a page break: each section holds exactly its own content.
        assert [b.kind for b in section.blocks] == [kinds[kind] for kind, _value in blocks]
        for block, (kind, value) in zip(section.blocks, blocks, strict=True):
            if kind == "p":
                assert block.text == " ".join(str(value).split()), section.anchor
    phases = [s.title for s in numbered if s.level == 1 and s.title.startswith("Phase")]
    assert phases == [
        "Phase 0 – Qualification de la demande", "Phase 1 – Cartographie des risques",
        "Phase 2 – Audit sur site", "Phase 3 – Décision et suivi",
    ]  # fmt: skip
    assert (
        outline.section("s-6").blocks[1].items[-1]
        == "Présenter les constats en réunion de clôture."
    )
    lessons = [lesson.title for lesson in propose_skeleton(outline).lessons]
    assert [title for title in lessons if title.startswith("Phase")] == phases


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_the_elements_a_section_requires_become_one_multiple_choice(fmt):
    content = pf.procedure_docx() if fmt == "docx" else pf.procedure_pdf(pages=4)
    skeleton = propose_skeleton(outline_of(content, f"PR-ACH-007.{fmt}"))
    (chosen,) = [i for i in skeleton.items if i.kind == "multiple"]
    # 4.1: "Le service demandeur doit décrire le composant, les volumes annuels et le niveau …"
    assert chosen.prompt == "Selon la procédure, qu'est-ce que le service demandeur doit décrire ?"
    assert (chosen.rule, chosen.source_anchors) == ("required_elements", ["s-4-1"])
    right = [chosen.choices[n] for n in chosen.correct]
    assert right == ["Le composant", "Le niveau de criticité", "Les volumes annuels"]
    wrong = set(chosen.choices) - set(right)
    assert 2 <= len(wrong) <= 3
    # The wrong answers are things the procedure names elsewhere, not inventions.
    others = " ".join(
        s.plain_text().lower()
        for s in outline_of(content, f"x.{fmt}").sections
        if s.anchor != "s-4-1"
    )
    assert all(choice.lower() in others for choice in wrong), wrong
    assert "« Le service demandeur doit décrire le composant" in chosen.feedback


def test_a_list_introduced_as_required_gives_a_multiple_choice_with_its_items():
    sections = [
        ("1. Ouverture du dossier", 1, (
            ("p", "Le dossier fournisseur doit comporter les pièces suivantes :"),
            ("bullets", ["l’extrait Kbis de moins de trois mois ;", "l’attestation d’assurance ;",
                         "le certificat ISO 9001 en cours de validité."]),
        )),
        ("2. Audit", 1, (
            ("p", "L’auditeur vérifie les registres de contrôle."),
            ("p", "Le responsable qualité signe le rapport d’audit."),
        )),
        ("3. Décision", 1, (("p", "Le directeur des achats prononce la décision de référencement."),)),
    ]  # fmt: skip
    skeleton = propose_skeleton(outline_of(sf.sample_docx(sections), "dossier.docx"))
    (chosen,) = [i for i in skeleton.items if i.kind == "multiple"]
    assert (
        chosen.prompt == "Selon la procédure, qu'est-ce que le dossier fournisseur doit comporter ?"
    )
    assert [chosen.choices[n] for n in chosen.correct] == [
        "L’attestation d’assurance", "L’extrait Kbis de moins de trois mois",
        "Le certificat ISO 9001 en cours de validité",
    ]  # fmt: skip
    assert set(chosen.choices) - {chosen.choices[n] for n in chosen.correct} == {
        "La décision de référencement", "Le rapport d’audit", "Les registres de contrôle",
    }  # fmt: skip
    assert chosen.source_anchors == ["s-1"]


def test_no_multiple_choice_without_wrong_answers_from_elsewhere():
    sections = [
        ("1. Demande", 1, (
            ("p", "Le demandeur doit préciser le composant, le volume et le délai souhaité."),
        )),
    ]  # fmt: skip
    skeleton = propose_skeleton(outline_of(sf.sample_docx(sections), "seul.docx"))
    assert not [i for i in skeleton.items if i.kind == "multiple"]


def test_the_procedure_with_phases_over_three_pdf_pages():
    """The shared sample's long version: seven sections, phases, a table flattened by the PDF."""
    outline = outline_of(sf.sample_pdf(pages=3), "procédure-longue.pdf")
    skeleton = propose_skeleton(outline)
    assert_consistent(outline, skeleton)
    assert [lesson.source_anchor for lesson in skeleton.lessons] == [
        "s-1", "s-2", "s-3", "s-4", "s-5", "s-6", "s-7",
    ]  # fmt: skip
    assert skeleton.lessons[4].title == "Phase 0 – Qualification et cadrage"
    kinds = Counter(item.kind for item in skeleton.items)
    assert {"ordering", "true_false", "single", "numeric"} <= set(kinds)
    deadline = next(i for i in skeleton.items if i.unit == "jours ouvrés")
    assert deadline.answer == 10 and deadline.source_anchors == ["s-6"]
    # Text flattened from a PDF table is not a statement: no question is drawn from it.
    assert not any("Étape Responsable" in item.prompt for item in skeleton.items)


def test_caps_keep_every_lesson_represented():
    rule = "Le technicien doit contrôler la machine {s}-{n} toutes les {h} heures."
    sections = [
        (
            f"{s}. Contrôle {s}",
            1,
            tuple(("p", rule.format(s=s, n=n, h=10 * s + n)) for n in range(8)),
        )
        for s in range(1, 13)
    ]
    skeleton = propose_skeleton(outline_of(sf.sample_docx(sections), "controles.docx"))
    per_lesson = Counter(i.source_anchors[0] for i in skeleton.items)
    families = {(i.source_anchors[0], i.family) for i in skeleton.items}
    assert len(skeleton.items) <= ITEMS_MAX and set(per_lesson) == {f"s-{s}" for s in range(1, 13)}
    assert max(Counter(anchor for anchor, _f in families).values()) <= FAMILIES_PER_LESSON
    positions = [int(i.source_anchors[0][2:]) for i in skeleton.items]
    assert positions == sorted(positions)  # document order


def test_typography_is_matched_loosely_and_kept_as_written():
    from saveit.catalog.transform.figures import figures
    from saveit.catalog.transform.roles import role_statement
    from saveit.catalog.transform.sentences import negated

    (figure,) = figures("Seuil d’alerte\u00a0: 12,5\u00a0% des lots.")
    assert (figure.value, figure.unit) == (Decimal("12.5"), "%")
    assert figure.blanked == "Seuil d’alerte\u00a0: ___\u00a0% des lots"
    statement = role_statement("L’opératrice de ligne vérifie l’étiquetage.")
    assert statement is not None and statement.role == "L’opératrice de ligne"
    assert statement.action == "vérifie l’étiquetage"
    assert negated("L’opératrice n’ouvre pas l’armoire.") == "L’opératrice ouvre l’armoire."
    assert negated("Le port du casque est obligatoire.") == "Le port du casque est facultatif."
    assert negated("La présence d’un témoin est obligatoire.").endswith("est facultative.")
    assert negated("Le technicien ne porte pas de bijoux.") is None  # "porte de bijoux" is wrong
    assert negated("Si le lot doit être détruit, le responsable signe.") is None
