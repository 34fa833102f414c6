"""Every upload goes through one set of checks (saveit.core.uploads): the same file gets the same
verdict whether it is a procedure, a content file or a list of learners."""

from __future__ import annotations

import io
import random
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from saveit.core import uploads
from saveit.core.errors import Refusal
from saveit.documents.ingest import detect
from saveit.learning.importing import parse_population_file

MEGABYTE = 1024 * 1024


def _squeezed_zip(part: str) -> tuple[bytes, float]:
    """A zip whose one entry of 2 MB inflates about 150 times: between the two limits the
    documents (200) and the learner import (100) used to apply."""
    noise = random.Random(3).randbytes(13_000)
    content = noise + bytes(2 * MEGABYTE - len(noise))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(part, content)
    [info] = zipfile.ZipFile(buffer).infolist()
    return buffer.getvalue(), info.file_size / info.compress_size


def test_a_procedure_and_a_learner_list_squeezed_alike_are_both_refused():
    docx, ratio = _squeezed_zip("word/document.xml")
    assert 100 < ratio <= 200
    with pytest.raises(Refusal) as refused:
        detect(docx, "procedure.docx", max_bytes=25 * MEGABYTE)
    assert refused.value.code == "zip_bomb"
    xlsx, _ratio = _squeezed_zip("xl/workbook.xml")
    parsed = parse_population_file(xlsx, "learners.xlsx")
    assert [e.message for e in parsed.errors] == [uploads.zip_bomb().message]


@pytest.mark.parametrize("start", uploads.EXECUTABLE_SIGNATURES)
def test_a_program_is_refused_by_every_upload_whatever_its_name(start):
    program = start + b"\x00\x01payload"
    with pytest.raises(Refusal) as refused:
        detect(program, "notes.txt", max_bytes=MEGABYTE)
    assert refused.value.message == uploads.executable().message
    parsed = parse_population_file(program, "learners.csv")
    assert [e.message for e in parsed.errors] == [uploads.executable().message]


def test_a_file_over_the_limit_is_refused_without_reading_it_all(settings):
    settings.UPLOAD_MAX_BYTES = 10
    upload = SimpleUploadedFile("big.pdf", b"x" * 11)
    with pytest.raises(Refusal) as refused:
        uploads.read_upload(upload)
    assert refused.value.code == "too_big"
    assert uploads.read_upload(SimpleUploadedFile("C:\\docs\\ok.pdf", b"x" * 10)) == (
        b"x" * 10,
        "ok.pdf",
    )


def test_an_archive_of_too_many_entries_is_refused():
    infos = [zipfile.ZipInfo(f"{n}.xml") for n in range(uploads.MAX_ZIP_ENTRIES + 1)]
    with pytest.raises(Refusal):
        uploads.check_zip_entries(infos)
    uploads.check_zip_entries(infos[:-1])
