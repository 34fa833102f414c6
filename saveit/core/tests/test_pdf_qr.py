"""QR codes for the PDFs: the matrix built from per-version tables is segno's, module for module."""

from __future__ import annotations

import random
import string

import pytest
import segno

from saveit.core.pdf.qr import qr_matrix, qr_svg


def _urls() -> list[str]:
    chance = random.Random(20261207)
    letters = string.ascii_letters + string.digits + "-_.~é"
    urls = [
        "https://formation.example.fr/verify/"
        + "".join(chance.choice(letters) for _ in range(length))
        + "/"
        for length in (0, 1, 12, 16, 30, 55, 90, 140, 260, 600, 1500)
    ]
    # Numeric and alphanumeric modes, and a code small enough to be version 1.
    return [*urls, "12345678901234567890", "HTTPS://EXAMPLE.FR/VERIFY/ABC123/", "a"]


@pytest.mark.parametrize("url", _urls())
def test_the_matrix_is_segnos_for_every_mask(url):
    for mask in range(8):
        expected = segno.make(url, error="m", micro=False, mask=mask).matrix
        assert tuple(bytearray(row) for row in qr_matrix(url, mask=mask)) == expected


def test_without_a_mask_segno_chooses_it():
    url = "https://formation.example.fr/verify/Xk3pQ9vR2mT8wLsN/"
    best = segno.make(url, error="m", micro=False)
    assert qr_matrix(url) == best.matrix
    assert qr_svg(url) == qr_svg(url, mask=best.mask)
