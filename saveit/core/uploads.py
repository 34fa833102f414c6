"""Upload safety, written once for every upload: documents to sign, procedures, content files,
learner lists.

Before any parser sees a file: its size is held to the limit without reading further, a
program or a script is refused on its first bytes whatever its name, and an archive (DOCX,
ODT and XLSX files are zip archives) is judged on the sizes it declares, before anything is
inflated (zip bombs). Each refusal is a `Refusal` with a stable code and a message meant for
the person who sent the file.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .errors import Refusal

# First bytes of programs and scripts, refused whatever the file is called.
EXECUTABLE_SIGNATURES = (
    b"MZ",  # Windows
    b"\x7fELF",  # Linux
    b"\xfe\xed\xfa\xce",  # Mach-O, both word sizes and byte orders
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal, Java class
    b"#!",  # scripts
    b"\x00asm",  # WebAssembly
)
# Old Office files (.doc, .xls, .msg) and password-protected Office files share this envelope.
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Archives no upload is meant to be.
ARCHIVE_SIGNATURES = (b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"MSCF")

# Zip archives, judged on their declared sizes (zipfile never inflates an entry beyond them).
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_INFLATED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 100  # inflated size / compressed size of one entry
ZIP_RATIO_FLOOR = 1024 * 1024  # entries smaller than this may compress very well without harm


# Room for the form's other fields around the file when judging a request on its declared length.
UPLOAD_FORM_MARGIN = 1024 * 1024
REFUSED_UPLOAD_ATTRIBUTE = "saveit_upload_refusal"


def too_big(limit: int) -> Refusal:
    megabytes = f"{limit / (1024 * 1024):.1f}".removesuffix(".0")
    return Refusal(
        _("This file is too big: the limit is %(limit)s MB.") % {"limit": megabytes},
        code="too_big",
    )


def executable() -> Refusal:
    return Refusal(
        _("This file is a program or a script, not a document: it is refused."),
        code="unsupported_type",
    )


def legacy_office() -> Refusal:
    return Refusal(
        _(
            "This file uses an old Word or Excel format (.doc, .xls): open it, save it as "
            ".docx or .xlsx, then send it again."
        ),
        code="unsupported_type",
    )


def zip_bomb() -> Refusal:
    return Refusal(
        _("This compressed file would expand to a suspicious size: it is refused."),
        code="zip_bomb",
    )


def read_upload(
    uploaded_file: UploadedFile | tuple[bytes, str], *, default_name: str = "document.pdf"
) -> tuple[bytes, str]:
    """The bytes and the bare original name, reading no more than the size limit allows."""
    limit = settings.UPLOAD_MAX_BYTES
    if isinstance(uploaded_file, tuple):
        content, name = uploaded_file
    else:
        if uploaded_file.size is not None and uploaded_file.size > limit:
            raise too_big(limit)
        uploaded_file.seek(0)
        content, name = uploaded_file.read(limit + 1), uploaded_file.name or ""
    check_size(content, limit)
    return content, os.path.basename(name.replace("\\", "/")).strip()[:255] or default_name


def check_size(content: bytes, limit: int | None = None) -> None:
    limit = settings.UPLOAD_MAX_BYTES if limit is None else limit
    if len(content) > limit:
        raise too_big(limit)


def refuse_programs(content: bytes) -> None:
    """A program or a script is refused on its first bytes, whatever the file is called."""
    if content.startswith(EXECUTABLE_SIGNATURES):
        raise executable()


def check_zip_entries(infos: Sequence[zipfile.ZipInfo]) -> None:
    """Refuse a zip bomb on the declared sizes, before any entry is inflated."""
    if len(infos) > MAX_ZIP_ENTRIES:
        raise zip_bomb()
    if sum(info.file_size for info in infos) > MAX_ZIP_INFLATED_BYTES:
        raise zip_bomb()
    for info in infos:
        squeezed = info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1)
        if squeezed and info.file_size > ZIP_RATIO_FLOOR:
            raise zip_bomb()


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops reading a request as soon as it is known to carry a file over the size limit.

    Listed first in FILE_UPLOAD_HANDLERS. A request declaring more than the limit (plus room
    for the other fields) is stopped at its first file, before any of the file is read; a file
    whose received bytes pass the limit is stopped at that chunk. Django then reads no more of
    the body (`connection_reset=True`: the rest is never fed to a parser nor written to disk).
    The fields before the file (the CSRF token first) are kept, so the page can answer; the
    refusal is left on the request for `refused_upload()` (pages) and the API's 422 handler.
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit: int = settings.UPLOAD_MAX_BYTES
        self.declared_too_big = False
        self.received = 0

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        self.declared_too_big = content_length > self.limit + UPLOAD_FORM_MARGIN
        return None  # the other handlers parse as usual

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        if self.declared_too_big:
            self._refuse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handlers build the file

    def _refuse(self) -> None:
        if self.request is not None:
            setattr(self.request, REFUSED_UPLOAD_ATTRIBUTE, too_big(self.limit))
        raise StopUpload(connection_reset=True)


def refused_upload(request: HttpRequest) -> Refusal | None:
    """The size refusal of this request's upload, if the body was stopped (reads the body)."""
    if request.method != "POST":
        return None
    request.FILES  # noqa: B018 (parsing the body is what sets the refusal)
    refusal: Refusal | None = getattr(request, REFUSED_UPLOAD_ATTRIBUTE, None)
    return refusal
