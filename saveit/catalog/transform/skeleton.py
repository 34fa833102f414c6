"""From a procedure's outline to a proposed module: lessons, blocks, candidate items, objectives.

One lesson per top-level section; subsections fold into their parent's lesson but every block
and item keeps the anchor of the very section it came from, so that a later version of the
procedure flags exactly what it touches.
"""

from __future__ import annotations

from dataclasses import dataclass

from saveit.documents.ingest.outline import PREAMBLE_ANCHOR, Outline, Section

from . import select
from . import sentences as s
from .blocks import section_blocks
from .items import (
    _STEP_PREFIX,
    INTRO_TITLE,
    MAX_STEPS,
    Candidate,
    facts_of,
    ordering,
    prefixed_steps,
    section_candidates,
)
from .proposals import ProposedItem, ProposedLesson, Skeleton
from .required import element_pool

FAMILIES_PER_LESSON = 5
ITEMS_MAX = 120
INTRO_MIN_CHARS = 200


@dataclass(frozen=True)
class _Group:
    head: Section
    subs: list[Section]

    @property
    def sections(self) -> list[Section]:
        return [self.head, *self.subs]

    def children(self, index: int) -> list[Section]:
        """Direct subsections of `sections[index]`, in order."""
        sections = self.sections
        parent = sections[index]
        found: list[Section] = []
        for section in sections[index + 1 :]:
            if section.level <= parent.level:
                break
            if section.level == parent.level + 1:
                found.append(section)
        return found


def _groups(outline: Outline) -> list[_Group]:
    levels = [section.level for section in outline.sections if section.level > 0]
    top = min(levels, default=1)  # the shallowest level present stands for "top level"
    groups: list[_Group] = []
    for section in outline.sections:
        if section.level == 0:
            if len(" ".join(section.plain_text().split())) >= INTRO_MIN_CHARS:
                groups.append(_Group(section, []))
            continue  # a short preamble (version, date, distribution) teaches nothing
        if section.level <= top or not groups or groups[-1].head.level == 0:
            groups.append(_Group(section, []))
        else:
            groups[-1].subs.append(section)
    # A heading with nothing under it, not even a subsection, makes no lesson.
    return [group for group in groups if group.head.blocks or group.subs]


def _title(section: Section) -> str:
    if section.level == 0 and section.anchor == PREAMBLE_ANCHOR:
        return INTRO_TITLE
    return section.title or section.heading or INTRO_TITLE


def _sibling_orderings(outline: Outline) -> dict[str, ProposedItem]:
    """ "Phase 0 – Cadrage", "Phase 1 – Cartographie", … as sibling sections: their order is
    worth a question, keyed by the anchor of the first section of the run."""
    found: dict[str, ProposedItem] = {}
    runs: list[list[Section]] = []
    for section in outline.sections:
        match = _STEP_PREFIX.match(s.view(section.title or ""))
        previous = runs[-1][-1] if runs and runs[-1] else None
        if match is None:
            if previous is not None and section.level <= previous.level:
                runs.append([])  # another section between two phases ends the run
            continue
        number = int(match.group("number"))
        if (
            previous is not None
            and previous.level == section.level
            and (prev := _STEP_PREFIX.match(s.view(previous.title or ""))) is not None
            and int(prev.group("number")) + 1 == number
            and prev.group("word").lower() == match.group("word").lower()
        ):
            runs[-1].append(section)
        else:
            runs.append([section])
    for run in (run for run in runs if run):
        for start in range(0, len(run), MAX_STEPS):
            chunk = run[start : start + MAX_STEPS]
            titles = prefixed_steps([section.title for section in chunk])
            word = _STEP_PREFIX.match(s.view(chunk[0].title)).group("word").lower()  # type: ignore[union-attr]
            what = "les phases" if word == "phase" else "les étapes"
            whole = outline.title or "la procédure"
            item = ordering(whole, titles or [], [c.anchor for c in chunk], what)
            if item is not None:
                found[chunk[0].anchor] = item
    return found


MAX_OBJECTIVE = 160


def _short(text: str, limit: int = MAX_OBJECTIVE) -> str:
    text = " ".join(text.split()).rstrip(" .;:")
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:")
    return f"{cut}…"


def _sentence(text: str) -> str:
    return text if text.endswith(("…", ".", "?", "!")) else f"{text}."


