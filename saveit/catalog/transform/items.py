"""Candidate assessment items drawn from one section's own statements, in document order."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from saveit.documents.ingest.outline import Block, Outline, Section

from . import required
from . import roles as r
from . import sentences as s
from .figures import figures
from .proposals import ItemKind, ProposedItem, Rule
from .required import ElementPool

MIN_STEPS, MAX_STEPS = 3, 8
MIN_DISTRACTORS, MAX_DISTRACTORS = 2, 3
MIN_LIST_ITEM_WORDS = 4
TRUE_FALSE = ["Vrai", "Faux"]
INTRO_TITLE = "Introduction"  # the preamble has no heading of its own


@dataclass(frozen=True)
class Candidate:
    item: ProposedItem
    position: int  # document order, across the whole outline
    primary: bool = True  # a false variant is secondary: kept only when the cap leaves room


@dataclass
class RoleBook:
    """Every role named in the outline, the source of distractors for who-does-what."""

    names: dict[str, str] = field(default_factory=dict)  # key → first spelling met
    actions: dict[str, set[str]] = field(default_factory=dict)  # key → what it does

    def add(self, name: str, action: str = "") -> None:
        key = r.role_key(name)
        if key:
            # "Le directeur" reads better among choices than a table's bare "Directeur".
            if key not in self.names or (
                r.has_determiner(name) and not r.has_determiner(self.names[key])
            ):
                self.names[key] = name
            if action:
                self.actions.setdefault(key, set()).add(s.normalise(action))

    def choices(self, name: str, action: str) -> tuple[list[str], int] | None:
        """The right role among 2–3 others, sorted; None when too few others exist."""
        key, done = r.role_key(name), s.normalise(action)
        keys = list(self.names)
        start = keys.index(key) + 1 if key in keys else 0
        # Rotating from the right role's place varies the distractors from one item to another.
        others = [
            k
            for k in keys[start:] + keys[:start]
            if k != key and done not in self.actions.get(k, set())
        ][:MAX_DISTRACTORS]
        if len(others) < MIN_DISTRACTORS:
            return None
        right = self.names.get(key, name)
        choices = sorted([right, *(self.names[k] for k in others)], key=r.role_key)
        return choices, choices.index(right)


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
        return [x for x in s.sentences(block.text) if s.ends_like_sentence(x)]
    if block.kind == "list":
        items = [x for item in block.items for x in s.sentences(item)]
        return [x for x in items if len(x.split()) >= MIN_LIST_ITEM_WORDS]
    return []


def _item(
    kind: ItemKind, prompt: str, choices: list[str], correct: list[int], feedback: str,
    anchors: list[str], rule: Rule, answer: Decimal | None = None, unit: str = "",
) -> ProposedItem:  # fmt: skip
    return ProposedItem(
        kind, prompt, choices, correct, answer, Decimal(0), unit, feedback, anchors, rule
    )


def ordering(title: str, steps: list[str], anchors: list[str]) -> ProposedItem | None:
    if not MIN_STEPS <= len(steps) <= MAX_STEPS or len(set(map(s.normalise, steps))) < len(steps):
        return None  # a repeated step has no single right place
    expected = " ; ".join(f"{n}. {step.rstrip(' .;')}" for n, step in enumerate(steps, 1))
    return _item(
        "ordering", f"Remettez dans l'ordre les étapes de « {title} ».", list(steps),
        list(range(len(steps))), f"Ordre attendu : {expected}.", anchors, "ordering_steps",
    )  # fmt: skip


def _true_false(sentence: str, anchor: str) -> list[tuple[ProposedItem, bool]]:
    prohibition = s.is_prohibition(sentence)
    if (not prohibition and not s.is_obligation(sentence)) or s.has_dangling_subject(sentence):
        return []
    rule: Rule = "prohibition" if prohibition else "obligation"
    feedback = f"La procédure indique : « {sentence} »"
    found = [(_item("true_false", sentence, TRUE_FALSE, [0], feedback, [anchor], rule), True)]
    if (false := s.negated(sentence)) is not None:
        item = _item("true_false", false, TRUE_FALSE, [1], feedback, [anchor], rule)
        found.append((item, False))
    return found


def _numeric(sentence: str, anchor: str) -> list[ProposedItem]:
    found = figures(sentence)[:1]  # one blank per sentence: the other figures give it away
    return [
        _item(
            "numeric",
            f"Dans la procédure : « {figure.blanked} ». Quel nombre manque ?",
            [],
            [],
            f"La procédure indique : « {sentence} »",
            [anchor],
            "figure",
            answer=figure.value,
            unit=figure.unit,
        )
        for figure in found
    ]


def _who(prompt: str, role: str, action: str, feedback: str, anchor: str, book: RoleBook) -> (
    ProposedItem | None
):  # fmt: skip
    offered = book.choices(role, action)
    if offered is None:
        return None
    choices, right = offered
    return _item("single", prompt, choices, [right], feedback, [anchor], "responsibility")


def _lowered(text: str) -> str:
    """ "Valide …" → "valide …", but an acronym keeps its capitals."""
    first = text.split(" ", 1)[0]
    return text if first.isupper() and len(first) > 1 else text[:1].lower() + text[1:]


def _from_sentence(sentence: str, anchor: str, book: RoleBook) -> list[tuple[ProposedItem, bool]]:
    found = _true_false(sentence, anchor)
    found += [(item, True) for item in _numeric(sentence, anchor)]
    if (statement := r.role_statement(sentence)) is not None:
        prompt = f"Selon la procédure, qui {_lowered(statement.action)} ?"
        feedback = f"La procédure indique : « {sentence} »"
        who = _who(prompt, statement.role, statement.action, feedback, anchor, book)
        found += [(who, True)] if who else []
    return found


def _from_table(rows: list[list[str]], anchor: str, book: RoleBook) -> list[ProposedItem]:
    duties = r.table_duties(rows)
    owners: dict[str, set[str]] = {}
    for duty in duties:
        owners.setdefault(s.normalise(duty.duty), set()).add(r.role_key(duty.role))
    found: list[ProposedItem] = []
    for duty in duties:
        if len(owners[s.normalise(duty.duty)]) > 1:
            continue  # the same duty given to several roles: no single right answer
        if duty.step:
            prompt = f"Selon la procédure, qui est chargé de l'étape « {duty.duty} » ?"
        else:
            prompt = f"Selon la procédure, à qui revient la responsabilité « {duty.duty} » ?"
        feedback = f"La procédure attribue « {duty.duty} » à : {duty.role}."
        if (who := _who(prompt, duty.role, duty.duty, feedback, anchor, book)) is not None:
            found.append(who)
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
            )
        )
    return found


def section_candidates(
    section: Section,
    children: list[Section],
    book: RoleBook,
    start: int,
    pool: ElementPool | None = None,
) -> list[Candidate]:
    """Candidates of one section; `children` are its direct subsections (for step order)."""
    found: list[tuple[ProposedItem, bool]] = []
    title = section.title or section.heading or INTRO_TITLE
    steps = [child for child in children if child.number]
    if len(steps) == len(children):  # numbered sub-steps "5.1", "5.2", … are a sequence
        anchors = [section.anchor, *(child.anchor for child in steps)]
        if (item := ordering(title, [c.title for c in steps], anchors)) is not None:
            found.append((item, True))
    for block in section.blocks:
        steps_list = list(block.items) if block.kind == "list" and block.ordered else []
        if (item := ordering(title, steps_list, [section.anchor])) is not None:
            found.append((item, True))
        if block.kind == "table":
            found += [(item, True) for item in _from_table(block.rows, section.anchor, book)]
        for sentence in statements(block):
            found += _from_sentence(sentence, section.anchor, book)
    found += [(item, True) for item in _required(section, pool or ElementPool())]
    return [Candidate(item, start + i, primary) for i, (item, primary) in enumerate(found)]
