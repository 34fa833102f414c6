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

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
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