def _objective(title: str, items: list[ProposedItem], section_text: str) -> str:
    """What the learner will be able to do, in the lesson's own words."""
    by_rule = {item.rule: item for item in reversed(items)}  # the first of each rule
    if (steps := by_rule.get("ordering_steps")) is not None:
        first, last = steps.choices[0].rstrip(" ."), steps.choices[-1].rstrip(" .")
        what = "phases" if "les phases de" in steps.prompt else "étapes"
        return _sentence(
            _short(f"Dérouler dans l'ordre les {len(steps.choices)} {what}, de « {first} » "
                   f"à « {last} »")
        )  # fmt: skip
    who = next((i for i in items if i.rule == "responsibility" and i.kind == "single"), None)
    if who is not None:
        right = _lowered(who.choices[who.correct[0]])
        if who.prompt.startswith("Selon la procédure, qui "):
            action = who.prompt.removeprefix("Selon la procédure, qui ").rstrip(" ?")
            return _sentence(_short(f"Dire qui {action} : {right}"))
        duty = who.prompt.rpartition("« ")[2].partition(" »")[0]
        return _sentence(_short(f"Dire qui se charge de « {duty} » : {right}"))
    rule = next((i for i in items if i.kind == "true_false" and i.correct == [0]), None)
    if rule is not None and rule.rule in ("obligation", "prohibition"):
        return _sentence(_short(f"Appliquer la règle : {_lowered(rule.prompt)}"))
    if (document := by_rule.get("document")) is not None:
        right = document.choices[document.correct[0]]
        said = document.feedback.rpartition("indique : « ")[2].rstrip(" »")
        return _sentence(_short(f"Identifier quand le document « {right} » est requis : {said}"))
    if (figure := by_rule.get("figure")) is not None and figure.answer is not None:
        value = f"{figure.answer.normalize():f}".replace(".", ",")
        return _sentence(
            _short(f"Retenir la valeur fixée par la procédure : {value} {figure.unit}")
        )
    if (listed := by_rule.get("required_elements")) is not None:
        return _sentence(
            _short(f"Répondre : {_lowered(listed.prompt.removeprefix('Selon la procédure, '))}")
        )
    first = next(iter(s.sentences(section_text)), "")
    if first:
        return _sentence(_short(f"Expliquer « {title} » : {_lowered(first)}"))
    return f"Expliquer « {title} »."


def _lowered(text: str) -> str:
    first = text.split(" ", 1)[0]
    return text if first.isupper() and len(first) > 1 else text[:1].lower() + text[1:]


def propose_skeleton(outline: Outline) -> Skeleton:
    facts = facts_of(outline)
    pool = element_pool(outline)
    sibling_orderings = _sibling_orderings(outline)
    lessons: list[ProposedLesson] = []
    per_lesson: list[list[Candidate]] = []
    texts: list[str] = []
    seen: set[str] = set()
    position = 0
    for group in _groups(outline):
        blocks = section_blocks(group.head, heading=False)
        for sub in group.subs:
            blocks += section_blocks(sub, heading=True)
        lessons.append(ProposedLesson(_title(group.head), group.head.anchor, blocks))
        texts.append(" ".join(section.plain_text() for section in group.sections))
        found: list[Candidate] = []
        whole: list[Candidate] = []  # the order of the procedure's phases: kept beyond the cap
        for index, section in enumerate(group.sections):
            if (phases := sibling_orderings.get(section.anchor)) is not None:
                whole.append(Candidate(phases, position + len(found)))
                position += 1
            found += section_candidates(
                section, group.children(index), facts, position + len(found), pool
            )
        position += len(found)
        kept_here = select.varied(select.unique(found, seen), FAMILIES_PER_LESSON)
        per_lesson.append(sorted(whole + kept_here, key=lambda c: c.position))
    kept = select.bounded(per_lesson, ITEMS_MAX)
    kept_ids = {id(candidate) for candidate in kept}
    objectives = [
        _objective(lesson.title, [c.item for c in candidates if id(c) in kept_ids], text)
        for lesson, candidates, text in zip(lessons, per_lesson, texts, strict=True)
    ]
    title = outline.title or (lessons[0].title if lessons else "")
    return Skeleton(title, lessons, [candidate.item for candidate in kept], objectives)
