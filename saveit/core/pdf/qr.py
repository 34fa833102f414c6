"""QR codes as SVG for the PDF templates, without Django (bulk render workers import it).

segno encodes; the SVG text is written here, byte for byte what segno's own SVG writer gives for
the same options (a test compares them), but from each row's runs of dark modules found by a
regular expression instead of a Python loop over every module: the writer was two thirds of the
cost of a QR code, and a bulk render makes one per attestation.
"""

from __future__ import annotations

import re

import segno

_DARK_RUNS = re.compile(rb"\x01+")
QUIET_ZONE = 4  # modules of white around the code, as scanners need


def qr_svg(url: str, *, mask: int | None = None, dark: str = "#000") -> str:
    """The QR code of `url` (error correction M, 4-module quiet zone, white background) as SVG.

    Equal to `segno.make(url, error="m", micro=False, mask=mask).save(kind="svg", border=4,
    dark=dark, light="#ffffff", xmldecl=False)`."""
    qr = segno.make(url, error="m", micro=False, mask=mask)
    return svg_of_matrix(qr.matrix, dark=dark)


def svg_of_matrix(matrix: tuple[bytearray, ...], *, dark: str) -> str:
    size = len(matrix) + 2 * QUIET_ZONE
    parts: list[str] = []
    last_x, last_y = 0, 0.0
    y = QUIET_ZONE + 0.5
    for row in matrix:
        for run in _DARK_RUNS.finditer(row):
            x1, x2 = run.start() + QUIET_ZONE, run.end() + QUIET_ZONE
            dy = y - last_y
            parts.append(
                f"{'m' if parts else 'M'}{x1 - last_x} {int(dy) if dy == int(dy) else dy}h{x2 - x1}"
            )
            last_x, last_y = x2, y
        y += 1
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" class="segno">'
        f'<path fill="#fff" d="M0 0h{size}v{size}h-{size}z"/>'
        f'<path class="qrline" stroke="{dark}" d="{"".join(parts)}"/></svg>\n'
    )
