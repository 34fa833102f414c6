"""Candidate assessment items drawn from one section's own statements, in document order."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from saveit.documents.ingest.outline import Block, Outline, Section

from . import required
from . import roles as r
from . import sentences as s
from . import variants as v
from .artefacts import artefacts
from .figures import figures
from .proposals import ItemKind, ProposedItem, Rule
from .required import ElementPool

MIN_STEPS, MAX_STEPS = 3, 8
MIN_DISTRACTORS, MAX_DISTRACTORS = 1, 3  # two roles make a fair choice too
MIN_LIST_ITEM_WORDS = 4
TRUE_FALSE = ["Vrai", "Faux"]
INTRO_TITLE = "Introduction"  # the preamble has no heading of its own


@dataclass(frozen=True)
class Candidate:
    item: ProposedItem
    position: int  # document order, across the whole outline

    @property
    def family(self) -> str:
        return self.item.family

    @property
    def key(self) -> str:
        """A candidate has no item key yet: its position names it when it has no family."""
        return f"#{self.position}"


def family_of(anchor: str, text: str) -> str:
    """Items built from one sentence (or one table row, one list) share this key."""
    digest = hashlib.sha256(f"{anchor}\n{s.normalise(text)}".encode()).hexdigest()
    return f"F-{digest[:12]}"


@dataclass
class RoleBook:
    """Every role named in the outline, the source of distractors for who-does-what."""

    names: dict[str, str] = field(default_factory=dict)  # key → first spelling met
    actions: dict[str, set[str]] = field(default_factory=dict)  # key → what it does

    def add(self, name: str, action: str = "") -> None:
        key = r.role_key(name)
        if key:
            # "Le directeur" reads better among choices than a table's bare "Directeur".
            if key not in self.names:
                self.names[key] = name
            elif r.has_determiner(name) and not r.has_determiner(self.names[key]):
                # The determiner met now, the spelling met first (later ones may be typos).
                determiner = name[: len(name) - len(r.without_determiner(name))]
                first = self.names[key]
                self.names[key] = determiner + first[:1].lower() + first[1:]
            if action:
                self.actions.setdefault(key, set()).add(s.normalise(action))

    def roles(self) -> list[str]:
        return list(self.names.values())

    def choices(self, name: str, action: str) -> tuple[list[str], int] | None:
        """The right role among 1–3 others, sorted; None when no other role exists."""
        key, done = r.role_key(name), s.normalise(action)
        keys = list(self.names)
        start = keys.index(key) + 1 if key in keys else 0
        # Rotating from the right role's place varies the distractors from one item to another.
        others = [
            k
            for k in keys[start:] + keys[:start]
            if k != key
            and done not in self.actions.get(k, set())
            # "L'utilisateur" against "L'utilisateur d'un compte administrateur": both fit.
            and not k.startswith(key + " ")
            and not key.startswith(k + " ")
        ][:MAX_DISTRACTORS]
        if len(others) < MIN_DISTRACTORS:
            return None
        right = self.names.get(key, name)
        choices = sorted([right, *(self.names[k] for k in others)], key=r.role_key)
        return choices, choices.index(right)


@dataclass
class Facts:
    """What the whole procedure names: wrong answers and false variants come from here."""

    book: RoleBook = field(default_factory=RoleBook)
    documents: list[str] = field(default_factory=list)  # as first written, one per document
    numbers: dict[str, list[Decimal]] = field(default_factory=dict)  # unit → values met

    def add_document(self, text: str) -> None:
        key = s.normalise(text)
        plain = key.rstrip("s")
        if all(s.normalise(d).rstrip("s") != plain for d in self.documents):
            self.documents.append(text[:1].lower() + text[1:] if not text.isupper() else text)

    def add_number(self, value: Decimal, unit: str) -> None:
        values = self.numbers.setdefault(v.unit_key(unit), [])
        if value not in values:
            values.append(value)


def facts_of(outline: Outline) -> Facts:
    facts = Facts(book=role_book(outline))
    for section in outline.sections:
        for block in section.blocks:
            texts = [block.text] if block.kind == "paragraph" else list(block.items)
            texts += [cell for row in block.rows for cell in row] if block.kind == "table" else []
            for text in texts:
                for sentence in s.sentences(text):
                    for artefact in artefacts(sentence):
                        facts.add_document(artefact.text)
                    for figure in figures(sentence):
                        facts.add_number(figure.value, figure.unit)
    return facts


def role_book(outline: Outline) -> RoleBook:
    book = RoleBook()
    for section in outline.sections:
        for block in section.blocks:
            if block.kind == "table":
                for duty in r.table_duties(block.rows):
                    book.add(duty.role, duty.duty)
            for sentence in statements(block):
                if (statement := r.role_statement(sentence)) is not None:
                    book.add(statement.role, statement.action)
                elif (name := r.negative_subject(sentence)) is not None:
                    book.add(name)
    return book


def statements(block: Block) -> list[str]:
    """Sentences a question may quote; text flattened from a PDF table is no sentence."""
    if block.kind == "paragraph":
        found = [x for x in s.sentences(block.text) if s.ends_like_sentence(x)]
    elif block.kind == "list":
        items = [x for item in block.items for x in s.sentences(item)]
        found = [x for x in items if len(x.split()) >= MIN_LIST_ITEM_WORDS]
    else:
        return []
    return [r.unlabelled(x) for x in found]


def _item(
    kind: ItemKind, prompt: str, choices: list[str], correct: list[int], feedback: str,
    anchors: list[str], rule: Rule, family: str, answer: Decimal | None = None, unit: str = "",
) -> ProposedItem:  # fmt: skip
    return ProposedItem(
        kind, prompt, choices, correct, answer, Decimal(0), unit, feedback, anchors, rule, family
    )


@dataclass(frozen=True)
class Where:
    """The section a statement comes from: its anchor, its title (named in feedback)."""

    anchor: str
    title: str

    def says(self, sentence: str) -> str:
        return f"La procédure, section « {self.title} », indique : « {sentence.strip()} »"


def ordering(
    title: str, steps: list[str], anchors: list[str], what: str = "les étapes"
) -> ProposedItem | None:
    if not MIN_STEPS <= len(steps) <= MAX_STEPS or len(set(map(s.normalise, steps))) < len(steps):
        return None  # a repeated step has no single right place
    expected = " ; ".join(f"{n}. {step.rstrip(' .;')}" for n, step in enumerate(steps, 1))
    return _item(
        "ordering", f"Remettez dans l'ordre {what} de « {title} ».", list(steps),
        list(range(len(steps))), f"Ordre attendu (section « {title} ») : {expected}.", anchors,
        "ordering_steps", family_of(anchors[0], "ordering:" + expected),
    )  # fmt: skip


_STEP_PREFIX = re.compile(
    r"^(?P<word>étape|etape|phase|stade|temps|jalon)\s+(?P<number>\d{1,2})\s*[:–—.)-]?\s*", re.I
)


def prefixed_steps(texts: list[str]) -> list[str] | None:
    """ "Étape 1 : Déclarer…", "Étape 2 : Isoler…" → the steps without their numbers, when
    every text carries one and they follow each other."""
    found: list[tuple[int, str]] = []
    for text in texts:
        match = _STEP_PREFIX.match(s.view(text))
        if match is None or not text[match.end() :].strip():
            return None
        found.append((int(match.group("number")), text[match.end() :].strip()))
    numbers = [n for n, _step in found]
    if not numbers or numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        return None
    return [r.capitalised(step) for _n, step in found]


def _true_false(
    sentence: str, where: Where, facts: Facts, family: str, rule: Rule, said: str = ""
) -> list[ProposedItem]:
    """The statement and one false variant of it; nothing without a false variant, so that
    "Vrai" is the right answer as often as "Faux"."""
    variant = v.false_variant(
        sentence, roles=facts.book.roles(), documents=facts.documents, numbers=facts.numbers
    )
    if variant is None:
        return []
    feedback = where.says(said or sentence)
    true = _item("true_false", sentence, TRUE_FALSE, [0], feedback, [where.anchor], rule, family)
    false = _item(
        "true_false", variant.text, TRUE_FALSE, [1], feedback, [where.anchor], rule, family
    )
    return [true, false]


def _numbers(sentence: str, where: Where, facts: Facts, family: str) -> list[ProposedItem]:
    found = figures(sentence)[:1]  # one blank per sentence: the other figures give it away
    items: list[ProposedItem] = []
    for figure in found:
        feedback = where.says(sentence)
        prompt = f"Dans la procédure : « {figure.blanked} ». Quel nombre manque ?"
        items.append(
            _item("numeric", prompt, [], [], feedback, [where.anchor], "figure", family,
                  answer=figure.value, unit=figure.unit)
        )  # fmt: skip
        wrong = v.other_values(figure.value, figure.unit, facts.numbers, MAX_DISTRACTORS)
        values = sorted([figure.value, *wrong])
        choices = [f"{v.format_number(value)} {figure.unit}" for value in values]
        items.append(
            _item("single", f"Selon la procédure, quelle valeur complète : « {figure.blanked} » ?",
                  choices, [values.index(figure.value)], feedback, [where.anchor], "figure",
                  family)
        )  # fmt: skip
    return items


def _which_document(sentence: str, where: Where, facts: Facts, family: str) -> list[ProposedItem]:
    found = artefacts(sentence)
    if len(found) != 1:
        return []  # with several documents named, one blank would leave the others as clues
    target = found[0]
    head = target.key.split()[0].rstrip("s")
    # Not "rapport d'audit" against "rapport": both could be right.
    others = [d for d in facts.documents if s.normalise(d).split()[0].rstrip("s") != head]
    others = others[:MAX_DISTRACTORS]
    if len(others) < 2:
        return []
    blanked = (sentence[: target.start] + "…" + sentence[target.end :]).strip().rstrip(" .;")
    right = r.capitalised(target.text)
    choices = sorted({right, *(r.capitalised(d) for d in others)}, key=s.normalise)
    prompt = f"Selon la procédure, quel document complète : « {blanked} » ?"
    return [
        _item("single", prompt, choices, [choices.index(right)], where.says(sentence),
              [where.anchor], "document", family)
    ]  # fmt: skip


def _who(
    prompt: str, role: str, action: str, feedback: str, anchor: str, book: RoleBook, family: str
) -> ProposedItem | None:
    offered = book.choices(role, action)
    if offered is None:
        return None
    choices, right = offered
    return _item("single", prompt, choices, [right], feedback, [anchor], "responsibility", family)


def _lowered(text: str) -> str:
    """ "Valide …" → "valide …", but an acronym keeps its capitals."""
    first = text.split(" ", 1)[0]
    return text if first.isupper() and len(first) > 1 else text[:1].lower() + text[1:]


_DUTY_SPLIT = re.compile(r",\s+(?=(?:de|du|des|d')\b)|\s+et\s+(?=(?:de|du|des|d')\b)", re.I)
_RESPONSIBLE = re.compile(
    r"^(?P<head>est (?:responsable|chargée?) )(?P<duties>(?:de|du|des|d').+)$"
)


def duties(action: str) -> list[str]:
    """ "est responsable de A, de B et du C" → three actions, one per duty."""
    match = _RESPONSIBLE.match(s.view(action))
    if match is None:
        return [action]
    rest = action[match.start("duties") :]
    parts = [p.strip() for p in _DUTY_SPLIT.split(rest) if p.strip()]
    head = action[: match.end("head")]
    return [head + part for part in parts] if len(parts) > 1 else [action]


def _statement_text(statement: r.RoleStatement) -> str:
    """A role statement as a sentence: "Client : responsable de…" → "Le client est responsable
    de…"."""
    if s.normalise(statement.sentence).startswith(s.normalise(statement.role) + " :"):
        subject = v.role_phrase(statement.role, "")
        return f"{r.capitalised(subject)} {statement.action}."
    return statement.sentence


