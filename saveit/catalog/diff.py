"""What changed between two snapshots of a module version (see snapshot.py), ready for a template.

Pure Python; labels through gettext (French in requests). Lessons and items are matched by
`key`, blocks aligned with difflib, sources matched by document title. Texts are compared as
plain text (HTML reduced with html.parser, one line per paragraph), shown side by side.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

RowKind = Literal["equal", "changed", "added", "removed"]
Status = Literal["added", "removed", "modified", "unchanged"]

BREAKING_TAGS = {
    "p", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "table", "thead", "tbody", "tr", "div", "section", "pre", "hr",
}  # fmt: skip
CELL_TAGS = {"td", "th"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append("\n" if tag in BREAKING_TAGS else "\t" if tag in CELL_TAGS else "")

    def handle_endtag(self, tag: str) -> None:
        self.parts.append("\n" if tag in BREAKING_TAGS else "")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment, one line per paragraph, list item or table row."""
    parser = _TextExtractor()
    parser.feed(markup or "")
    parser.close()
    lines = []
    for line in "".join(parser.parts).split("\n"):
        cells = (" ".join(cell.split()) for cell in line.split("\t"))
        lines.append(" | ".join(cell for cell in cells if cell))
    return "\n".join(line for line in lines if line)


@dataclass(frozen=True)
class DiffRow:
    old: str
    new: str
    kind: RowKind


def text_rows(old: str, new: str) -> tuple[DiffRow, ...]:
    """Side-by-side rows of two plain texts, line by line."""
    a, b = old.splitlines(), new.splitlines()
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [DiffRow(line, line, "equal") for line in a[i1:i2]]
            continue
        olds, news = a[i1:i2], b[j1:j2]
        paired = min(len(olds), len(news))
        rows += [DiffRow(olds[k], news[k], "changed") for k in range(paired)]
        rows += [DiffRow(line, "", "removed") for line in olds[paired:]]
        rows += [DiffRow("", line, "added") for line in news[paired:]]
    return tuple(rows)


@dataclass(frozen=True)
class FieldChange:
    """One changed field: `name` for code, `label` for people, the values as shown, the rows."""

    name: str
    label: str
    old: str
    new: str
    rows: tuple[DiffRow, ...]


@dataclass(frozen=True)
class SourceChange:
    document: str
    status: Status
    old_label: str  # version label of the procedure, "" when added
    new_label: str  # "" when removed
    old_anchors: tuple[str, ...]
    new_anchors: tuple[str, ...]
    content_changed: bool  # another file (SHA-256) behind the same document

    @property
    def anchors_added(self) -> tuple[str, ...]:
        return tuple(a for a in self.new_anchors if a not in self.old_anchors)

    @property
    def anchors_removed(self) -> tuple[str, ...]:
        return tuple(a for a in self.old_anchors if a not in self.new_anchors)

    @property
    def version_change(self) -> str:
        """'v1.0 → v2.0' when the version label moved, else the one label ('v2.0')."""
        labels = [label for label in (self.old_label, self.new_label) if label]
        return " → ".join(f"v{label}" for label in dict.fromkeys(labels))


@dataclass(frozen=True)
class BlockChange:
    position: int  # 1-based, in the new lesson (in the old one for removed blocks)
    kind: str
    status: Status
    rows: tuple[DiffRow, ...]

    @property
    def label(self) -> str:
        """The kind as people call it ("video link"), in the active language."""
        return str(BLOCK_KIND_LABELS.get(self.kind, self.kind))


class _Entry:
    status: Status
    moved: bool  # content may be equal, its place among the others is not

    @property
    def changed(self) -> bool:
        return self.status != "unchanged" or self.moved


@dataclass(frozen=True)
class LessonChange(_Entry):
    key: str
    title: str  # new title (old one when removed)
    status: Status
    moved: bool
    fields: tuple[FieldChange, ...]
    blocks: tuple[BlockChange, ...]


