"""Real PDFs for tests, built with reportlab (a dev dependency), French accents included."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

DEFAULT_LINES = (
    "Note de cadrage — société Laboratoires Alpha",
    "Périmètre : procédures qualité, hygiène et sécurité.",
    "Objectifs : maîtrise des écarts, traçabilité, conformité réglementaire.",
    "Validé à Paris, le 3 février — « équipe qualité ».",
)


def make_pdf(
    title: str = "Note de cadrage", lines: tuple[str, ...] = DEFAULT_LINES, pages: int = 1
) -> bytes:
    """A small valid PDF whose text carries accented French characters."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    page.setTitle(title)
    for number in range(1, pages + 1):
        page.setFont("Helvetica-Bold", 16)
        page.drawString(72, 770, title)
        page.setFont("Helvetica", 11)
        for row, line in enumerate(lines):
            page.drawString(72, 740 - 18 * row, line)
        page.drawString(72, 60, f"Page {number} / {pages}")
        page.showPage()
    page.save()
    return buffer.getvalue()
