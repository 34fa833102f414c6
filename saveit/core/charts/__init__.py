"""Server-side SVG charts for the dashboards and the PDF reports (SPEC §8).

Each function returns one `<svg>` element as a string: accessible (role="img", a title and a
description named by aria-labelledby, every value printed as text), escaped, deterministic, and
made of SVG 1.1 presentation attributes only, so the same markup shows in an HTML page and in a
typst PDF (`image(bytes(svg), format: "svg")`). Callers pass translated strings; numbers are
printed the French way. For PDFs pass `font_family=PDF_FONT_FAMILY`: typst renders SVG text with
its embedded fonts only.
"""

from saveit.core.charts.bars import Bar, Series, StackedRow, hbar_chart, stacked_bar_chart
from saveit.core.charts.plots import Point, histogram, line_chart
from saveit.core.charts.svg import (
    DEFAULT_FONT_FAMILY,
    HTML_FONT_FAMILY,
    PALETTE,
    PDF_FONT_FAMILY,
    french_number,
    french_percent,
)

__all__ = [
    "DEFAULT_FONT_FAMILY",
    "HTML_FONT_FAMILY",
    "PALETTE",
    "PDF_FONT_FAMILY",
    "Bar",
    "Point",
    "Series",
    "StackedRow",
    "french_number",
    "french_percent",
    "hbar_chart",
    "histogram",
    "line_chart",
    "stacked_bar_chart",
]
