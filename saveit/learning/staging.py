"""The rows a population import's preview validated, kept in storage for its commit.

The preview checks the whole file once; the commit then loads these rows instead of checking the
file again. The stored form is compact and is, once inflated, PostgreSQL's COPY text format
after one header line, so the commit streams it to the server as it is:

    {"v": 1, "organization": 7, "population": 12, "source_sha256": "…", "rows": 2, "rejected": 0}
    2<TAB>camille.martin@example.fr<TAB>Martin<TAB>Camille<TAB>M-00042<TAB>Lyon<TAB>…<TAB>…
    …

Columns: `COLUMNS`. The SHA-256 of the stored bytes is kept on the import's row, so a stored
file changed afterwards is refused at commit (`StagedRowsChanged`).
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from .importing import LearnerRow

FORMAT = 1
COLUMNS = ("line", "email", "last_name", "first_name", "employee_id", "site", "job", "manager")
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_ESCAPED = re.compile(r"\\(.)")
_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


class StagedRowsChanged(Exception):
    """The stored rows are not those the preview wrote (altered, swapped or unreadable)."""


@dataclass(frozen=True, slots=True)
class Binding:
    """What the rows belong to: checked against the import's own row when they are read."""

    organization: int
    population: int
    source_sha256: str


@dataclass(frozen=True, slots=True)
class Staged:
    body: bytes  # the rows in COPY text format, one per line, in file order
    count: int
    rejected: int  # lines of the file refused at preview (left out of the rows)


def pack(rows: Iterable[LearnerRow], *, binding: Binding, rejected: int) -> tuple[bytes, str]:
    """The stored bytes of these rows and their SHA-256."""
    lines = []
    for row in rows:
        values = (str(row.line), row.email, row.last_name, row.first_name, row.employee_id,
                  row.site, row.job, row.manager)  # fmt: skip
        text = "\t".join(values)
        # Rows hold no tab, line break or carriage return (the import folds white space), so
        # only a backslash needs escaping; any other case is escaped all the same.
        if "\\" in text or "\n" in text or "\r" in text or text.count("\t") != len(COLUMNS) - 1:
            text = "\t".join(value.translate(_ESCAPES) for value in values)
        lines.append(text)
    header = {
        "v": FORMAT,
        "organization": binding.organization,
        "population": binding.population,
        "source_sha256": binding.source_sha256,
        "rows": len(lines),
        "rejected": rejected,
    }
    body = json.dumps(header) + "\n" + "".join(line + "\n" for line in lines)
    data = zlib.compress(body.encode(), 1)
    return data, hashlib.sha256(data).hexdigest()


def read(data: bytes, *, sha256: str, binding: Binding) -> Staged:
    """The rows stored by `pack`, if they are the very bytes it wrote for this binding."""
    if hashlib.sha256(data).hexdigest() != sha256:
        raise StagedRowsChanged
    try:
        header_line, _newline, body = zlib.decompress(data).partition(b"\n")
        header = json.loads(header_line)
    except (zlib.error, ValueError) as error:
        raise StagedRowsChanged from error
    if (
        not isinstance(header, dict)
        or header.get("v") != FORMAT
        or header.get("organization") != binding.organization
        or header.get("population") != binding.population
        or header.get("source_sha256") != binding.source_sha256
        or body.count(b"\n") != header.get("rows")
    ):
        raise StagedRowsChanged
    return Staged(body=body, count=header["rows"], rejected=header["rejected"])


def rows(body: bytes, limit: int | None = None) -> list[LearnerRow]:
    """The rows of a staged body (the first `limit` of them if given)."""
    lines = body.decode().split("\n", limit if limit is not None else -1)
    found = []
    for text in lines[:limit] if limit is not None else lines[:-1]:
        if not text:
            continue
        values = text.split("\t")
        if "\\" in text:
            values = [_ESCAPED.sub(lambda m: _UNESCAPES.get(m[1], m[1]), v) for v in values]
        line, email, last, first, employee_id, site, job, manager = values
        found.append(LearnerRow(int(line), last, first, email, employee_id, site, job, manager))
    return found
