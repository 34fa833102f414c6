"""Reading a procedure's French sentences: splitting, obligations, prohibitions, negation.

Matching runs on a "view" of the text of exactly the same length (typographic apostrophes and
non-breaking spaces made plain), so that every span found in the view can be cut out of the
original text: what we output keeps the author's own typography.
"""

from __future__ import annotations

import re

_VIEW = str.maketrans(
    {"’": "'", "‘": "'", "ʼ": "'", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " "}
)
_SPACES = re.compile(r"\s+")


def view(text: str) -> str:
    """The text as matched: same length, same positions, plain apostrophes and spaces."""
    return text.translate(_VIEW)


def normalise(text: str) -> str:
    """A comparison key: plain apostrophes, single spaces, lower case."""
    return _SPACES.sub(" ", view(text)).strip().lower()


# A sentence ends on . ! ? or ; and the next one starts with a capital, a quote or a digit.
_BOUNDARY = re.compile(r"(?<=[.!?;…])\s+(?=[A-ZÀ-ÖØ-Þ«\"0-9])")
# "M. Dupont" or "cf. Annexe 2" does not end a sentence.
_ABBREVIATION = re.compile(r"(?:^|\s)(?:M|Mme|Mlle|Dr|Pr|art|cf|réf|fig|p|ex|n°|env|vol)\.$", re.I)
_ENDS_LIKE_SENTENCE = re.compile(r"[.!?;:…][\s»\")]*$")


def sentences(text: str) -> list[str]:
    parts: list[str] = []
    for line in text.splitlines():
        pending = ""
        for piece in _BOUNDARY.split(line.strip()):
            pending = f"{pending} {piece}" if pending else piece
            if not _ABBREVIATION.search(view(pending)):
                parts.append(pending.strip())
                pending = ""
        if pending.strip():
            parts.append(pending.strip())
    return [part for part in parts if part]


def ends_like_sentence(text: str) -> bool:
    return bool(_ENDS_LIKE_SENTENCE.search(text.strip()))


_WORD = r"[\w'-]+"
_OBLIGATION = re.compile(
    r"\b(?:doit|doivent|devra|devront|est obligatoire|sont obligatoires|obligatoirement"
    r"|(?:est|sont) tenue?s? (?:de|d')|impérativement)\b",
    re.I,
)
_NEGATION_WORDS = r"(?:pas|jamais|aucun|aucune|plus|rien|personne)"
_PROHIBITION = re.compile(
    rf"\bne\s+(?:{_WORD}\s+){{0,4}}?{_NEGATION_WORDS}\b"
    rf"|\bn'{_WORD}(?:\s+{_WORD}){{0,3}}?\s+{_NEGATION_WORDS}\b"
    r"|\baucune?\b.*\bsans\b|\binterdite?s?\b|\bjamais\b|\bproscrite?s?\b",
    re.I,
)
_WARNING = re.compile(r"\b(?:attention|important|impératif|danger|vigilance)\b", re.I)


_PARTICIPLES = (
    r"[\w-]+(?:é|ée|és|ées)|produite?s?|remise?s?|transmise?s?|établie?s?|fournie?s?"
    r"|soumise?s?|inscrite?s?|écrite?s?|tenue?s?|mise?s?|prise?s?|faite?s?|conduite?s?"
    r"|détruite?s?|interdite?s?|définie?s?|remplie?s?|requise?s?|réunie?s?"
)
# Rules stated in the present tense: "Un procès-verbal est signé…", "Toute demande fait
# l'objet d'un entretien", "… avant toute mise en service", "On ne diffuse que…".
_PASSIVE = re.compile(
    rf"\b(?P<verb>est|sont|sera|seront)\s+(?:(?:systématiquement|obligatoirement|toujours|immédiatement"
    rf"|formellement|préalablement)\s+)?(?:{_PARTICIPLES})\b",
    re.I,
)
_OBJECT_OF = re.compile(r"\b(?P<verb>fait|font)\s+l'objet\b", re.I)
_BEFORE_ANY = re.compile(r"\bavant\s+(?:toute?|tous|toutes|chaque)\b", re.I)
_ONLY = re.compile(
    r"\bne\s+(?:[\w'-]+\s+){1,4}?qu(?:e\b|')|\bn'[\w-]+(?:\s+[\w'-]+){0,3}?\s+qu(?:e\b|')", re.I
)
_NOT_RULE_PASSIVE = re.compile(
    r"\b(?:est|sont)\s+(?:chargée?s?|destinée?s?|situé|située?s?)\b", re.I
)


