"""Real client procedure files built in memory, one per accepted format, plus hostile ones.

Every document carries the same French procedure (accents, numbered sections, lists, a table),
so each format yields the anchors preambule, s-1, s-2, s-2-1, s-2-2, s-3 and s-4. Pass
`sections=` (or `extra_paragraph=`) to build "version 2" of the same procedure.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

Block = tuple[
    str, object
]  # ("p", text) | ("bullets", items) | ("numbers", items) | ("table", rows)
SampleSection = tuple[str, int, tuple[Block, ...]]  # heading, level, blocks

TITLE = "Procédure de gestion des déviations"
PREAMBLE = "Version 2.1 – applicable au 1er mars 2025, diffusion contrôlée."
STEPS_TABLE = [
    ["Étape", "Responsable", "Délai"],
    ["Déclaration", "Chef d'équipe", "24 heures"],
    ["Analyse des causes", "Responsable qualité", "5 jours"],
    ["Clôture", "Responsable qualité", "30 jours"],
]
PROCEDURE: tuple[SampleSection, ...] = (
    ("1. Objet et périmètre", 1, (
        ("p", "Cette procédure décrit la gestion des déviations qualité. Elle s'applique à "
              "tous les sites de production de Laboratoires Alpha."),
    )),
    ("2. Rôles et responsabilités", 1, (
        ("p", "Chaque acteur connaît son rôle avant de traiter une déviation."),
        ("bullets", [
            "Le responsable qualité valide chaque déviation.",
            "Le chef d'équipe déclare l'écart sous 48 heures.",
            "L'opérateur ne modifie pas le lot sans accord écrit.",
        ]),
    )),
    ("2.1 Le responsable qualité", 2, (
        ("p", "Le responsable qualité doit clôturer chaque déviation sous 30 jours. "
              "Sa signature est obligatoire."),
    )),
    ("2.2 Le chef d'équipe", 2, (
        ("p", "Le chef d'équipe ne libère pas un lot bloqué. Il doit informer la "
              "direction de tout écart critique."),
    )),
    ("3. Déroulement", 1, (
        ("numbers", [
            "Déclarer la déviation dans le registre.",
            "Isoler le lot concerné.",
            "Informer le responsable qualité sous 48 heures.",
        ]),
        ("table", STEPS_TABLE),
    )),
    ("4. Enregistrements", 1, (
        ("p", "Les fiches de déviation sont archivées pendant 5 ans. Leur archivage est "
              "obligatoire."),
    )),
)  # fmt: skip
PHASES: tuple[SampleSection, ...] = (
    ("5. Phase 0 – Qualification et cadrage", 1, (
        ("p", "Le consultant qualifie la demande et rédige la note de cadrage. Le client "
              "doit la signer avant toute production."),
    )),
    ("5.1 Entretien de cadrage", 2, (
        ("bullets", ["Identifier les procédures concernées.", "Fixer le calendrier."]),
    )),
    ("6. Phase 1 – Collecte des procédures", 1, (
        ("p", "Le client transmet ses procédures en vigueur sous 10 jours ouvrés."),
    )),
    ("7. Phase 2 – Analyse des écarts", 1, (
        ("p", "Chaque exigence est rapprochée de la procédure qui la couvre. Aucun écart "
              "ne reste sans responsable."),
    )),
)  # fmt: skip
SAMPLE_ANCHORS = ["preambule", "s-1", "s-2", "s-2-1", "s-2-2", "s-3", "s-4"]
PDF_ANCHORS = [*SAMPLE_ANCHORS, "s-5", "s-5-1", "s-6", "s-7"]
PDF_HEADER = "Laboratoires Alpha – Système de management de la qualité"
PDF_FOOTER = "Procédure PR-QUA-012 – version 2.1 – usage interne"


def procedure(
    sections: Sequence[SampleSection] | None = None, extra_paragraph: str | None = None
) -> list[SampleSection]:
    """The sections to render; `extra_paragraph` is added at the end of the last one."""
    chosen = list(PROCEDURE if sections is None else sections)
    if extra_paragraph:
        heading, level, blocks = chosen[-1]
        chosen[-1] = (heading, level, (*blocks, ("p", extra_paragraph)))
    return chosen


def sample_docx(
    sections: Sequence[SampleSection] | None = None,
    *,
    extra_paragraph: str | None = None,
    title: str = TITLE,
    preamble: str = PREAMBLE,
) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(title, style="Title")
    document.add_paragraph(preamble)
    for heading, level, blocks in procedure(sections, extra_paragraph):
        document.add_heading(heading, level=level)
        for kind, value in blocks:
            if kind == "p":
                document.add_paragraph(str(value))
            elif kind in ("bullets", "numbers"):
                style = "List Bullet" if kind == "bullets" else "List Number"
                for item in _items(value):
                    document.add_paragraph(item, style=style)
            else:
                rows = _rows(value)
                table = document.add_table(rows=len(rows), cols=len(rows[0]))
                for row, cells in zip(table.rows, rows, strict=True):
                    for cell, text in zip(row.cells, cells, strict=True):
                        cell.text = text
    return _save(document)


def sample_odt(
    sections: Sequence[SampleSection] | None = None,
    *,
    extra_paragraph: str | None = None,
    title: str = TITLE,
    preamble: str = PREAMBLE,
) -> bytes:
    from odf import style, table, text
    from odf.opendocument import OpenDocumentText

    document = OpenDocumentText()
    title_style = style.Style(name="Title", family="paragraph")
    document.styles.addElement(title_style)
    bullets = text.ListStyle(name="Puces")
    bullets.addElement(text.ListLevelStyleBullet(level=1, bulletchar="•"))
    numbers = text.ListStyle(name="Numeros")
    numbers.addElement(text.ListLevelStyleNumber(level=1, numformat="1", numsuffix="."))
    document.automaticstyles.addElement(bullets)
    document.automaticstyles.addElement(numbers)
    body = document.text
    body.addElement(text.P(stylename=title_style, text=title))
    body.addElement(text.P(text=preamble))
    for heading, level, blocks in procedure(sections, extra_paragraph):
        body.addElement(text.H(outlinelevel=level, text=heading))
        for kind, value in blocks:
            if kind == "p":
                body.addElement(text.P(text=str(value)))
            elif kind in ("bullets", "numbers"):
                items = text.List(stylename=bullets if kind == "bullets" else numbers)
                for item_text in _items(value):
                    item = text.ListItem()
                    item.addElement(text.P(text=item_text))
                    items.addElement(item)
                body.addElement(items)
            else:
                grid = table.Table(name=f"Tableau{len(body.childNodes)}")
                for cells in _rows(value):
                    row = table.TableRow()
                    for cell_text in cells:
                        cell = table.TableCell()
                        cell.addElement(text.P(text=cell_text))
                        row.addElement(cell)
                    grid.addElement(row)
                body.addElement(grid)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def sample_markdown(
    sections: Sequence[SampleSection] | None = None, *, extra_paragraph: str | None = None
) -> bytes:
    lines = [f"# {TITLE}", "", PREAMBLE, ""]
    for heading, level, blocks in procedure(sections, extra_paragraph):
        lines += ["#" * (level + 1) + " " + heading, ""]
        for kind, value in blocks:
            if kind == "p":
                lines.append(str(value))
            elif kind in ("bullets", "numbers"):
                lines += _marked(_items(value), "{}." if kind == "numbers" else "-")
            else:
                rows = _rows(value)
                lines += ["| " + " | ".join(row) + " |" for row in rows[:1]]
                lines.append("|" + "---|" * len(rows[0]))
                lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
            lines.append("")
    return "\n".join(lines).encode()


def sample_html(
    sections: Sequence[SampleSection] | None = None, *, extra_paragraph: str | None = None
) -> bytes:
    from html import escape

    parts = [
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">',
        f"<title>{escape(TITLE)}</title><style>h1 {{ color: navy; }}</style>",
        "<script>var avertissement = 'ne pas lire';</script></head><body>",
        f"<h1>{escape(TITLE)}</h1><p>{escape(PREAMBLE)}</p>",
    ]
    for heading, level, blocks in procedure(sections, extra_paragraph):
        parts.append(f"<h{level + 1}>{escape(heading)}</h{level + 1}>")
        for kind, value in blocks:
            if kind == "p":
                parts.append(f"<p>{escape(str(value))}</p>")
            elif kind in ("bullets", "numbers"):
                tag = "ul" if kind == "bullets" else "ol"
                items = "".join(f"<li>{escape(item)}</li>" for item in _items(value))
                parts.append(f"<{tag}>{items}</{tag}>")
            else:
                rows = "".join(
                    "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                    for row in _rows(value)
                )
                parts.append(f"<table>{rows}</table>")
    parts.append("</body></html>")
    return "\n".join(parts).encode()


def sample_text(
    sections: Sequence[SampleSection] | None = None,
    *,
    extra_paragraph: str | None = None,
    encoding: str = "utf-8",
) -> bytes:
    return "\n".join(_text_lines(procedure(sections, extra_paragraph))).encode(encoding)


def _text_lines(
    sections: Sequence[SampleSection],
    *,
    blank: bool = True,
    bullet: str = "•",
    title: str = TITLE,
    preamble: str = PREAMBLE,
) -> list[str]:
    lines = [title, "", preamble, ""]
    for heading, _level, blocks in sections:
        lines.append(heading)
        for kind, value in blocks:
            if kind == "p":
                lines.append(str(value))
            elif kind in ("bullets", "numbers"):
                lines += _marked(_items(value), "{})" if kind == "numbers" else bullet)
            else:
                lines += ["\t".join(row) for row in _rows(value)]
            lines.append("")
    return lines if blank else [line for line in lines if line]


def sample_xlsx() -> bytes:
    import datetime

    from openpyxl import Workbook

    workbook = Workbook()
    deviations = workbook.active
    assert deviations is not None
    deviations.title = "Déviations"
    deviations.append(["N°", "Date", "Description", "Responsable", "Délai (heures)"])
    deviations.append([1, datetime.datetime(2025, 3, 4), "Température hors tolérance", "Rémi", 48])
    deviations.append([2, datetime.datetime(2025, 3, 9), "Étiquette illisible", "Zoé", 24.0])
    owners = workbook.create_sheet("Responsables")
    owners.append(["Fonction", "Nom"])
    owners.append(["Responsable qualité", "Hélène Lefèvre"])
    return _save(workbook)


def sample_csv(*, encoding: str = "utf-8", delimiter: str = ";") -> bytes:
    rows = [*STEPS_TABLE, ["Vérification", "Auditeur; externe", "12,5 heures"]]
    buffer = io.StringIO()
    import csv

    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def sample_pdf(
    pages: int = 3,
    sections: Sequence[SampleSection] | None = None,
    *,
    extra_paragraph: str | None = None,
    title: str = TITLE,
    preamble: str = PREAMBLE,
) -> bytes:
    """A procedure over `pages` pages, with a running header and footer on each page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    chosen = procedure([*PROCEDURE, *PHASES] if sections is None else sections, extra_paragraph)
    lines: list[str] = []
    text_lines = _text_lines(chosen, blank=False, bullet="–", title=title, preamble=preamble)
    for line in text_lines:  # reportlab garbles "•"
        lines += simpleSplit(line.replace("\t", "   "), "Helvetica", 11, 450) or [""]
    per_page = -(-len(lines) // pages)
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    for number in range(1, pages + 1):
        page.setFont("Helvetica", 8)
        page.drawString(72, 800, PDF_HEADER)
        page.setFont("Helvetica", 11)
        for row, line in enumerate(lines[(number - 1) * per_page : number * per_page]):
            page.drawString(72, 770 - 16 * row, line)
        page.setFont("Helvetica", 8)
        page.drawString(72, 50, PDF_FOOTER)
        page.drawString(480, 50, f"Page {number} / {pages}")
        page.showPage()
    page.save()
    return buffer.getvalue()


def scanned_pdf() -> bytes:
    """Pages with drawings only, as a scanner makes them: no text layer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    for _ in range(2):
        page.rect(72, 400, 400, 300, fill=1)
        page.showPage()
    page.save()
    return buffer.getvalue()


def encrypted_pdf(password: str = "lecture") -> bytes:  # noqa: S107 (a test file, no secret)
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(sample_pdf(pages=1))))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def malformed_docx() -> bytes:
    """A real DOCX package whose main part is cut in the middle of its XML."""
    source = zipfile.ZipFile(io.BytesIO(sample_docx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data[: len(data) // 2]
            target.writestr(info.filename, data)
    return buffer.getvalue()


def renamed_exe() -> bytes:
    """The start of a Windows program, as if saved under a .docx name."""
    return (
        b"MZ\x90\x00\x03"
        + bytes(59)
        + b"This program cannot be run in DOS mode.\r\r\n$"
        + bytes(200)
    )


def zip_bomb(megabytes: int = 5) -> bytes:
    """One entry of zeros: deflate squeezes it about a thousand times."""
    buffer = io.BytesIO()
    chunk = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/document.xml", "w", force_zip64=True) as entry,
    ):
        for _ in range(megabytes):
            entry.write(chunk)
    return buffer.getvalue()


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _marked(items: list[str], mark: str) -> list[str]:
    """Items behind their bullet, or behind their number when `mark` is a format like "{}."."""
    return [f"{mark.format(n)} {item}" for n, item in enumerate(items, start=1)]


def _items(value: object) -> list[str]:
    assert isinstance(value, list)
    return [str(item) for item in value]


def _rows(value: object) -> list[list[str]]:
    assert isinstance(value, list)
    return [[str(cell) for cell in row] for row in value]


def _save(document: object) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()
