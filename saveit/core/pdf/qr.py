"""QR codes as SVG for the PDF templates, without Django (bulk render workers import it).

The SVG text is written here, byte for byte what segno's own SVG writer gives for the same
options (a test compares them), from each row's runs of dark modules found by a regular
expression instead of a Python loop over every module.

When the mask is known (chosen at issue and stored), the matrix is built here too, again equal to
segno's (a test compares them for every mask and many lengths): segno writes the data bits (mode,
length, padding), and the rest, which is most of segno's time, is done with tables computed once
per version, error level and mask: the error correction codewords by a table-driven Reed-Solomon
division, the data modules' placement as one list of indices and the mask as one integer XORed
into the message. A bulk render draws one code per attestation: 1 ms of pure Python each with
segno, about 0.1 ms here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from itertools import zip_longest
from typing import Any

import segno
from segno import consts as _consts
from segno import encoder as _segno

consts: Any = _consts  # segno's tables (untyped)

_DARK_RUNS = re.compile(rb"\x01+")
QUIET_ZONE = 4  # modules of white around the code, as scanners need
_ERROR = consts.ERROR_LEVEL_M
_DIGITS = bytes.maketrans(b"\x00\x01", b"01")
_MODULES = bytes.maketrans(b"01", b"\x00\x01")


def qr_svg(url: str, *, mask: int | None = None, dark: str = "#000") -> str:
    """The QR code of `url` (error correction M, 4-module quiet zone, white background) as SVG.

    Equal to `segno.make(url, error="m", micro=False, mask=mask).save(kind="svg", border=4,
    dark=dark, light="#ffffff", xmldecl=False)`."""
    return svg_of_matrix(qr_matrix(url, mask=mask), dark=dark)


def qr_matrix(url: str, *, mask: int | None = None) -> tuple[bytes | bytearray, ...]:
    """The rows of modules (1 dark, 0 light) of `segno.make(url, error="m", micro=False,
    mask=mask)`; without a mask, segno chooses it (by scoring all eight)."""
    if mask is None:
        return segno.make(url, error="m", micro=False).matrix
    segments = _segno.prepare_data(url, None, None)
    version = _segno.find_version(segments, _ERROR, eci=False, micro=False)
    error = _segno.boost_error_level(version, _ERROR, segments, False)
    layout = _layouts.get((version, error, mask))
    if layout is None:
        # Once per version, level and mask: segno draws this code, which gives the function
        # patterns, the format and the version information.
        code = segno.make(url, error="m", micro=False, mask=mask)
        assert (code.version, code.error) == (version, _segno.get_error_name(error))
        layout = _layouts[(version, error, mask)] = _Layout(version, error, mask, code.matrix)
    return layout.draw(_message(segments, version, error), _remainder_bits(version))


class _Layout:
    """Where the message's bits go in the symbol of one version, error level and mask."""

    def __init__(self, version: int, error: int, mask: int, matrix: tuple[bytearray, ...]) -> None:
        self.size = size = len(matrix)
        order = _placement(version, size)
        masked = _segno.get_data_mask_functions(False)[mask]
        self.bits = len(order)
        self.mask = int("".join(str(int(masked(i, j) != 0)) for i, j in order), 2)
        # `draw` gathers each module from the masked message (the data modules, by their place
        # in it) or from the symbol drawn by segno (every other module, at bits + its index).
        gather = [self.bits + index for index in range(size * size)]
        for place, (i, j) in enumerate(order):
            gather[i * size + j] = place
        self.gather = gather
        self.function = b"".join(matrix)

    def draw(self, message: bytes, remainder: int) -> tuple[bytes, ...]:
        value = (int.from_bytes(message, "big") << remainder) ^ self.mask
        modules = format(value, f"0{self.bits}b").encode("ascii").translate(_MODULES)
        flat = bytes(map((modules + self.function).__getitem__, self.gather))
        size = self.size
        return tuple(flat[row : row + size] for row in range(0, size * size, size))


_layouts: dict[tuple[int, int, int], _Layout] = {}


