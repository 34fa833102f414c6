"""False variants of a procedure's statement: one local change that makes it wrong.

The change is taken from the same procedure whenever possible: another of its roles, another
of its documents, another of its figures; a negation only when nothing else fits. A learner
cannot spot the false ones by their form (a negation is not always false: prohibitions are
quoted as they stand and are true).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from . import sentences as s
from .artefacts import Artefact, artefacts
from .figures import figures

_VOWEL = re.compile(r"^[aeiouyhàâéèêëîïôûù]", re.I)
# The word before a role: a preposition fused or not with an article, or an article alone.
_BEFORE = r"(?P<det>\b(?i:de la |de l'|à la |à l'|du |des |au |aux |de |d'|à |le |la |les |l'))?"
_FEMININE_HEADS = {
    "facture", "attestation", "fiche", "note", "proposition", "demande", "déclaration",
    "autorisation", "feuille", "liste", "charte", "convention", "check-list",
}  # fmt: skip


@dataclass(frozen=True)
class Variant:
    text: str
    change: str  # "role", "artefact", "figure", "negation"
    detail: str = ""  # what was put in: the other role, document or figure


# ---------------------------------------------------------------- roles


def _bare(name: str) -> str:
    return re.sub(r"^(?:les\s|le\s|la\s|l')\s*", "", s.view(name), flags=re.I).strip()


def _acronym(bare: str) -> bool:
    first = bare.split()[0] if bare.split() else ""
    return len(first) > 1 and first.isupper()


def _article(name: str) -> str:
    """ "le", "la", "l'", "les" or "" (a name in capitals takes none)."""
    bare = _bare(name)
    written = s.view(name).lower()
    if _acronym(bare):  # "Le RSSI" keeps its determiner, "SAVE IT" has none
        return next((a.strip() for a in ("les ", "le ", "la ", "l'") if written.startswith(a)), "")
    for article in ("les ", "le ", "la ", "l'"):
        if written.startswith(article):
            return article.strip()
    head = bare.split()[0].lower()
    if head.endswith(("s", "x")) and len(head) > 3:
        return "les"
    if _VOWEL.match(head):
        return "l'"
    return "la" if feminine_role(bare) else "le"


_FEMININE_ROLE_ENDINGS = (
    "ante",
    "ière",
    "euse",
    "rice",
    "enne",
    "esse",
    "ffe",
    "tion",
    "ipe",
    "ule",
)


def feminine_role(bare: str) -> bool:
    """ "Assistante de direction", "cheffe d'équipe", "direction": the head is the first word."""
    head = s.view(bare).split()[0].lower() if bare.split() else ""
    return head.endswith(_FEMININE_ROLE_ENDINGS)


_WITH_DE = {"le": "du ", "la": "de la ", "l'": "de l'", "les": "des "}
_WITH_A = {"le": "au ", "la": "à la ", "l'": "à l'", "les": "aux "}


def role_phrase(name: str, det: str) -> str:
    """The role `name` where the sentence had `det` before the role it replaces."""
    bare = _bare(name)
    bare = bare if _acronym(bare) else bare[:1].lower() + bare[1:]
    article = _article(name)
    det = det.lower().strip()
    if det in ("de la", "de l'", "du", "des", "de", "d'"):
        if not article:
            return ("d'" if _VOWEL.match(bare) else "de ") + bare
        return _WITH_DE[article] + bare
    if det in ("à la", "à l'", "au", "aux", "à"):
        return ("à " + bare) if not article else _WITH_A[article] + bare
    if not article:
        return bare
    return (article if article == "l'" else article + " ") + bare


def _role_pattern(name: str) -> re.Pattern[str]:
    bare = _bare(name)
    words = [re.escape(w) for w in bare.split()]
    if _acronym(bare):
        return re.compile(_BEFORE + r"\b" + r"\s".join(words) + r"\b")
    words[0] = words[0].rstrip("s") + "s?"
    return re.compile(_BEFORE + r"\b" + r"\s".join(words) + r"\b", re.I)


def role_swap(sentence: str, roles: list[str]) -> Variant | None:
    """The first role named in the sentence replaced by another role of the procedure, one
    the sentence does not name already."""
    text = s.view(sentence)
    named: list[tuple[re.Match[str], int]] = []
    for index, name in enumerate(roles):
        for match in _role_pattern(name).finditer(text):
            bare_written = text[match.start() + len(match.group("det") or "") : match.end()]
            if match.group("det") or bare_written[:1].isupper():
                named.append((match, index))  # not "les données clients": an adjective
    if not named:
        return None
    present = {_bare(roles[index]).lower() for _match, index in named}
    match, index = min(named, key=lambda pair: pair[0].start())
    others = [r for r in roles[index + 1 :] + roles[:index] if _bare(r).lower() not in present]
    det = (match.group("det") or "").strip().lower()
    subject = not text[: match.start()].strip() or text[: match.start()].rstrip().endswith(",")
    if subject and det in ("", "le", "la", "l'", "les"):  # the verb agrees with it in number
        written = text[match.start() : match.end()].split()
        plural = det == "les" or (len(written[-1]) > 3 and written[-1].endswith(("s", "x")))
        others = [r for r in others if (_article(r) == "les") == plural]
    if not others:
        return None
    other = others[0]
    phrase = role_phrase(other, match.group("det") or "")
    if match.start() == 0 or text[: match.start()].endswith(("« ", '"')):
        phrase = phrase[:1].upper() + phrase[1:]
    new = sentence[: match.start()] + phrase + sentence[match.end() :]
    return Variant(new, "role", _bare(other))


# ---------------------------------------------------------------- documents

_ARTICLES = {
    # masculine, feminine, before a vowel
    "un": ("un", "une", "un"),
    "une": ("un", "une", "un"),
    "le": ("le", "la", "l'"),
    "la": ("le", "la", "l'"),
    "l'": ("le", "la", "l'"),
    "du": ("du", "de la", "de l'"),
    "de la": ("du", "de la", "de l'"),
    "de l'": ("du", "de la", "de l'"),
    "au": ("au", "à la", "à l'"),
    "à la": ("au", "à la", "à l'"),
    "à l'": ("au", "à la", "à l'"),
    "ce": ("ce", "cette", "cet"),
    "cet": ("ce", "cette", "cet"),
    "cette": ("ce", "cette", "cet"),
    "son": ("son", "sa", "son"),
    "sa": ("son", "sa", "son"),
}
_ARTICLE_BEFORE = re.compile(
    r"(?P<article>\b(?:de la|de l'|à la|à l'|un|une|le|la|l'|du|au|ce|cet|cette|son|sa))\s?$",
    re.I,
)


def _feminine_document(text: str) -> bool:
    return s.view(text).split()[0].lower().rstrip("s") in _FEMININE_HEADS


def artefact_swap(sentence: str, documents: list[str]) -> Variant | None:
    """The first document named replaced by another document of the procedure."""
    found = artefacts(sentence)
    if not found or found[0].key.split()[0].endswith(("s", "x")):
        return None  # a plural document: its verb and adjectives would not agree
    named = {a.key for a in found}
    target = found[0]
    head = target.key.split()[0].rstrip("s")
    others = [d for d in documents if s.normalise(d) not in named]
    # Another kind of document ("rapport" for "note"), not the same word with another
    # complement: "rapport de complétion" for "rapport de cartographie" may be true as well.
    others = [d for d in others if s.normalise(d).split()[0].rstrip("s") != head] or []
    if not others:
        return None
    keys = [s.normalise(d) for d in documents]
    start = keys.index(target.key) + 1 if target.key in keys else 0
    feminine = _feminine_document(target.text)
    ordered = sorted(
        others,
        key=lambda d: (
            _feminine_document(d) != feminine,  # "est signé" stays right with a masculine
            (documents.index(d) - start) % len(documents),
        ),
    )
    other = ordered[0]
    return Variant(_replace_document(sentence, target, other), "artefact", other)


def _replace_document(sentence: str, target: Artefact, other: str) -> str:
    before = sentence[: target.start]
    replacement = other if target.text[:1].islower() else other[:1].upper() + other[1:]
    replacement = (
        replacement if target.text[:1].isupper() else replacement[:1].lower() + replacement[1:]
    )
    match = _ARTICLE_BEFORE.search(s.view(before))
    if match is not None and not target.text.lower().endswith("s"):
        forms = _ARTICLES.get(match.group("article").lower())
        if forms is not None:
            vowel = bool(_VOWEL.match(other)) and forms[2] != forms[0]
            article = forms[2] if vowel else forms[1] if _feminine_document(other) else forms[0]
            if match.group("article")[:1].isupper():
                article = article[:1].upper() + article[1:]
            gap = "" if article.endswith("'") else " "
            before = before[: match.start()] + article + gap
    return before + replacement + sentence[target.end :]


# ---------------------------------------------------------------- figures


def format_number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def other_values(
    value: Decimal, unit: str, pool: dict[str, list[Decimal]], count: int
) -> list[Decimal]:
    """Plausible wrong values: the procedure's other figures in the same unit, then near ones."""
    found: list[Decimal] = []
    for other in pool.get(unit_key(unit), []):
        if other != value and other not in found:
            found.append(other)
    for factor in (Decimal(2), Decimal("0.5"), Decimal(3), Decimal("0.25"), Decimal(4)):
        candidate = (value * factor).quantize(Decimal(1)) if value >= 2 else value * factor
        if candidate > 0 and candidate != value and candidate not in found:
            found.append(candidate)
    return found[:count]


