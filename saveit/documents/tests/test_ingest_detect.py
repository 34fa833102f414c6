"""The type of an uploaded file is decided on its bytes; hostile files are refused early."""

import io
import zipfile

import pytest

from saveit.core.errors import Refusal
from saveit.core.uploads import check_zip_entries
from saveit.documents.ingest import detect, ingest
from saveit.testing import sample_files as samples

LIMIT = 25 * 1024 * 1024


def refusal_code(content: bytes, name: str, max_bytes: int = LIMIT) -> str:
    with pytest.raises(Refusal) as refused:
        ingest(content, name, max_bytes=max_bytes)
    return refused.value.code


@pytest.mark.parametrize(
    ("build", "name", "kind", "media_type"),
    [
        (
            samples.sample_docx,
            "procédure.docx",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (samples.sample_odt, "procédure.odt", "odt", "application/vnd.oasis.opendocument.text"),
        (samples.sample_pdf, "procédure.pdf", "pdf", "application/pdf"),
        (samples.sample_markdown, "procédure.md", "markdown", "text/markdown"),
        (samples.sample_html, "procédure.html", "html", "text/html"),
        (samples.sample_text, "procédure.txt", "text", "text/plain"),
        (
            samples.sample_xlsx,
            "suivi.xlsx",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (samples.sample_csv, "suivi.csv", "csv", "text/csv"),
    ],
)
def test_each_accepted_format_is_detected_with_its_media_type(build, name, kind, media_type):
    detected = detect(build(), name, max_bytes=LIMIT)
    assert (detected.kind, detected.media_type) == (kind, media_type)
    assert str(detected.label)


def test_a_word_document_renamed_pdf_is_still_a_word_document():
    assert detect(samples.sample_docx(), "procedure.pdf", max_bytes=LIMIT).kind == "docx"


def test_a_pdf_renamed_docx_is_still_a_pdf():
    assert detect(samples.sample_pdf(pages=1), "procedure.docx", max_bytes=LIMIT).kind == "pdf"


def test_a_workbook_renamed_odt_is_still_a_workbook():
    assert detect(samples.sample_xlsx(), "procedure.odt", max_bytes=LIMIT).kind == "xlsx"


def test_text_kinds_without_a_telling_name_are_told_apart_by_their_content():
    assert detect(samples.sample_html(), "export", max_bytes=LIMIT).kind == "html"
    assert detect(samples.sample_markdown(), "procedure", max_bytes=LIMIT).kind == "markdown"
    assert detect(b"Une ligne.\nUne autre.", "notes", max_bytes=LIMIT).kind == "text"


def test_the_name_decides_between_text_kinds():
    assert detect(samples.sample_markdown(), "notes.txt", max_bytes=LIMIT).kind == "text"
    assert detect(samples.sample_text(), "notes.md", max_bytes=LIMIT).kind == "markdown"
    assert detect(samples.sample_text(), "notes.html", max_bytes=LIMIT).kind == "html"


def test_a_csv_name_needs_a_real_delimiter_to_be_read_as_a_table():
    assert detect(samples.sample_csv(delimiter=","), "a.csv", max_bytes=LIMIT).kind == "csv"
    assert detect(samples.sample_csv(delimiter="\t"), "a.csv", max_bytes=LIMIT).kind == "csv"
    assert detect(b"une seule colonne\nsans separateur\n", "a.csv", max_bytes=LIMIT).kind == "text"


def test_windows_1252_and_utf16_text_is_accepted():
    assert detect(samples.sample_text(encoding="cp1252"), "a.txt", max_bytes=LIMIT).kind == "text"
    assert detect(samples.sample_text(encoding="utf-16"), "a.txt", max_bytes=LIMIT).kind == "text"
    assert detect("\ufeffBonjour à tous".encode(), "a.txt", max_bytes=LIMIT).kind == "text"


def test_an_empty_file_is_refused():
    assert refusal_code(b"", "vide.docx") == "empty"


def test_a_file_over_the_limit_is_refused_with_the_limit_in_megabytes():
    with pytest.raises(Refusal) as refused:
        detect(samples.sample_text(), "a.txt", max_bytes=100)
    assert refused.value.code == "too_big"
    with pytest.raises(Refusal) as refused:
        detect(bytes(3 * 1024 * 1024), "a.txt", max_bytes=2 * 1024 * 1024)
    assert "2 MB" in refused.value.message


def test_a_program_renamed_docx_is_refused():
    assert refusal_code(samples.renamed_exe(), "procedure.docx") == "unsupported_type"


@pytest.mark.parametrize(
    "content",
    [
        b"\x7fELF\x02\x01\x01" + bytes(100),
        b"\xcf\xfa\xed\xfe" + bytes(100),
        b"#!/bin/sh\nrm -rf /\n",
        b"\x1f\x8b\x08\x00" + bytes(40),
        b"Rar!\x1a\x07\x00" + bytes(40),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),
        b"\x89PNG\r\n\x1a\n" + bytes(100),
        bytes(range(256)) * 4,
    ],
    ids=["elf", "mach-o", "script", "gzip", "rar", "old-word", "png", "binary"],
)
def test_programs_archives_and_unknown_binaries_are_refused(content):
    assert refusal_code(content, "procedure.txt") == "unsupported_type"


@pytest.mark.parametrize(
    "entries",
    [
        {"notes.txt": b"Bonjour"},
        {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"},
        {"ppt/presentation.xml": b"<x/>", "[Content_Types].xml": b"<x/>"},
        {"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0", "a/B.class": b"\xca\xfe\xba\xbe"},
    ],
    ids=["plain-zip", "ods", "pptx", "jar"],
)
def test_other_zip_based_files_are_refused(entries):
    assert refusal_code(samples.zip_of(entries), "procedure.docx") == "unsupported_type"


def test_a_truncated_zip_is_refused_as_damaged():
    assert refusal_code(samples.sample_docx()[:2000], "procedure.docx") == "malformed"


def test_a_pdf_without_its_end_marker_is_refused_as_damaged():
    pdf = samples.sample_pdf(pages=1)
    assert refusal_code(pdf[: pdf.rindex(b"%%EOF")], "procedure.pdf") == "malformed"


def test_a_zip_bomb_is_refused_before_anything_is_inflated():
    assert refusal_code(samples.zip_bomb(), "procedure.docx") == "zip_bomb"


def test_a_zip_with_too_many_entries_is_refused():
    entries = {f"word/media/{n}.txt": b"x" for n in range(2001)}
    entries["word/document.xml"] = b"<x/>"
    assert refusal_code(samples.zip_of(entries), "procedure.docx") == "zip_bomb"


def test_a_zip_declaring_more_than_200_megabytes_in_total_is_refused():
    infos = []
    for n in range(3):
        info = zipfile.ZipInfo(f"part{n}.xml")
        info.file_size, info.compress_size = 70 * 1024 * 1024, 60 * 1024 * 1024
        infos.append(info)
    with pytest.raises(Refusal) as refused:
        check_zip_entries(infos)
    assert refused.value.code == "zip_bomb"
    check_zip_entries(infos[:2])


def test_small_entries_may_compress_very_well():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", bytes(512 * 1024))
    check_zip_entries(zipfile.ZipFile(buffer).infolist())
