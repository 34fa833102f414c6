"""What an uploaded file really is, decided on its bytes; the name only tells text kinds apart."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from saveit.core import uploads

from . import refusals

MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "pdf": "application/pdf",
    "markdown": "text/markdown",
    "html": "text/html",
    "text": "text/plain",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}
LABELS: dict[str, StrOrPromise] = {
    "docx": "Word (DOCX)",
    "odt": "OpenDocument (ODT)",
    "pdf": "PDF",
    "markdown": "Markdown",
    "html": "HTML",
    "text": gettext_lazy("Plain text"),
    "xlsx": "Excel (XLSX)",
    "csv": "CSV",
}

ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"

UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
DELIMITERS = ";,\t"
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # \t \n \v \f \r are fine in text
_MARKDOWN_HEADING = re.compile(r"^#{1,6}[ \t]+\S", re.MULTILINE)


@dataclass(frozen=True)
class Detected:
    kind: str  # docx, odt, pdf, markdown, html, text, xlsx or csv
    media_type: str
    label: StrOrPromise

    @classmethod
    def of(cls, kind: str) -> Detected:
        return cls(kind, MEDIA_TYPES[kind], LABELS[kind])


def detect(content: bytes, name: str, *, max_bytes: int) -> Detected:
    if not content:
        raise refusals.empty()
    uploads.check_size(content, max_bytes)
    uploads.refuse_programs(content)
    if content.startswith(uploads.OLE2_SIGNATURE):
        raise uploads.legacy_office()
    if content.startswith(uploads.ARCHIVE_SIGNATURES):
        raise refusals.unsupported()
    if content.startswith(b"PK\x03\x04"):
        return Detected.of(_zip_kind(content))
    if content.lstrip()[:5] == b"%PDF-":
        if b"%%EOF" not in content[-2048:]:
            raise refusals.malformed("PDF")
        return Detected.of("pdf")
    text = decode_text(content)
    if text is None:
        raise refusals.unsupported()
    return Detected.of(_text_kind(text, name.lower()))


def _zip_kind(content: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            uploads.check_zip_entries(infos)
            names = {info.filename for info in infos}
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    if entry.read(100).strip() == ODT_MIMETYPE.encode():
                        return "odt"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as error:
        raise refusals.damaged() from error
    except NotImplementedError as error:  # an unknown compression method
        raise refusals.unsupported() from error
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    raise refusals.unsupported()


def decode_text(content: bytes) -> str | None:
    """The text of a file that is text: UTF-8 (BOM or not), UTF-16 with BOM, or Windows-1252."""
    if content.startswith(UTF16_BOMS):
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError:
            return None
        return None if _CONTROL.search(text) else text
    if b"\x00" in content:
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return None if _CONTROL.search(text) else text
    return None


def _text_kind(text: str, name: str) -> str:
    start = text.lstrip()[:20].lower()
    if name.endswith((".htm", ".html")) or start.startswith(("<!doctype html", "<html")):
        return "html"
    if name.endswith((".md", ".markdown")):
        return "markdown"
    if name.endswith((".csv", ".tsv")):
        return "csv" if sniff_delimiter(text) else "text"
    if name.endswith(".txt"):
        return "text"
    return "markdown" if _MARKDOWN_HEADING.search(text[:65536]) else "text"


def sniff_delimiter(text: str) -> str | None:
    """The field delimiter of a CSV among ";", "," and tab (French exports use ";")."""
    sample = text[:65536]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return _steady_delimiter(sample)


def _steady_delimiter(sample: str) -> str | None:
    """The sniffer gives up on quoted fields holding delimiters; real parsing does not."""
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    if len(lines) < 2:
        return None
    for delimiter in DELIMITERS:
        widths = Counter(len(row) for row in csv.reader(lines, delimiter=delimiter))
        width, count = widths.most_common(1)[0]
        if width >= 2 and count * 5 >= len(lines) * 4:
            return delimiter
    return None
