"""Multiple choice on what a section requires: "Le dossier doit comporter : – A ; – B ; – C."
or "Le service demandeur doit décrire A, B et C." The listed elements are the right answers;
the wrong ones are things the same procedure names elsewhere (objects of other obligations and
duties, elements of other lists), so they sound like the procedure without being this rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from saveit.documents.ingest.outline import Block, Outline, Section

from . import roles as r
from . import sentences as s

MIN_IN_SENTENCE, MIN_IN_LIST, MAX_ELEMENTS = 3, 2, 6
MIN_DISTRACTORS, MAX_DISTRACTORS = 2, 3
MAX_WORDS = 7  # an element named in a sentence
MAX_LIST_WORDS = 12  # an element of a list (a list of sentences suits ordering or true/false)

_DETERMINER = (
    r"(?:le|la|les|l'|un|une|des|du|son|sa|ses|leur|leurs|ce|cet|cette|ces|chaque|tout|toute"
    r"|tous|toutes|au moins|deux|trois|quatre)"
)
_STARTS_WITH_DETERMINER = re.compile(rf"^{_DETERMINER}(?:\s|(?<='))", re.I)
_MODAL = r"(?P<modal>doit|doivent|devra|devront)"
# "Le service demandeur doit décrire le composant, les volumes annuels et le niveau de …"
_OBLIGATION = re.compile(
    rf"^(?P<subject>.+?)\s+{_MODAL}\s+(?P<verb>(?!être\b|pas\b|jamais\b)[\w'-]+)\s+(?P<object>.+?)[\s.;:!]*$",
    re.I,
)
# "… doit comporter les pièces suivantes :", "Les éléments suivants sont obligatoires :"
_LIST_INTRO = re.compile(
    r"(?:suivante?s|ci-dessous|obligatoires?|requise?s|exigée?s|doit|doivent)\b[^:]*:\s*$", re.I
)
# Where a noun phrase stops: a complement, a clause, a second verb.
_PHRASE_END = re.compile(
    r"\s(?:à|au|aux|pour|sous|avant|après|dans|avec|par|sur|en|lors|dès|selon|sans|afin|dont"
    r"|qui|que|qu'|si|lorsque|quand|entre|vers|auprès|depuis|jusqu'|pendant|de tout|de toute"
    r"|de tous|de toutes)\b|[,;:(]",
    re.I,
)
_ANNOUNCES = re.compile(r"\b(?:suivante?s?|ci-dessous|ci-après)\b", re.I)  # what a list follows
_OTHER_THAN_LIST = re.compile(r"\b(?:ou|soit|notamment|par exemple|etc)\b", re.I)
_VOWEL = re.compile(r"^[aeiouyhàâéèêëîïôûù]", re.I)


@dataclass(frozen=True)
class Requirement:
    prompt: str
    elements: list[str]  # as written, in the procedure's order
    feedback: str
    source: str = ""  # the sentence it comes from: its family (see items.family_of)


@dataclass
class ElementPool:
    """Noun phrases the procedure names, section by section: the source of wrong answers."""

    entries: list[tuple[str, str]] = field(default_factory=list)  # (anchor, phrase)

    def distractors(self, anchor: str, right: list[str]) -> list[str]:
        """2–3 phrases of other sections, the nearest after this one first (wrapping round).

        Phrases of three words or more come first: "une note" alone is too easy to rule out.
        """
        taken = [s.normalise(x) for x in right]
        anchors = list(dict.fromkeys(a for a, _phrase in self.entries))
        start = anchors.index(anchor) + 1 if anchor in anchors else 0
        order = {a: (i - start) % len(anchors) for i, a in enumerate(anchors)}
        found: list[str] = []
        seen: set[str] = set(taken)
        ranked = sorted(self.entries, key=lambda e: (len(e[1].split()) < 3, order[e[0]]))
        for entry_anchor, phrase in ranked:
            key = s.normalise(phrase)
            if entry_anchor == anchor or key in seen:
                continue
            if any(key in t or t in key for t in taken):
                continue  # a part of a right answer, or the other way round: not wrong enough
            seen.add(key)
            found.append(phrase)
            if len(found) == MAX_DISTRACTORS:
                break
        return found if len(found) >= MIN_DISTRACTORS else []


def _clean(text: str) -> str:
    return " ".join(text.split()).strip(" .;:,–-")


def _phrase(text: str) -> str | None:
    """A short noun phrase opening with a determiner, cut before its complements."""
    text = _clean(text)
    cut = _PHRASE_END.search(s.view(text))
    text = _clean(text[: cut.start()] if cut else text)
    if not _STARTS_WITH_DETERMINER.match(s.view(text)) or _ANNOUNCES.search(s.view(text)):
        return None
    return text if 2 <= len(text.split()) <= MAX_WORDS else None


def _enumeration(obj: str) -> list[str]:
    """ "A, B et C" → [A, B, C] when every part is a noun phrase; [] otherwise."""
    if _OTHER_THAN_LIST.search(s.view(obj)):
        return []
    head, separator, _last = s.view(obj).rpartition(" et ")
    if not separator:
        return []
    pieces = [*obj[: len(head)].split(","), obj[len(head) + len(separator) :]]
    elements = [_clean(piece) for piece in pieces]
    if not all(
        _STARTS_WITH_DETERMINER.match(s.view(e)) and len(e.split()) <= MAX_WORDS for e in elements
    ):
        return []
    return elements


def _lowered(text: str) -> str:
    first = text.split(" ", 1)[0]
    return text if first.isupper() and len(first) > 1 else text[:1].lower() + text[1:]


def _question(subject: str, modal: str, verb: str) -> str:
    subject = _lowered(subject.strip())
    que = "qu'" if _VOWEL.match(subject) else "que "
    return f"Selon la procédure, qu'est-ce {que}{subject} {modal.lower()} {verb} ?"


# "… dans un registre, incluant les dates, les coûts et les actions effectuées."
_INCLUDING = re.compile(
    r"^(?P<head>.+?),?\s+(?P<verb>incluant|comprenant|précisant|indiquant|mentionnant|listant"
    r"|reprenant)\s+(?P<object>.+?)[\s.;:!]*$",
    re.I,
)


def _listed_in(sentence: str) -> Requirement | None:
    match = _INCLUDING.match(s.view(sentence))
    if match is None or s.has_dangling_subject(sentence):
        return None
    obj = sentence[match.start("object") : match.end("object")]
    elements = _enumeration(obj)
    if not MIN_IN_SENTENCE <= len(elements) <= MAX_ELEMENTS:
        return None
    head = sentence[: match.end("head")].strip().rstrip(",")
    verb = sentence[match.start("verb") : match.end("verb")]
    prompt = f"Selon la procédure, quels éléments complètent : « {head}, {verb} … » ?"
    return Requirement(prompt, elements, f"La procédure indique : « {sentence} »", sentence)


def _from_sentence(sentence: str) -> Requirement | None:
    if (listed := _listed_in(sentence)) is not None:
        return listed
    if not s.is_obligation(sentence) or s.has_dangling_subject(sentence):
        return None
    if re.search(r"\b(?:si|lorsque|quand|sauf|en cas)\b", s.view(sentence), re.I):
        return None  # a conditional requirement: its list is not always required
    match = _OBLIGATION.match(s.view(sentence))
    if match is None:
        return None
    obj = sentence[match.start("object") : match.end("object")]
    elements = _enumeration(obj)
    if not MIN_IN_SENTENCE <= len(elements) <= MAX_ELEMENTS:
        return None
    subject = sentence[match.start("subject") : match.end("subject")]
    verb = sentence[match.start("verb") : match.end("verb")]
    prompt = _question(subject, match.group("modal"), verb)
    return Requirement(prompt, elements, f"La procédure indique : « {sentence} »", sentence)


def _from_list(intro: str, items: list[str], title: str) -> Requirement | None:
    """A list introduced as required: "… doit comporter les pièces suivantes :"."""
    if not _LIST_INTRO.search(s.view(intro)) or s.has_dangling_subject(intro):
        return None
    elements = [_clean(item) for item in items]
    if not MIN_IN_LIST <= len(elements) <= MAX_ELEMENTS:
        return None
    if any(not e or len(e.split()) > MAX_LIST_WORDS for e in elements):
        return None  # sentences, not elements: an ordering or a true/false fits them better
    match = _OBLIGATION.match(s.view(intro))
    if match is not None:
        subject = intro[match.start("subject") : match.end("subject")]
        verb = intro[match.start("verb") : match.end("verb")]
        prompt = _question(subject, match.group("modal"), verb)
    else:
        prompt = f"Selon la procédure, quels éléments sont exigés dans « {title} » ?"
    listed = " ; ".join(elements)
    return Requirement(prompt, elements, f"La procédure exige : {listed}.")


def requirements(section: Section) -> list[Requirement]:
    """What the section lists as required, in document order."""
    title = section.title or section.heading
    found: list[Requirement] = []
    blocks = section.blocks
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if block.kind != "paragraph":
            continue
        if following is not None and following.kind == "list":
            listed = _from_list(block.text.strip(), list(following.items), title)
            if listed is not None:
                found.append(listed)
                continue
        for sentence in s.sentences(block.text):
            if (requirement := _from_sentence(sentence)) is not None:
                found.append(requirement)
    for block in blocks:
        if block.kind == "list":  # "- **Registre** : Toutes les interventions …, incluant …"
            for item in block.items:
                for sentence in map(r.unlabelled, s.sentences(item)):
                    if (requirement := _listed_in(sentence)) is not None:
                        found.append(requirement)
    return found


def _objects(block: Block) -> list[str]:
    """Noun phrases a block names as the object of a duty or an obligation."""
    texts = [block.text] if block.kind == "paragraph" else list(block.items)
    phrases: list[str] = []
    for text in texts:
        for sentence in s.sentences(text):
            if (statement := r.role_statement(sentence)) is not None:
                rest = statement.action.split(" ", 1)[1] if " " in statement.action else ""
                phrases += [p for p in [_phrase(rest)] if p]
            if (match := _OBLIGATION.match(s.view(sentence))) is not None:
                obj = sentence[match.start("object") : match.end("object")]
                phrases += _enumeration(obj) or [p for p in [_phrase(obj)] if p]
    return phrases


def element_pool(outline: Outline) -> ElementPool:
    pool = ElementPool()
    for section in outline.sections:
        for requirement in requirements(section):
            pool.entries += [(section.anchor, e) for e in requirement.elements]
        for block in section.blocks:
            pool.entries += [(section.anchor, phrase) for phrase in _objects(block)]
    return pool


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