def _from_sentence(sentence: str, where: Where, facts: Facts) -> list[ProposedItem]:
    if s.has_dangling_subject(sentence):
        return []  # "Elle réduit…" quoted alone does not say what "elle" is
    family = family_of(where.anchor, sentence)
    found: list[ProposedItem] = []
    statement = r.role_statement(sentence)
    rule_like = s.is_prohibition(sentence) or s.is_obligation(sentence)
    if rule_like:
        rule: Rule = "prohibition" if s.is_prohibition(sentence) else "obligation"
        found += _true_false(sentence, where, facts, family, rule)
    elif statement is not None:
        found += _true_false(
            _statement_text(statement), where, facts, family, "responsibility", sentence
        )
    found += _numbers(sentence, where, facts, family)
    if statement is not None:
        for action in duties(statement.action):
            prompt = f"Selon la procédure, qui {_lowered(action)} ?"
            who = _who(
                prompt, statement.role, action, where.says(sentence), where.anchor, facts.book,
                family,
            )  # fmt: skip
            found += [who] if who else []
    found += _which_document(sentence, where, facts, family)
    return found


def _from_table(rows: list[list[str]], where: Where, facts: Facts) -> list[ProposedItem]:
    table_duties = r.table_duties(rows)
    owners: dict[str, set[str]] = {}
    for duty in table_duties:
        owners.setdefault(s.normalise(duty.duty), set()).add(r.role_key(duty.role))
    found: list[ProposedItem] = []
    roles = facts.book.roles()
    for duty in table_duties:
        if len(owners[s.normalise(duty.duty)]) > 1:
            continue  # the same duty given to several roles: no single right answer
        family = family_of(where.anchor, f"{duty.role} : {duty.duty}")
        if duty.step:
            prompt = f"Selon la procédure, qui est chargé de l'étape « {duty.duty} » ?"
        else:
            prompt = f"Selon la procédure, à qui revient la responsabilité « {duty.duty} » ?"
        feedback = (
            f"La procédure, section « {where.title} », attribue « {duty.duty} » à : {duty.role}."
        )
        if (who := _who(prompt, duty.role, duty.duty, feedback, where.anchor, facts.book,
                        family)) is not None:  # fmt: skip
            found.append(who)
        claim = f"Selon la procédure, « {duty.duty} » revient {v.role_phrase(duty.role, 'à')}."
        variant = v.role_swap(claim, roles)
        if variant is not None:
            anchors = [where.anchor]
            found.append(_item("true_false", claim, TRUE_FALSE, [0], feedback, anchors,
                               "responsibility", family))  # fmt: skip
            found.append(_item("true_false", variant.text, TRUE_FALSE, [1], feedback, anchors,
                               "responsibility", family))  # fmt: skip
    return found