def unit_key(unit: str) -> str:
    word = s.normalise(unit).split()[0] if unit.strip() else ""
    return word.rstrip("s")


# A bound stays true when loosened: "au moins 2 fois" holds for "au moins 1 fois" too. The
# false variant tightens it: a greater lower bound, a smaller upper bound (a shorter delay).
# A threshold that triggers a rule ("au-delà de 8 heures, …") holds for any greater one: its
# false variant is a smaller threshold, like a shorter delay.
_LOWER = re.compile(r"(?:au moins|minimum|au minimum)\s*$", re.I)
_UPPER = re.compile(
    r"(?:sous|au plus|maximum|au maximum|dépassen?t?(?: pas)?|délai de|moins de|jusqu'à|avant"
    r"|inférieure? à|dans les|pendant|plus de|supérieure? à|au-dessus de|au-delà de|dès)\s*$",
    re.I,
)


def figure_swap(sentence: str, pool: dict[str, list[Decimal]]) -> Variant | None:
    found = figures(sentence)
    if not found or s.is_conditional(sentence):
        return None  # "si le taux dépasse 20 %": another threshold may leave it true
    figure = found[0]
    before = figure.blanked.split("___", 1)[0]
    candidates = other_values(figure.value, figure.unit, pool, 6)
    if _LOWER.search(s.view(before)):
        candidates = [c for c in candidates if c > figure.value]
    elif _UPPER.search(s.view(before)):
        candidates = [c for c in candidates if c < figure.value]
    if not candidates:
        return None
    other = candidates[0]
    new = figure.blanked.replace("___", format_number(other), 1)
    if s.view(sentence).rstrip().endswith((".", ";", "!")):
        new += sentence.rstrip()[-1]
    return Variant(new, "figure", format_number(other))


# ---------------------------------------------------------------- any


def false_variant(
    sentence: str, *, roles: list[str], documents: list[str], numbers: dict[str, list[Decimal]]
) -> Variant | None:
    """One false variant, the subtlest available: role, document, figure, then negation.

    A prohibition is first lifted ("ne … jamais" → "… toujours"): with another role it may
    still hold ("le RSSI ne communique jamais son mot de passe" is no less true).
    """
    if re.search(r"\b(?:ou|soit|notamment|par exemple)\b", s.view(sentence), re.I):
        swaps = []  # "A ou B": swapping A for C may leave the sentence true through B
    else:
        swaps = [role_swap(sentence, roles), artefact_swap(sentence, documents)]
    negated = s.negated(sentence)
    negation = [Variant(negated, "negation")] if negated else []
    found = [*swaps, figure_swap(sentence, numbers)]
    ordered = [*negation, *found] if s.is_prohibition(sentence) else [*found, *negation]
    for variant in ordered:
        if variant is not None and s.normalise(variant.text) != s.normalise(sentence):
            return variant
    return None