@dataclass(frozen=True)
class ItemChange(_Entry):
    key: str
    prompt: str  # new prompt (old one when removed)
    status: Status
    moved: bool
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class VersionDiff:
    old_version: str
    new_version: str
    fields: tuple[FieldChange, ...]
    sources: tuple[SourceChange, ...]
    lessons: tuple[LessonChange, ...]
    items: tuple[ItemChange, ...]

    @property
    def is_empty(self) -> bool:
        return not (
            self.fields
            or any(s.status != "unchanged" for s in self.sources)
            or any(lesson.changed for lesson in self.lessons)
            or any(item.changed for item in self.items)
        )

    @property
    def lesson_counts(self) -> dict[str, int]:
        return _counts(self.lessons)  # {"added": n, "removed": n, "modified": n, "unchanged": n}

    @property
    def item_counts(self) -> dict[str, int]:
        return _counts(self.items)


def _counts(entries: Iterable[_Entry]) -> dict[str, int]:
    statuses = [entry.status for entry in entries]
    return {s: statuses.count(s) for s in ("added", "removed", "modified", "unchanged")}


def _decimal(value: Any) -> str:
    return "" if value in (None, "") else str(value).replace(".", ",")


def _minutes(value: Any) -> str:
    return str(_("none")) if value in (None, "", 0) else f"{value} min"


def _lines(values: Iterable[Any]) -> str:
    return "\n".join(str(v) for v in values)


KIND_LABELS = {
    "single": _("single choice"), "multiple": _("multiple choice"),
    "true_false": _("true or false"), "ordering": _("ordering"), "numeric": _("numeric answer"),
}  # fmt: skip
BLOCK_KIND_LABELS = {
    "text": _("text"), "callout": _("callout"), "image": _("image"),
    "attachment": _("attachment"), "video": _("video link"),
}  # fmt: skip
Formatter = Callable[[Any], str]
Label = str | Promise
MODULE_TITLE: tuple[tuple[str, Label, Formatter], ...] = (("title", _("Module title"), str),)
MODULE_FIELDS: tuple[tuple[str, Label, Formatter], ...] = (
    ("title", _("Title"), str),
    ("summary", _("Summary"), str),
    ("objectives", _("Learning objectives"), _lines),
    ("prerequisites", _("Prerequisites"), str),
    ("duration_minutes", _("Duration"), _minutes),
)
ASSESSMENT_FIELDS: tuple[tuple[str, Label, Formatter], ...] = (
    ("items_per_attempt", _("Questions per attempt"), str),
    ("randomise", _("Random draw"), lambda v: str(_("yes") if v else _("no"))),
    ("pass_mark", _("Pass mark (%)"), lambda v: f"{v} %"),
    ("max_attempts", _("Maximum attempts"), str),
    ("time_limit_minutes", _("Time limit"), _minutes),
    ("validity_months", _("Validity"), lambda v: str(_("%(n)s months") % {"n": v})),
)
LESSON_FIELDS: tuple[tuple[str, Label, Formatter], ...] = (("title", _("Lesson title"), str),)
ITEM_FIELDS: tuple[tuple[str, Label, Formatter], ...] = (
    ("kind", _("Question type"), lambda v: str(KIND_LABELS.get(v, str(v)))),
    ("prompt", _("Question"), str),
    ("choices", _("Answers"), _lines),
    ("feedback", _("Feedback"), str),
)
Documents = tuple[Mapping[Any, str], Mapping[Any, str]]  # version id → title, old and new


def _documents(old: Mapping[str, Any], new: Mapping[str, Any]) -> Documents:
    def titles(snapshot: Mapping[str, Any]) -> dict[Any, str]:
        return {
            s.get("version_id"): str(s.get("document", "")) for s in snapshot.get("sources", [])
        }

    return titles(old), titles(new)


def _source_field(
    name: str, label: Label, old: Mapping[str, Any], new: Mapping[str, Any], docs: Documents
) -> FieldChange | None:
    """Sections compared with their document's title when both snapshots name it (format 2):
    "s-4" of one procedure is not "s-4" of another, but moving to the procedure's next version
    is no change of section."""

    def parts(entry: Mapping[str, Any], titles: Mapping[Any, str]) -> tuple[str | None, list[str]]:
        value = entry.get(name)
        anchors = [value] if isinstance(value, str) else list(value or [])
        anchors = [str(a) for a in anchors if a]
        pk = entry.get("source_version_id")
        return (titles.get(pk) if pk is not None else None), anchors

    (old_doc, old_anchors), (new_doc, new_anchors) = parts(old, docs[0]), parts(new, docs[1])
    both = old_doc is not None and new_doc is not None

    def shown(doc: str | None, anchors: list[str]) -> str:
        return (f"{doc} · " if both and anchors else "") + ", ".join(anchors)

    return _field(name, label, shown(old_doc, old_anchors), shown(new_doc, new_anchors))