def is_obligation(sentence: str) -> bool:
    """A rule the procedure sets, whatever its form: "doit", passive present, "fait l'objet
    de", "avant toute", "ne … que"."""
    text = view(sentence)
    if is_prohibition(sentence):
        return False
    if _OBLIGATION.search(text) or _OBJECT_OF.search(text) or _ONLY.search(text):
        return True
    passive = _PASSIVE.search(text) and not _NOT_RULE_PASSIVE.search(text)
    return bool(passive or _BEFORE_ANY.search(text))


def is_prohibition(sentence: str) -> bool:
    return bool(_PROHIBITION.search(view(sentence)))


# "Il doit informer la direction." quoted alone does not say who "il" is; the impersonal
# "Il est interdit de…" or "Il faut…" needs no antecedent.
_PRONOUN_SUBJECT = re.compile(
    r"^(?:il|elle|ils|elles|celui-ci|celle-ci|ceux-ci|celles-ci|ce dernier|cette dernière|ces"
    r"|ceci|cela|on)\s",
    re.I,
)
_IMPERSONAL = re.compile(
    r"^il\s+(?:est\s+(?:strictement\s+|formellement\s+)?(?:interdit|obligatoire|nécessaire"
    r"|impératif|recommandé|possible|demandé)|faut|convient)\b",
    re.I,
)


def has_dangling_subject(sentence: str) -> bool:
    text = view(sentence).strip()
    return bool(_PRONOUN_SUBJECT.match(text)) and not _IMPERSONAL.match(text)


def is_rule(sentence: str) -> bool:
    """Worth a callout: an obligation, a prohibition or an explicit warning."""
    text = view(sentence)
    return bool(_OBLIGATION.search(text) or _PROHIBITION.search(text) or _WARNING.search(text))


# Negating only part of a conditional sentence may leave it true: no false variant for those.
_CONDITIONAL = re.compile(
    r"\b(?:si|s'ils?|lorsque|quand|dès que|en cas|sauf|à moins)\b|\blorsqu'|\bdès qu'", re.I
)
_FEMININE_DETERMINERS = {"la", "sa", "ma", "ta", "cette", "une", "toute"}
_MASCULINE_DETERMINERS = {"le", "son", "ce", "cet", "un", "du", "tout"}
_FEMININE_ENDINGS = (
    "tion", "sion", "xion", "ure", "ité", "ance", "ence", "ise", "ade", "elle", "ette", "ée",
    "ie", "ique", "ude", "yse", "ite",
)  # fmt: skip


def _feminine(subject: str) -> bool:
    """Good enough to agree "facultatif": the determiner, else the head noun's ending."""
    words = subject.lower().replace("'", "' ").split()
    if not words:
        return False
    if words[0] in _FEMININE_DETERMINERS or words[0] in _MASCULINE_DETERMINERS:
        return words[0] in _FEMININE_DETERMINERS
    head = words[1] if len(words) > 1 else words[0]
    return head.rstrip("s").endswith(_FEMININE_ENDINGS)


def _swap(original: str, span: tuple[int, int], replacement: str) -> str:
    return original[: span[0]] + replacement + original[span[1] :]


