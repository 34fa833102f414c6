"""Charts on a y axis: a line over equally spaced labels (weeks) and a histogram (score bins)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from saveit.core.charts.bars import Bar
from saveit.core.charts.svg import (
    ACCENT,
    INK_3,
    LINE,
    PAD,
    SMALL_SIZE,
    WHITE,
    Attrs,
    Frame,
    finite,
    french_number,
    label,
    num,
    tag,
    text_width,
)

X_LABELS = 24  # height of the band under the plot that holds the x labels
VALUE_BAND = 20  # room above the highest point for its value
GAP = 8
INSET = 14  # keeps the first and last points clear of the plot's edges


@dataclass(frozen=True)
class Point:
    label: str
    value: float


def nice_step(span: float, *, whole: bool = False) -> float:
    """A round gridline step (1, 2, 2.5 or 5 times a power of ten) giving about four lines."""
    rough = span / 4 if span > 0 else 1.0
    power = 10.0 ** math.floor(math.log10(rough))
    factors = (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10)
    step = next(factor * power for factor in factors if factor * power >= rough)
    return max(step, 1.0) if whole else step


def axis_top(values: Sequence[float], y_max: float | None, *, whole: bool) -> tuple[float, float]:
    """The value at the top of the plot and the gridline step."""
    if y_max is not None and finite(y_max) > 0:
        return finite(y_max), nice_step(finite(y_max), whole=whole)
    highest = max((finite(value) for value in values), default=0.0)
    step = nice_step(highest, whole=whole)
    return max(math.ceil(highest / step - 1e-9) * step, step), step


@dataclass(frozen=True)
class Plot:
    """The drawing area and its vertical scale, from 0 at `bottom` to `top_value` at `top`."""

    left: float
    top: float
    right: float
    bottom: float
    top_value: float

    def y(self, value: float) -> float:
        share = min(max(finite(value) / self.top_value, 0.0), 1.0)
        return self.bottom - share * (self.bottom - self.top)


def y_axis(
    size: tuple[float, float],
    top_value: float,
    step: float,
    show: Callable[[float], str],
    right_room: float = 0.0,
) -> tuple[Plot, list[str]]:
    """The plot area between the widest tick label and `right_room`, and the gridlines (across
    the whole chart) with their labels."""
    width, height = size
    ticks = [index * step for index in range(int(top_value / step + 1e-9) + 1)]
    texts = [show(tick) for tick in ticks]
    left = PAD + max(text_width(text, SMALL_SIZE) for text in texts) + GAP
    plot = Plot(left, VALUE_BAND + PAD, width - PAD - right_room, height - X_LABELS, top_value)
    parts = []
    for tick, text in zip(ticks, texts, strict=True):
        y = plot.y(tick)
        line = {"x1": plot.left, "y1": y, "x2": width - PAD, "y2": y}
        stroke = INK_3 if tick == 0 else LINE
        parts.append(tag("line", line | {"stroke": stroke, "stroke-width": 1}))
        parts.append(label(plot.left - GAP / 2, y, text, size=SMALL_SIZE, anchor="end", fill=INK_3))
    return plot, parts


def _centre(x: float, text: str, width: float) -> float:
    """`x`, moved inwards when text centred on it would stick out of the chart."""
    half = text_width(text, SMALL_SIZE) / 2
    return min(max(x, PAD + half), width - PAD - half)


def thinned(xs: Sequence[float], texts: Sequence[str], width: float, gap: float = GAP) -> list[int]:
    """Indexes of the labels to print: every n-th one and always the last, none overlapping
    another once the ones at the edges are moved inside the chart."""
    if len(xs) < 2:
        return list(range(len(xs)))
    spacing = abs(xs[1] - xs[0]) or 1.0
    widest = max(text_width(text, SMALL_SIZE) for text in texts)
    every = max(1, math.ceil((widest + gap) / spacing))
    kept: list[int] = []
    free_until = math.inf  # the left edge of the label kept last, walking leftwards
    for index in range(len(xs) - 1, -1, -every):
        half = text_width(texts[index], SMALL_SIZE) / 2
        centre = _centre(xs[index], texts[index], width)
        if centre + half + gap <= free_until:
            kept.append(index)
            free_until = centre - half
    return kept[::-1]


def centred_text(
    x: float, middle: float, text: str, width: float, *, fill: str | None = None, bold: bool = False
) -> str:
    weight = "600" if bold else None
    centre = _centre(x, text, width)
    return label(centre, middle, text, size=SMALL_SIZE, anchor="middle", fill=fill, weight=weight)


def x_labels(plot: Plot, xs: Sequence[float], texts: Sequence[str], width: float) -> list[str]:
    middle = plot.bottom + X_LABELS / 2 + 2
    return [
        centred_text(xs[i], middle, texts[i], width, fill=INK_3) for i in thinned(xs, texts, width)
    ]


def line_chart(
    *,
    title: str,
    description: str,
    points: Sequence[Point],
    y_max: float | None = None,
    y_format: Callable[[float], str] | None = None,
    width: int = 640,
    height: int = 240,
    colour: str = ACCENT,
    empty_text: str = "",
    id_prefix: str | None = None,
    font_family: str | None = None,
) -> str:
    """A line through equally spaced points, the last value printed at its end and the others
    above their points when there is room for all (each marker keeps its value in a tooltip)."""
    chart = Frame(title, description, font_family, id_prefix)
    if not points:
        return chart.empty(width, height, empty_text)
    show = y_format or french_number
    top_value, step = axis_top([point.value for point in points], y_max, whole=False)
    texts = [show(finite(point.value)) for point in points]
    last_room = text_width(texts[-1], SMALL_SIZE) + GAP - INSET
    plot, body = y_axis((width, height), top_value, step, show, max(last_room, 0.0))
    xs = _spread(plot, len(points))
    ys = [plot.y(point.value) for point in points]
    polyline = " ".join(f"{num(x)},{num(y)}" for x, y in zip(xs, ys, strict=True))
    line: Attrs = {"points": polyline, "fill": "none", "stroke": colour, "stroke-width": 2}
    body.append(tag("polyline", line | {"stroke-linejoin": "round", "stroke-linecap": "round"}))
    radius = 3.5 if len(xs) < 2 or xs[1] - xs[0] >= 10 else 2.0
    for x, y, point, text in zip(xs, ys, points, texts, strict=True):
        marker: Attrs = {"cx": x, "cy": y, "r": radius, "fill": colour, "stroke": WHITE}
        body.append(tag("circle", marker, tag("title", text=f"{point.label} · {text}")))
    body.extend(_values(xs, ys, texts, width))
    body.extend(x_labels(plot, xs, [point.label for point in points], width))
    return chart.render(width, height, body)


def _values(xs: list[float], ys: list[float], texts: list[str], width: float) -> list[str]:
    """The last value right of its point, where the line ends; the others above theirs, if all
    fit (values sit at different heights, so they may come closer than axis labels)."""
    last = label(xs[-1] + GAP, ys[-1], texts[-1], size=SMALL_SIZE, weight="600")
    if len(thinned(xs, texts, width, gap=2)) < len(xs):
        return [last]
    above = [
        centred_text(x, y - 12, text, width) for x, y, text in zip(xs, ys, texts, strict=False)
    ]
    return [*above[:-1], last]


def _spread(plot: Plot, count: int) -> list[float]:
    if count == 1:
        return [(plot.left + plot.right) / 2]
    left, right = plot.left + INSET, plot.right - INSET
    return [left + index * (right - left) / (count - 1) for index in range(count)]


def histogram(
    *,
    title: str,
    description: str,
    bins: Sequence[Bar],
    width: int = 640,
    height: int = 220,
    colour: str = ACCENT,
    empty_text: str = "",
    id_prefix: str | None = None,
    font_family: str | None = None,
) -> str:
    """Vertical bars, one per bin, each with its count above it (`Bar.text` when given)."""
    chart = Frame(title, description, font_family, id_prefix)
    if not bins:
        return chart.empty(width, height, empty_text)
    values = [finite(one.value) for one in bins]
    whole = all(value.is_integer() for value in values)
    top_value, step = axis_top(values, None, whole=whole)
    plot, body = y_axis((width, height), top_value, step, french_number)
    slot = (plot.right - plot.left) / len(bins)
    bar_width = max(slot * 0.8, min(slot, 1.0))
    xs = [plot.left + (index + 0.5) * slot for index in range(len(bins))]
    texts = [
        one.text if one.text is not None else french_number(value)
        for one, value in zip(bins, values, strict=True)
    ]
    for x, one, text in zip(xs, bins, texts, strict=True):
        y = plot.y(one.value)
        box = {"x": x - bar_width / 2, "y": y, "width": bar_width, "height": plot.bottom - y}
        body.append(tag("rect", box | {"fill": colour}, tag("title", text=f"{one.label} · {text}")))
    for index in thinned(xs, texts, width):
        body.append(centred_text(xs[index], plot.y(bins[index].value) - 10, texts[index], width))
    body.extend(x_labels(plot, xs, [one.label for one in bins], width))
    return chart.render(width, height, body)