def _field(name: str, label: Label, old: str, new: str) -> FieldChange | None:
    return None if old == new else FieldChange(name, str(label), old, new, text_rows(old, new))


def _fields(
    old: Mapping[str, Any], new: Mapping[str, Any], specs: Iterable[tuple[str, Label, Formatter]],
    prefix: str = "",
) -> list[FieldChange]:  # fmt: skip
    changes = (
        _field(prefix + name, label, fmt(old.get(name)), fmt(new.get(name)))
        for name, label, fmt in specs
        if old.get(name) != new.get(name)
    )
    return [change for change in changes if change is not None]


def _aligned(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
) -> list[tuple[Mapping[str, Any] | None, Mapping[str, Any] | None, bool]]:
    """(old, new, moved) in new order, removed entries right after their old predecessor."""
    old_by_key = {entry["key"]: entry for entry in old}
    new_keys = {entry["key"] for entry in new}
    common_old = [entry["key"] for entry in old if entry["key"] in new_keys]
    common_new = [entry["key"] for entry in new if entry["key"] in old_by_key]
    matcher = difflib.SequenceMatcher(None, common_old, common_new, autojunk=False)
    kept = {
        key for a, _b, size in matcher.get_matching_blocks() for key in common_old[a : a + size]
    }
    removed_after: dict[str | None, list[Mapping[str, Any]]] = {}
    previous: str | None = None
    for entry in old:
        if entry["key"] in new_keys:
            previous = entry["key"]
        else:
            removed_after.setdefault(previous, []).append(entry)
    result: list[tuple[Mapping[str, Any] | None, Mapping[str, Any] | None, bool]] = [
        (entry, None, False) for entry in removed_after.get(None, [])
    ]
    for entry in new:
        key = entry["key"]
        result.append((old_by_key.get(key), entry, key in old_by_key and key not in kept))
        result += [(gone, None, False) for gone in removed_after.get(key, [])]
    return result


def _block_text(block: Mapping[str, Any]) -> str:
    kind = block.get("kind")
    if kind in ("text", "callout"):
        return html_to_text(str(block.get("html") or ""))
    if kind == "video":
        return str(block.get("url") or "")
    name, sha = str(block.get("name") or ""), str(block.get("sha256") or "")
    caption = html_to_text(str(block.get("html") or ""))
    alt = str(block.get("alt") or "")
    alt_line = str(_("Text alternative: %(alt)s") % {"alt": alt}) if alt else ""
    lines = (name, f"SHA-256 {sha[:12]}" if sha else "", alt_line, caption)
    return "\n".join(line for line in lines if line)


def _similarity(old: str, new: str) -> float:
    return difflib.SequenceMatcher(None, old, new, autojunk=False).ratio()


def _block_changes(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
) -> list[BlockChange]:
    """Blocks aligned with difflib; inside a replaced run, blocks of the same kind are paired."""
    a = [(str(b.get("kind", "")), _block_text(b)) for b in old]
    b = [(str(x.get("kind", "")), _block_text(x)) for x in new]

    def added(j: int) -> BlockChange:
        return BlockChange(j + 1, b[j][0], "added", text_rows("", b[j][1]))

    changes: list[BlockChange] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            changes += [BlockChange(j + 1, b[j][0], "unchanged", ()) for j in range(j1, j2)]
            continue
        news = list(range(j1, j2))
        for i in range(i1, i2):
            same_kind = [j for j in news if b[j][0] == a[i][0]]
            if not same_kind:
                changes.append(BlockChange(i + 1, a[i][0], "removed", text_rows(a[i][1], "")))
                continue
            j = max(same_kind, key=lambda j: _similarity(a[i][1], b[j][1]))  # first one on ties
            changes += [added(n) for n in news[: news.index(j)]]
            news = news[news.index(j) + 1 :]
            changes.append(BlockChange(j + 1, b[j][0], "modified", text_rows(a[i][1], b[j][1])))
        changes += [added(n) for n in news]
    return changes


