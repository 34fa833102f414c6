"""What every chart is made of: escaped markup, text metrics, French numbers and colours.

Charts are plain SVG 1.1 with presentation attributes only (no CSS, no external reference), so
the same markup shows in a browser and inside a typst PDF. There is no font metrics engine here:
text widths are estimated from a per-character table that errs on the wide side, so a label that
the layout thinks fits does fit, in the browser's sans serif and in typst's Libertinus Serif.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from xml.sax.saxutils import escape, quoteattr

from saveit.core.money import NBSP, format_number

SVG_NS = "http://www.w3.org/2000/svg"

# The app's font stack (app.css --font) for HTML pages. Typst ignores it: it renders SVG text with
# the fonts it embeds (Libertinus Serif, New Computer Modern, DejaVu Sans Mono) because PDFs are
# compiled with ignore_system_fonts=True, and falls back to Libertinus Serif for unknown names.
HTML_FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
PDF_FONT_FAMILY = "Libertinus Serif"  # the letterhead's body font (pdf/templates/letterhead.typ)
DEFAULT_FONT_FAMILY = HTML_FONT_FAMILY

# Design tokens (saveit/static/saveit/app.css :root).
ACCENT = "#1f5fbf"
INK = "#1d2330"
INK_2 = "#4a5263"
INK_3 = "#6b7385"
LINE = "#d9dde5"
SURFACE = "#f5f6f8"
WHITE = "#ffffff"

# Six series colours: the accent and the status tokens, a violet and the neutral grey. Each keeps
# white text at a contrast of at least 4.5:1, so a segment can carry its own value.
PALETTE: tuple[str, ...] = ("#1f5fbf", "#1e7a46", "#8a5a00", "#b42318", "#6941c6", "#6b7385")

FONT_SIZE = 13
SMALL_SIZE = 12
PAD = 4
ELLIPSIS = "…"

# Widths in em, a little wider than Arial so that wider system fonts still fit.
_NARROW = frozenset("iljIt.,;:!|'()[]{}f/ r\u00a0\u202f")
_WIDE = frozenset("mwMW@%—…")
Attrs = dict[str, str | float | None]
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ID_CHARS = re.compile(r"[^A-Za-z0-9_-]")


def clean(text: str) -> str:
    """`text` without the control characters that XML 1.0 cannot carry, even escaped."""
    return _INVALID_XML.sub("", text)


def num(value: float) -> str:
    """A coordinate to one decimal, without a useless ".0", so the output stays small."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _attr(value: str | float) -> str:
    return num(value) if isinstance(value, int | float) else clean(value)


def tag(
    name: str,
    attrs: Mapping[str, str | float | None] | None = None,
    *children: str,
    text: str | None = None,
) -> str:
    """One element; attribute values and `text` are escaped, `children` are markup already."""
    rendered = "".join(
        f" {key}={quoteattr(_attr(value))}"
        for key, value in (attrs or {}).items()
        if value is not None
    )
    body = escape(clean(text)) if text is not None else "".join(children)
    return f"<{name}{rendered}>{body}</{name}>" if body else f"<{name}{rendered}/>"


def label(
    x: float,
    middle: float,
    content: str,
    *,
    size: int = FONT_SIZE,
    anchor: str | None = None,
    fill: str | None = None,
    weight: str | None = None,
) -> str:
    """A line of text vertically centred on `middle` (no dominant-baseline: typst ignores it)."""
    attrs: Attrs = {"x": x, "y": middle + size * 0.35}
    attrs |= {"text-anchor": anchor, "fill": fill, "font-weight": weight}
    if size != FONT_SIZE:
        attrs["font-size"] = size
    return tag("text", attrs, text=content)


def char_width(char: str) -> float:
    if char in _NARROW:
        return 0.32
    if char in _WIDE:
        return 0.92
    if char.isupper():
        return 0.72
    return 0.64 if char.isdigit() else 0.61


def text_width(text: str, size: int = FONT_SIZE) -> float:
    return sum(char_width(char) for char in text) * size