def _placement(version: int, size: int) -> list[tuple[int, int]]:
    """The (row, column) of each bit of the final message, in order, as segno places them."""
    matrix = [list(row) for row in _segno.make_matrix(size, size)]
    _segno.add_finder_patterns(matrix, size, size)
    _segno.add_alignment_patterns(matrix, size, size)
    free = sum(row.count(0x2) for row in matrix)
    _segno.add_codewords(matrix, [3 + index for index in range(free)], version)
    places = [(value - 3, i, j) for i, row in enumerate(matrix) for j, value in enumerate(row)]
    return [(i, j) for _index, i, j in sorted(p for p in places if p[0] >= 0)]


def _message(segments: Any, version: int, error: int) -> bytes:
    """The final message's codewords: the data and error correction blocks, interleaved."""
    buffer = _segno.Buffer()
    versions = _segno.version_range(version)
    for segment in segments:
        _segno.write_segment(buffer, segment, None, versions, False)
    capacity = consts.SYMBOL_CAPACITY[version][error]
    _segno.write_terminator(buffer, capacity, None, len(buffer))
    _segno.write_padding_bits(buffer, version, len(buffer))
    _segno.write_pad_codewords(buffer, version, capacity, len(buffer))
    bits = buffer.getbits()
    data = int(bytes(bits).translate(_DIGITS), 2).to_bytes(len(bits) // 8, "big")
    data_blocks, error_blocks = [], []
    start = 0
    for info in consts.ECC[version][error]:
        divide = _reed_solomon(info.num_total - info.num_data)
        for _ in range(info.num_blocks):
            block = data[start : start + info.num_data]
            start += info.num_data
            data_blocks.append(block)
            error_blocks.append(divide(block))
    interleaved = bytearray()
    for blocks in (data_blocks, error_blocks):
        for column in zip_longest(*blocks):
            interleaved.extend(b for b in column if b is not None)
    return bytes(interleaved)


@cache
def _reed_solomon(count: int) -> Callable[[bytes], bytes]:
    """The `count` error correction codewords of a block: the remainder of its division by the
    generator polynomial, one table look-up per data codeword."""
    log, exp, generator = consts.GALIOS_LOG, consts.GALIOS_EXP, consts.GEN_POLY[count]
    table = [0] + [
        int.from_bytes(bytes(exp[log[coef] + g] for g in generator[:count]), "big")
        for coef in range(1, 256)
    ]
    shift, full = 8 * (count - 1), (1 << 8 * count) - 1

    def divide(block: bytes) -> bytes:
        remainder = 0
        for codeword in block:
            remainder = ((remainder << 8) & full) ^ table[codeword ^ (remainder >> shift)]
        return remainder.to_bytes(count, "big")

    return divide


def _remainder_bits(version: int) -> int:
    if 2 <= version <= 6:
        return 7
    if 14 <= version <= 20 or 28 <= version <= 34:
        return 3
    if 21 <= version <= 27:
        return 4
    return 0


def svg_of_matrix(matrix: tuple[bytes | bytearray, ...], *, dark: str) -> str:
    size = len(matrix) + 2 * QUIET_ZONE
    # One horizontal line per run of dark modules, each drawn from the end of the previous one.
    # Lines go through the modules' centres (y + 0.5): the first move says so, the following
    # ones move by whole rows.
    parts: list[str] = []
    last_x, last_y = 0, 0
    for y, row in enumerate(matrix, start=QUIET_ZONE):
        for run in _DARK_RUNS.finditer(row):
            x1, x2 = run.span()
            if parts:
                parts.append(f"m{x1 + QUIET_ZONE - last_x} {y - last_y}h{x2 - x1}")
            else:
                parts.append(f"M{x1 + QUIET_ZONE} {y}.5h{x2 - x1}")
            last_x, last_y = x2 + QUIET_ZONE, y
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" class="segno">'
        f'<path fill="#fff" d="M0 0h{size}v{size}h-{size}z"/>'
        f'<path class="qrline" stroke="{dark}" d="{"".join(parts)}"/></svg>\n'
    )
