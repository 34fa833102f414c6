"""Horizontal bars: one value per row, or one 100 % stacked bar per row with a legend."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from saveit.core.charts.svg import (
    INK_2,
    LINE,
    PAD,
    PALETTE,
    SMALL_SIZE,
    SURFACE,
    WHITE,
    Attrs,
    Frame,
    finite,
    fit,
    french_number,
    french_percent,
    label,
    tag,
    text_colour_on,
    text_width,
)

ROW_HEIGHT = 28
BAR_HEIGHT = 16
STACK_ROW_HEIGHT = 34
STACK_BAR_HEIGHT = 22
CAPTION_LINE = 16
LEGEND_LINE = 22
SWATCH = 12
GAP = 8
EMPTY_HEIGHT = 96
MAX_LABEL_SHARE = 0.38  # of the chart's width; longer labels are cut with an ellipsis
MIN_BAR_WIDTH = 40


@dataclass(frozen=True)
class Bar:
    """One bar: `text` is the value as printed ("72,5 %"); by default the value, French style."""

    label: str
    value: float
    text: str | None = None


@dataclass(frozen=True)
class Series:
    name: str
    colour: str


@dataclass(frozen=True)
class StackedRow:
    """One stacked bar: one value per series, in the order of the series."""

    label: str
    values: Sequence[float]


def label_column(labels: Sequence[str], width: float) -> float:
    """Room for the row labels, at most a share of the chart so the bars stay readable."""
    widest = max((text_width(text) for text in labels), default=0.0)
    return min(widest, width * MAX_LABEL_SHARE)


def row_label(middle: float, text: str, room: float) -> list[str]:
    """The visible (maybe shortened) label and, for tooltips, the full one."""
    return [tag("title", text=text), label(PAD, middle, fit(text, room))]


def hbar_chart(
    *,
    title: str,
    description: str,
    rows: Sequence[Bar],
    max_value: float | None = None,
    value_format: Callable[[float], str] | None = None,
    width: int = 640,
    colour: str = PALETTE[0],
    empty_text: str = "",
    id_prefix: str | None = None,
    font_family: str | None = None,
    note: str = "",
) -> str:
    """One horizontal bar per row, its value printed at its end; height grows with the rows.
    `note`: a line printed under the bars (what the reader must know to read them)."""
    chart = Frame(title, description, font_family, id_prefix)
    if not rows:
        return chart.empty(width, EMPTY_HEIGHT, empty_text)
    show = value_format or french_number
    texts = [bar.text if bar.text is not None else show(finite(bar.value)) for bar in rows]
    room = label_column([bar.label for bar in rows], width)
    bar_x = PAD + room + GAP
    value_room = max(text_width(text) for text in texts) + GAP
    bar_room = max(width - bar_x - value_room - PAD, MIN_BAR_WIDTH)
    scale = _scale(max_value, [bar.value for bar in rows])
    body = []
    for index, (bar, text) in enumerate(zip(rows, texts, strict=True)):
        middle = PAD + index * ROW_HEIGHT + ROW_HEIGHT / 2
        length = _length(bar.value, scale, bar_room)
        parts = row_label(middle, bar.label, room)
        top = middle - BAR_HEIGHT / 2
        box = {"x": bar_x, "y": top, "height": BAR_HEIGHT}
        parts.append(tag("rect", box | {"width": bar_room, "fill": SURFACE}))
        parts.append(tag("rect", box | {"width": length, "fill": colour}))
        parts.append(label(bar_x + length + GAP / 2, middle, text))
        body.append(tag("g", None, *parts))
    height = _note(body, note, PAD + len(rows) * ROW_HEIGHT, width)
    return chart.render(width, height + PAD, body)


def _note(body: list[str], note: str, top: float, width: float) -> float:
    """Appends the note line under what is drawn down to `top`; the new bottom."""
    if not note:
        return top
    middle = top + GAP / 2 + CAPTION_LINE / 2
    body.append(label(PAD, middle, fit(note, width - 2 * PAD, SMALL_SIZE), size=SMALL_SIZE,
                      fill=INK_2))  # fmt: skip
    return middle + CAPTION_LINE / 2


def _scale(max_value: float | None, values: Sequence[float]) -> float:
    top = finite(max_value) if max_value is not None else max(map(finite, values))
    return top if top > 0 else 1.0


def _length(value: float, scale: float, room: float) -> float:
    share = min(max(finite(value) / scale, 0.0), 1.0)
    # A positive value never vanishes into a zero-width bar.
    return max(share * room, 1.0) if share > 0 else 0.0


def stacked_bar_chart(
    *,
    title: str,
    description: str,
    series: Sequence[Series],
    rows: Sequence[StackedRow],
    width: int = 640,
    value_format: Callable[[float], str] | None = None,
    empty_text: str = "",
    id_prefix: str | None = None,
    font_family: str | None = None,
    note: str = "",
) -> str:
    """One 100 % bar per row. Each segment prints "count (share)" inside when it fits; the values
    of narrower segments are listed under the bar, so every value is visible as text."""
    chart = Frame(title, description, font_family, id_prefix)
    if not rows or not series:
        return chart.empty(width, EMPTY_HEIGHT, empty_text)
    for row in rows:
        if len(row.values) != len(series):
            raise ValueError(
                f"row {row.label!r} has {len(row.values)} values for {len(series)} series"
            )
    legend, top = _legend(series, width)
    room = label_column([row.label for row in rows], width)
    bar_x = PAD + room + GAP
    layout = _Stack(bar_x, max(width - bar_x - PAD, MIN_BAR_WIDTH), value_format or french_number)
    body = [legend]
    for row in rows:
        group, height = layout.row(row, series, top, room)
        body.append(group)
        top += height
    return chart.render(width, _note(body, note, top, width) + PAD, body)


def _legend(series: Sequence[Series], width: float) -> tuple[str, float]:
    """The swatches and names, wrapped over as many lines as needed; and the height they take."""
    items: list[str] = []
    x, middle = float(PAD), PAD + LEGEND_LINE / 2
    for one in series:
        item_width = SWATCH + GAP / 2 + text_width(one.name)
        if x > PAD and x + item_width > width - PAD:
            x, middle = float(PAD), middle + LEGEND_LINE
        box = {"x": x, "y": middle - SWATCH / 2, "width": SWATCH, "height": SWATCH, "rx": 2}
        items.append(tag("rect", box | {"fill": one.colour}))
        items.append(label(x + SWATCH + GAP / 2, middle, fit(one.name, width - x - SWATCH - GAP)))
        x += item_width + 2 * GAP
    return tag("g", None, *items), middle + LEGEND_LINE / 2 + GAP


@dataclass(frozen=True)
class _Stack:
    bar_x: float
    bar_room: float
    show: Callable[[float], str]

    def row(
        self, row: StackedRow, series: Sequence[Series], top: float, room: float
    ) -> tuple[str, float]:
        """The row's group and its height (taller when values are listed under the bar)."""
        middle = top + STACK_ROW_HEIGHT / 2
        bar_top = middle - STACK_BAR_HEIGHT / 2
        parts = row_label(middle, row.label, room)
        box = {"x": self.bar_x, "y": bar_top, "width": self.bar_room, "height": STACK_BAR_HEIGHT}
        parts.append(tag("rect", box | {"fill": SURFACE, "stroke": LINE}))
        values = [max(finite(value), 0.0) for value in row.values]
        total = sum(values)
        hidden: list[str] = []
        x = self.bar_x
        for one, value in zip(series, values, strict=True):
            if value <= 0:
                continue
            length = value / total * self.bar_room
            text = f"{self.show(value)} ({french_percent(value / total * 100)})"
            parts.append(self._segment(x, bar_top, length, one, text))
            if text_width(text, SMALL_SIZE) + GAP <= length:
                fill = text_colour_on(one.colour)
                centre = x + length / 2
                parts.append(
                    label(centre, middle, text, size=SMALL_SIZE, anchor="middle", fill=fill)
                )
            else:
                hidden.append(f"{one.name} {text}")
            x += length
        caption = self._caption(hidden, bar_top + STACK_BAR_HEIGHT)
        parts.extend(caption)
        return tag("g", None, *parts), STACK_ROW_HEIGHT + len(caption) * CAPTION_LINE

    def _segment(self, x: float, top: float, length: float, one: Series, text: str) -> str:
        box: Attrs = {"x": x, "y": top, "width": length, "height": STACK_BAR_HEIGHT}
        box["fill"] = one.colour
        # A thin white edge keeps neighbouring segments apart when their colours are close.
        edge: Attrs = {"stroke": WHITE, "stroke-width": 1}
        return tag("rect", box | edge, tag("title", text=f"{one.name} · {text}"))

    def _caption(self, items: list[str], bar_bottom: float) -> list[str]:
        """The values too long for their segment, packed in lines under the bar."""
        lines: list[str] = []
        for item in items:
            joined = f"{lines[-1]} · {item}" if lines else item
            if lines and text_width(joined, SMALL_SIZE) <= self.bar_room:
                lines[-1] = joined
            else:
                lines.append(item)
        return [
            label(
                self.bar_x,
                bar_bottom + (index + 0.5) * CAPTION_LINE + 2,
                fit(line, self.bar_room, SMALL_SIZE),
                size=SMALL_SIZE,
                fill=INK_2,
            )
            for index, line in enumerate(lines)
        ]