_MUST = {"doit": "n'a pas à", "doivent": "n'ont pas à", "devra": "n'aura pas à"}
_MUST["devront"] = "n'auront pas à"
_MUST_RE = re.compile(r"\b(doit|doivent|devra|devront)\b", re.I)
_MANDATORY_RE = re.compile(r"\b(est obligatoire|sont obligatoires)\b", re.I)
_NOT_VERB = re.compile(r"\b(ne\s+((?:[\w'-]+\s+){0,1}[\w'-]+)\s+pas|n'([\w-]+)\s+pas)\s+", re.I)
_NOT_INFINITIVE = re.compile(r"\bne pas\s+", re.I)
_NEVER = re.compile(r"\b(?:ne\s+([\w'-]+)|n'([\w-]+))\s+jamais\b", re.I)
# "Le port de bijoux est interdit", not the verb in "Le responsable interdit l'accès".
_FORBIDDEN = re.compile(
    r"\b(?P<subject>il |elle )?(?P<verb>est|sont|reste|restent)\s+"
    r"(?:strictement\s+|formellement\s+)?interdit(?P<agreement>e?s?)\b",
    re.I,
)
# After these, removing the negation changes the grammar or keeps a restriction.
_UNSAFE_AFTER = re.compile(
    r"^(?:de|d'|du|des|que|qu'|seulement|uniquement|nécessairement|forcément|toujours|tous"
    r"|toutes|plus|moins|obligatoirement|non)\b",
    re.I,
)
# "ne porte pas de bijoux" → "porte de bijoux": a negation's "de" needs an article back.
_PARTITIVE = re.compile(r"^(?:de|d'\S*)$", re.I)


def _unsafe_after(rest: str) -> bool:
    words = rest.split()[:2]
    return bool(words and _UNSAFE_AFTER.match(words[0])) or any(
        _PARTITIVE.match(word) for word in words
    )


_OTHER_NEGATIONS = re.compile(r"\b(?:aucune?|rien|personne|ni|nul|nulle|guère)\b", re.I)


def is_conditional(sentence: str) -> bool:
    return bool(_CONDITIONAL.search(view(sentence)))


def negated(sentence: str) -> str | None:
    """A false variant of a rule, when a single local change safely states the opposite."""
    text = view(sentence)
    if _CONDITIONAL.search(text):
        return None
    if is_prohibition(sentence):
        return None if _OTHER_NEGATIONS.search(text) else _lifted(sentence, text)
    if match := _MUST_RE.search(text):
        return _swap(sentence, match.span(), _MUST[match.group(1).lower()])
    if match := _OBJECT_OF.search(text):
        verb = sentence[match.start("verb") : match.end("verb")]
        return _swap(sentence, match.span(), f"ne {verb} pas l'objet")
    if (match := _PASSIVE.search(text)) and not _ONLY.search(text):
        verb = sentence[match.start("verb") : match.end("verb")]
        rest = sentence[match.end("verb") : match.end()]
        negation = {"est": "n'est pas", "sont": "ne sont pas", "sera": "ne sera pas"}.get(
            verb.lower(), "ne seront pas"
        )
        return _swap(sentence, match.span(), negation + rest)
    if match := _MANDATORY_RE.search(text):
        plural = match.group(1).lower().startswith("sont")
        subject = text[: match.start()].strip()
        word = "facultative" if _feminine(subject) else "facultatif"
        word += "s" if plural else ""
        return _swap(sentence, match.span(), ("sont " if plural else "est ") + word)
    return None


def _lifted(sentence: str, text: str) -> str | None:
    """The prohibition without its negation: "ne modifie pas le lot" → "modifie le lot"."""
    found = [
        *_NOT_VERB.finditer(text),
        *_NOT_INFINITIVE.finditer(text),
        *_NEVER.finditer(text),
        *_FORBIDDEN.finditer(text),
    ]
    if len(found) != 1:
        return None  # several negations: lifting one may not make the sentence false
    match = found[0]
    if match.re is not _FORBIDDEN and _unsafe_after(text[match.end() :]):
        return None
    if match.re is _NOT_VERB:
        verb_group = 2 if match.group(2) else 3
        verb = sentence[match.start(verb_group) : match.end(verb_group)]
        return _swap(sentence, match.span(), verb + " ")
    if match.re is _NOT_INFINITIVE:
        return _swap(sentence, match.span(), "")
    if match.re is _NEVER:
        verb_group = 1 if match.group(1) else 2
        verb = sentence[match.start(verb_group) : match.end(verb_group)]
        return _swap(sentence, match.span(), f"{verb} toujours")
    verb = sentence[match.start("verb") : match.end("verb")]
    if match.group("subject"):  # "il est interdit de" reads best as "il est permis de"
        subject = sentence[match.start("subject") : match.end("subject")]
        return _swap(sentence, match.span(), f"{subject}{verb} permis")
    return _swap(sentence, match.span(), f"{verb} autorisé{match.group('agreement')}")