def fit(text: str, max_width: float, size: int = FONT_SIZE) -> str:
    """`text`, or as much of it as fits in `max_width` followed by an ellipsis."""
    if text_width(text, size) <= max_width:
        return text
    room = max_width - char_width(ELLIPSIS) * size
    kept: list[str] = []
    for char in text:
        room -= char_width(char) * size
        if room < 0:
            break
        kept.append(char)
    return "".join(kept).rstrip() + ELLIPSIS


def finite(value: float) -> float:
    return float(value) if math.isfinite(value) else 0.0


# Enough digits for any finite float printed in full (the default 28 fails on 1e28).
_PRECISION = 400


def _decimal(value: float) -> Decimal:
    return Decimal(repr(finite(value)))


def french_number(value: float, places: int | None = None) -> str:
    """1234.5 → "1 234,5" (narrow no-break space, as money.py); whole numbers without decimals."""
    number = _decimal(value)
    if places is None:
        places = 0 if number == number.to_integral_value() else 1
    with localcontext(prec=_PRECISION):
        return format_number(number, places)


def french_percent(value: float, places: int = 1) -> str:
    """72.5 → "72,5 %", 100 → "100 %" (no-break space before the sign, as money.py)."""
    with localcontext(prec=_PRECISION):
        number = _decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        shown = 0 if number == number.to_integral_value() else places
        return f"{format_number(number, shown)}{NBSP}%"


def _channel(hex_pair: str) -> float:
    value = int(hex_pair, 16) / 255
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG relative luminance of "#rgb" or "#rrggbb"; other notations count as black."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(char * 2 for char in digits)
    if not re.fullmatch(r"[0-9a-fA-F]{6}", digits):
        return 0.0
    red, green, blue = (_channel(digits[i : i + 2]) for i in (0, 2, 4))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(fill: str) -> str:
    """White or ink, whichever reads better on `fill`."""
    return WHITE if contrast(WHITE, fill) >= contrast(INK, fill) else INK


@dataclass(frozen=True)
class Frame:
    """The root of one chart: accessible name and description, and its font."""

    title: str
    description: str
    font_family: str | None = None
    id_prefix: str | None = None

    def ident(self, markup: str) -> str:
        """The caller's prefix, or a digest of what is drawn: the same chart gives the same bytes
        and two different charts different ids (pass `id_prefix` to show one chart twice)."""
        if self.id_prefix:
            ident = _ID_CHARS.sub("-", self.id_prefix)
            return ident if ident[0].isalpha() else f"chart-{ident}"
        digest = hashlib.sha256("\0".join((self.title, self.description, markup)).encode())
        return f"chart-{digest.hexdigest()[:12]}"

    def render(self, width: float, height: float, body: Iterable[str]) -> str:
        width, height = math.ceil(width), math.ceil(height)
        markup = "".join(body)
        ident = self.ident(f"{width}x{height}{markup}")
        attrs: Attrs = {
            "xmlns": SVG_NS,
            "role": "img",
            "aria-labelledby": f"{ident}-title {ident}-desc",
            "viewBox": f"0 0 {width} {height}",
            "width": width,
            "height": height,
            "font-family": self.font_family or DEFAULT_FONT_FAMILY,
            "font-size": FONT_SIZE,
            "fill": INK,
        }
        title = tag("title", {"id": f"{ident}-title"}, text=self.title)
        desc = tag("desc", {"id": f"{ident}-desc"}, text=self.description)
        return tag("svg", attrs, title, desc, markup)

    def empty(self, width: float, height: float, message: str) -> str:
        """A quiet frame with the caller's message, for a chart that has nothing to show."""
        box: Attrs = {"x": 0.5, "y": 0.5, "width": width - 1, "height": height - 1, "rx": 6}
        body = [tag("rect", box | {"fill": WHITE, "stroke": LINE})]
        if message:
            body.append(label(width / 2, height / 2, message, anchor="middle", fill=INK_2))
        return self.render(width, height, body)