def _required(section: Section, pool: ElementPool) -> list[ProposedItem]:
    """One multiple choice per list of required elements, its wrong answers from elsewhere."""
    found: list[ProposedItem] = []
    for requirement in required.requirements(section):
        wrong = pool.distractors(section.anchor, requirement.elements)
        if not wrong:
            continue
        choices = sorted(
            {required.capitalised(c) for c in [*requirement.elements, *wrong]}, key=s.normalise
        )
        right = {s.normalise(required.capitalised(e)) for e in requirement.elements}
        correct = [i for i, choice in enumerate(choices) if s.normalise(choice) in right]
        found.append(
            _item(
                "multiple",
                requirement.prompt,
                choices,
                correct,
                requirement.feedback,
                [section.anchor],
                "required_elements",
                family_of(section.anchor, requirement.source or requirement.prompt),
            )
        )
    return found


def _steps_of(block: Block) -> list[str]:
    if block.kind == "list":
        prefixed = prefixed_steps(list(block.items))
        return prefixed or (list(block.items) if block.ordered else [])
    if block.kind == "table" and len(block.rows) > 2:
        # A first column "Étape"/"N°" numbering the rows: the second column is the step.
        header = s.normalise(block.rows[0][0]) if block.rows[0] else ""
        rows = block.rows[1:]
        if re.match(r"^(?:étapes?|n°|no|#|ordre|phase)$", header) and all(
            len(row) > 1 and re.fullmatch(r"\d{1,2}\.?", row[0].strip()) for row in rows
        ):
            return [row[1].strip() for row in rows]
    return []


def section_candidates(
    section: Section,
    children: list[Section],
    facts: Facts,
    start: int,
    pool: ElementPool | None = None,
) -> list[Candidate]:
    """Candidates of one section; `children` are its direct subsections (for step order)."""
    found: list[ProposedItem] = []
    title = section.title or section.heading or INTRO_TITLE
    where = Where(section.anchor, title)
    steps = [child for child in children if child.number]
    if len(steps) == len(children):  # numbered sub-steps "5.1", "5.2", … are a sequence
        anchors = [section.anchor, *(child.anchor for child in steps)]
        titles = prefixed_steps([c.title for c in steps]) or [c.title for c in steps]
        if (item := ordering(title, titles, anchors)) is not None:
            found.append(item)
    for block in section.blocks:
        if (item := ordering(title, _steps_of(block), [section.anchor])) is not None:
            found.append(item)
        if block.kind == "table":
            found += _from_table(block.rows, where, facts)
        for sentence in statements(block):
            found += _from_sentence(sentence, where, facts)
    found += _required(section, pool or ElementPool())
    return [Candidate(item, start + i) for i, item in enumerate(found)]
