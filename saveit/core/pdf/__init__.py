"""PDF rendering with typst."""

from saveit.core.pdf.render import render_pdf

__all__ = ["render_pdf"]