def _lesson(
    old: Mapping[str, Any] | None, new: Mapping[str, Any] | None, moved: bool, docs: Documents
) -> LessonChange:
    fields: list[FieldChange] = []
    blocks = _block_changes((old or {}).get("blocks", []), (new or {}).get("blocks", []))
    if old is None or new is None:
        status: Status = "added" if old is None else "removed"
    else:
        fields = _fields(old, new, LESSON_FIELDS)
        source = _source_field("source_anchor", _("Source section"), old, new, docs)
        fields += [source] if source is not None else []
        touched = fields or any(block.status != "unchanged" for block in blocks)
        status = "modified" if touched else "unchanged"
    entry = new or old or {}
    return LessonChange(
        str(entry.get("key", "")), str(entry.get("title", "")), status, moved,
        tuple(fields), tuple(blocks),
    )  # fmt: skip


def _right_answers(item: Mapping[str, Any]) -> str:
    if item.get("kind") == "numeric":
        answer = _decimal(item.get("answer"))
        tolerance = _decimal(item.get("tolerance") or "0")
        unit = f" {item['unit']}" if item.get("unit") else ""
        return f"{answer}{unit}" + (f" (± {tolerance})" if tolerance not in ("", "0") else "")
    choices = list(item.get("choices") or [])
    if item.get("kind") == "ordering":
        return _lines(f"{n}. {choice}" for n, choice in enumerate(choices, start=1))
    return _lines(choices[i] for i in item.get("correct") or [] if 0 <= i < len(choices))


def _item(
    old: Mapping[str, Any] | None, new: Mapping[str, Any] | None, moved: bool, docs: Documents
) -> ItemChange:
    fields: list[FieldChange] = []
    if old is None or new is None:
        status: Status = "added" if old is None else "removed"
    else:
        fields = _fields(old, new, ITEM_FIELDS)
        source = _source_field("source_anchors", _("Source sections"), old, new, docs)
        fields += [source] if source is not None else []
        answers = _field("correct", _("Right answer"), _right_answers(old), _right_answers(new))
        if answers is not None and new.get("kind") != "ordering":  # ordering: the choices say it
            fields.append(answers)
        status = "modified" if fields else "unchanged"
    entry = new or old or {}
    return ItemChange(
        str(entry.get("key", "")), str(entry.get("prompt", "")), status, moved, tuple(fields)
    )


def _source(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> SourceChange:
    old, new = a or {}, b or {}
    old_anchors, new_anchors = tuple(old.get("anchors", [])), tuple(new.get("anchors", []))
    old_label, new_label = str(old.get("version_label", "")), str(new.get("version_label", ""))
    content = a is not None and b is not None and old.get("sha256") != new.get("sha256")
    if a is None or b is None:
        status: Status = "added" if a is None else "removed"
    else:
        moved_on = old.get("version_id") != new.get("version_id") or old_label != new_label
        status = "modified" if moved_on or content or old_anchors != new_anchors else "unchanged"
    document = str((b or a or {}).get("document", ""))
    return SourceChange(document, status, old_label, new_label, old_anchors, new_anchors, content)


def _sources(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
) -> list[SourceChange]:
    """Sources matched by document title (in order, should two share a title)."""
    remaining = list(old)
    changes: list[SourceChange] = []
    for entry in new:
        match = next((s for s in remaining if s.get("document") == entry.get("document")), None)
        if match is not None:
            remaining.remove(match)
        changes.append(_source(match, entry))
    return changes + [_source(entry, None) for entry in remaining]


def diff_versions(old: Mapping[str, Any], new: Mapping[str, Any]) -> VersionDiff:
    """What changed from `old` to `new` (two snapshots of the same module)."""
    fields = _fields(old.get("module") or {}, new.get("module") or {}, MODULE_TITLE, "module.")
    fields += _fields(old, new, MODULE_FIELDS)
    fields += _fields(
        old.get("assessment") or {}, new.get("assessment") or {}, ASSESSMENT_FIELDS, "assessment."
    )
    lessons = _aligned(old.get("lessons", []), new.get("lessons", []))
    items = _aligned(old.get("items", []), new.get("items", []))
    docs = _documents(old, new)
    return VersionDiff(
        old_version=str(old.get("version", "")),
        new_version=str(new.get("version", "")),
        fields=tuple(fields),
        sources=tuple(_sources(old.get("sources", []), new.get("sources", []))),
        lessons=tuple(_lesson(a, b, moved, docs) for a, b, moved in lessons),
        items=tuple(_item(a, b, moved, docs) for a, b, moved in items),
    )
