"""Documents a procedure names ("note de cadrage", "procès-verbal", "bon de commande"…).

An artefact is a head noun from a small lexicon of documents, with its complement when it has
one ("de cadrage", "de validation et d'activation", "proforma"). They feed "which document"
questions and false variants whose wrong document comes from the same procedure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .sentences import normalise, view

# Heads that name a document on their own ("le devis", "un procès-verbal").
_ALONE = (
    r"procès-verbal|procès-verbaux|devis|contrat|avenant|facture|attestation|certificat"
    r"|registre|formulaire|rapport|bordereau|cahier des charges|check-list|convention|charte"
    r"|compte rendu|compte-rendu|mandat|ordre de mission|fiche|note|bon|plan|journal|relevé"
    r"|proposition|demande|déclaration|permis|autorisation|avis|feuille|liste|tableau de bord"
)
# Heads too vague alone: they name a document only with a complement ("bon de commande",
# "registre de maintenance"); "le devis", "le procès-verbal" need none.
_STANDS_ALONE = {
    "procès-verbal", "procès-verbaux", "devis", "contrat", "avenant", "facture", "attestation",
    "certificat", "bordereau", "cahier des charges", "check-list", "convention", "charte",
    "compte rendu", "compte-rendu", "mandat", "ordre de mission", "tableau de bord",
}  # fmt: skip
_COMPLEMENT_WORD = (
    r"(?!(?:le|la|les|un|une|des|du|est|sont|et|ou|à|au|aux|en|par|pour|sur|dans)\b)[\w-]+"
)
_ADJECTIVE = (
    r"(?:proforma|pro forma|technique|commerciale?|financière?|définitive?|finale?|signée?"
    r"|annuel(?:le)?|mensuel(?:le)?|écrite?|préalable|contradictoire|nominative?|détaillée?)"
)
_ARTEFACT = re.compile(
    rf"\b(?P<head>{_ALONE})s?\b"
    rf"(?P<complement>\s+(?:de\s+|d'){_COMPLEMENT_WORD}(?:\s+(?:et|ou)\s+(?:de\s+|d'){_COMPLEMENT_WORD})?"
    rf"|\s+{_ADJECTIVE}\b)?",
    re.I,
)


@dataclass(frozen=True)
class Artefact:
    text: str  # as written in the sentence: "procès-verbal de validation et d'activation"
    start: int
    end: int

    @property
    def key(self) -> str:
        return normalise(self.text)


def artefacts(sentence: str) -> list[Artefact]:
    found: list[Artefact] = []
    text = view(sentence)
    for match in _ARTEFACT.finditer(text):
        head = match.group("head").lower()
        if head not in _STANDS_ALONE and not match.group("complement"):
            continue
        found.append(Artefact(sentence[match.start() : match.end()], match.start(), match.end()))
    return found
