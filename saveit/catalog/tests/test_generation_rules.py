"""The generation rules of SPEC §4, one by one, on short procedures written for the purpose."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saveit.catalog.transform import propose_skeleton
from saveit.catalog.transform import sentences as s
from saveit.catalog.transform.variants import false_variant, figure_swap, role_swap
from saveit.documents.ingest import ingest

ROLES = ["Le client", "SAVE IT", "Le technicien"]
DOCUMENTS = ["note de cadrage", "procès-verbal de réception", "bon de commande"]


def skeleton_of(markdown: str):
    outline = ingest(markdown.encode(), "p.md", max_bytes=1_000_000)[1]
    return propose_skeleton(outline)


@pytest.mark.parametrize(
    "sentence",
    [
        "Le procès-verbal de réception est signé avant toute mise en service.",
        "Toute demande fait l'objet d'une note de cadrage.",
        "Le technicien doit contrôler la vanne chaque semaine.",
        "Aucune intervention n'est réalisée sans bon de commande.",
        "Le badge n'est remis qu'au titulaire du poste.",
        "Le registre est tenu à jour avant toute clôture.",
    ],
)
def test_every_french_form_of_a_rule_is_read_as_a_rule(sentence):
    assert s.is_obligation(sentence) or s.is_prohibition(sentence)


@pytest.mark.parametrize(
    ("sentence", "change", "expected"),
    [
        (
            "La note de cadrage est validée par le client.",
            "role",
            "La note de cadrage est validée par SAVE IT.",
        ),
        (
            "Un procès-verbal de réception est signé avant toute mise en service.",
            "artefact",
            "Un bon de commande est signé avant toute mise en service.",
        ),
        (
            "La réponse est envoyée sous 48 heures.",
            "figure",
            "La réponse est envoyée sous 24 heures.",
        ),
        (
            "Toute demande fait l'objet d'un entretien.",
            "negation",
            "Toute demande ne fait pas l'objet d'un entretien.",
        ),
    ],
)
def test_each_rule_gets_a_false_variant_from_the_same_procedure(sentence, change, expected):
    found = false_variant(
        sentence,
        roles=ROLES,
        documents=DOCUMENTS,
        numbers={"heure": [Decimal(48), Decimal(24)]},
    )
    assert found is not None and (found.change, found.text) == (change, expected)


def test_a_bound_is_tightened_never_loosened():
    pool = {"fois": [Decimal(1), Decimal(2), Decimal(4)]}
    at_least = false_variant("Le filtre est changé au moins 2 fois par an.", roles=[],
                             documents=[], numbers=pool)  # fmt: skip
    assert at_least is not None and "au moins 4 fois" in at_least.text
    threshold = "Si le taux dépasse 20 %, le lot est bloqué."
    assert figure_swap(threshold, {"%": [Decimal(10), Decimal(40)]}) is None  # 40 % holds too


def test_a_swapped_role_agrees_with_its_preposition_and_never_repeats_a_role():
    swapped = role_swap("La validation écrite du client est requise.", ROLES)
    assert swapped is not None and swapped.text == "La validation écrite de SAVE IT est requise."
    both = "SAVE IT n'est pas responsable des contenus fournis par le client."
    assert role_swap(both, ["SAVE IT", "Le client"]) is None  # "… fournis par SAVE IT": nonsense


PROCEDURE = """# Procédure de réception des travaux

Version 1.

## 1. Rôles

Client : responsable de la recette, de la signature du procès-verbal et du paiement.
SAVE IT : responsable de la livraison et de la formation.
La responsabilité de la mise en service incombe au technicien.

## 2. Phase 1 – Préparation

Le technicien rédige la note de cadrage avant toute intervention.

## 3. Phase 2 – Recette

Le procès-verbal de réception est signé par le client sous 5 jours ouvrés.

## 4. Phase 3 – Mise en service

Aucune mise en service n'a lieu sans bon de commande signé.

## 5. Phase 4 – Clôture

Le dossier est archivé pendant 10 ans.
"""


def test_roles_written_with_a_colon_or_incombe_give_who_is_responsible_items():
    skeleton = skeleton_of(PROCEDURE)
    who = {i.prompt: i.choices[i.correct[0]] for i in skeleton.items if i.rule == "responsibility"
           and i.kind == "single"}  # fmt: skip
    assert who["Selon la procédure, qui est responsable de la recette ?"] == "Client"
    assert who["Selon la procédure, qui est responsable du paiement ?"] == "Client"
    assert who["Selon la procédure, qui est responsable de la formation ?"] == "SAVE IT"
    assert who["Selon la procédure, qui est responsable de la mise en service ?"] == "Le technicien"
    wrong = next(i for i in skeleton.items if i.prompt.endswith("de la formation ?"))
    assert set(wrong.choices) - {"SAVE IT"} <= {"Client", "Le technicien"}  # the other roles


def test_sibling_phases_give_one_ordering_item_without_their_numbers():
    skeleton = skeleton_of(PROCEDURE)
    phases = next(i for i in skeleton.items if "les phases de" in i.prompt)
    assert phases.choices == ["Préparation", "Recette", "Mise en service", "Clôture"]
    assert phases.source_anchors == ["s-2", "s-3", "s-4", "s-5"]


def test_figures_give_a_numeric_and_a_single_choice_item_of_one_family():
    skeleton = skeleton_of(PROCEDURE)
    numeric = next(i for i in skeleton.items if i.kind == "numeric" and i.answer == 10)
    single = next(
        i
        for i in skeleton.items
        if i.kind == "single" and i.rule == "figure" and "archivé" in i.prompt
    )
    assert single.choices[single.correct[0]] == "10 ans" and len(single.choices) >= 3
    assert numeric.family == single.family
    pair = [i for i in skeleton.items if i.family == numeric.family and i.kind == "true_false"]
    assert sorted(i.correct[0] for i in pair) == [0, 1]


def test_documents_named_give_which_document_items_with_the_procedures_other_documents():
    skeleton = skeleton_of(PROCEDURE)
    which = next(
        i for i in skeleton.items if i.rule == "document" and "avant toute intervention" in i.prompt
    )
    assert which.choices[which.correct[0]] == "Note de cadrage"
    assert {"Bon de commande signé", "Procès-verbal de réception"} & set(which.choices)
