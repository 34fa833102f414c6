"""Learner population files (CSV or Excel) read and checked row by row, without the database.

The caller imports every row or none (house rule): it shows `ParsedFile.errors` when there are
any. Line numbers are spreadsheet row numbers (a quoted CSV field spanning two text lines is one
row, as Excel shows it), so the same file opened in Excel points at the same line.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from saveit.core import uploads, xlsx
from saveit.core.errors import Refusal

FIELDS = ("last_name", "first_name", "email", "employee_id", "site", "job", "manager")
REQUIRED = ("last_name", "first_name", "email")
MAX_LENGTHS = {
    "last_name": 150,
    "first_name": 150,
    "email": 254,
    "employee_id": 64,
    "site": 200,
    "job": 200,
    "manager": 200,
}
HEADER_ALIASES = {
    "last_name": ("nom", "nom de famille", "nom d'usage", "last name", "surname", "family name"),
    "first_name": ("prénom", "first name", "given name"),
    "email": (
        "e-mail",
        "courriel",
        "mail",
        "adresse e-mail",
        "adresse mail",
        "adresse courriel",
        "e-mail address",
    ),
    "employee_id": (
        "matricule",
        "numéro de matricule",
        "employee id",
        "employee number",
        "identifiant",
        "id salarié",
        "identifiant salarié",
    ),
    "site": ("site", "établissement", "location"),
    "job": ("poste", "fonction", "emploi", "job", "job title", "intitulé de poste"),
    "manager": (
        "manager",
        "line manager",
        "responsable",
        "n+1",
        "responsable hiérarchique",
        "supérieur hiérarchique",
    ),
}

MAX_COLUMNS = 1000  # columns further right are ignored: a far-away cell costs nothing
HEADER_SEARCH_LINES = 20  # a title or an export date may sit above the column names
MAX_ERRORS = 1000  # listed; more are only counted
OTHER_MAGIC = (b"%PDF-", *uploads.ARCHIVE_SIGNATURES)
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
DELIMITERS = ";,\t"  # French Excel writes ";" first, so it wins ties

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # \t \n \v \f \r are fine in text
# A row may hold a formula only if one of its values (each preceded by \x1f) starts like one;
# the exact test, _FORMULA, runs on such rows only.
_FORMULA_START = re.compile(r"\x1f[=+\-@]")
_FORMULA = re.compile(
    r"""=.                              # anything after "="
    | [+\-@]\s*(?:
        =                               # +=...
      | [a-z_][\w.]*\s*\(               # a function call: +SUM(, @HYPERLINK(, -cmd(
      | \$?[a-z]{1,3}\$?\d+(?![\w@])    # a cell reference: +A1, -$B$2
      | [\d.,]+\s*[-+*/^&]              # arithmetic: -2+3
      | .*[|!]                          # DDE or another sheet: -2+3+cmd|' /C calc'!A0
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# The usual e-mail shape (ASCII dot-atom @ ASCII domain name, lower case), a strict subset of
# what Django's EmailValidator accepts: each label 1-63 characters, no hyphen at either end, a
# TLD of letters. Anything else (accents, quoted local part, IP literal, localhost, or invalid)
# goes to EmailValidator itself, so the verdict is always Django's, at half the cost.
_USUAL_EMAIL = re.compile(
    r"[-!#$%&'*+/=?^_`{}|~0-9a-z]+(?:\.[-!#$%&'*+/=?^_`{}|~0-9a-z]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\Z"
)


Numbered = xlsx.Numbered  # a line number and the cells of that line


@dataclass(frozen=True, slots=True)
class LearnerRow:
    line: int  # line number in the file as the user sees it (header = 1)
    last_name: str
    first_name: str
    email: str  # stripped, lower-cased
    employee_id: str  # stripped, may be ""
    site: str
    job: str
    manager: str  # free text (name or e-mail), may be ""


@dataclass(frozen=True, slots=True)
class RowError:
    line: int  # 0 for the whole file
    column: str | None  # the canonical column key ("email", ...) or None for the whole row/file
    message: str  # translated, ready to show
    value: str = field(default="", compare=False)  # the value refused, as read (200 chars max)


@dataclass
class ParsedFile:
    rows: list[LearnerRow]
    errors: list[RowError]
    columns: list[str]  # canonical keys found, in file order
    total_lines: int  # data lines read (excluding header and fully blank lines)
    unlisted_errors: int = 0  # errors found beyond the `max_errors` listed in `errors`
    # The values (in FIELDS order) of the lines refused, by line: the rejected-lines file.
    rejected: dict[int, list[str]] = field(default_factory=dict)


def parse_population_file(
    content: bytes, filename: str, *, max_rows: int = 200_000, max_errors: int = MAX_ERRORS
) -> ParsedFile:
    """Read a population file; the type is decided on the bytes, never on `filename`.

    Rows with an error are left out of `rows`. Errors beyond the first `max_errors` are only
    counted, in `unlisted_errors`: a wrong file would otherwise list every cell of every row.
    how many more there are.
    """
    try:
        if content.startswith(ZIP_MAGIC):
            return _parse_xlsx(content, max_rows=max_rows, max_errors=max_errors)
        return _parse_csv(content, max_rows=max_rows, max_errors=max_errors)
    except _Refused as refused:
        return ParsedFile(rows=[], errors=refused.errors, columns=[], total_lines=0)


def check_person(fields: Mapping[str, str | None]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """One learner typed by hand, held to the rules of a file's row.

    Returns the values as an import would keep them (trimmed, inner spaces folded, e-mail lower
    case) and every problem as (column key, message): a missing name, a value too long, an
    e-mail address Django refuses, a spreadsheet formula, a control character.
    """
    values = [" ".join((fields.get(key) or "").split()) for key in FIELDS]
    values[FIELDS.index("email")] = values[FIELDS.index("email")].lower()
    problems = _cell_problems(values, _Messages.current())
    wrong = {key for key, _message in problems}
    problems += [
        (key, _("This value holds invisible control characters: it is refused."))
        for key, value in zip(FIELDS, values, strict=True)
        if key not in wrong and _CONTROL.search(value)
    ]
    return dict(zip(FIELDS, values, strict=True)), problems


def column_label(key: str) -> str:
    """The name of a canonical column, as shown to people."""
    labels = {
        "last_name": _("last name"),
        "first_name": _("first name"),
        "email": _("e-mail address"),
        "employee_id": _("employee id"),
        "site": _("site"),
        "job": _("job"),
        "manager": _("manager"),
    }
    return labels[key]


# --- refusals of the whole file --------------------------------------------------------------


class _Refused(Exception):
    """The whole file is refused, for these reasons (a bare message concerns the whole file)."""

    def __init__(self, *reasons: str | RowError) -> None:
        super().__init__(*reasons)
        self.errors = [r if isinstance(r, RowError) else RowError(0, None, r) for r in reasons]


def _wrong_type() -> _Refused:
    return _Refused(
        _(
            "This type of file is not accepted: send the list of learners as a CSV or "
            "Excel (XLSX) file."
        )
    )


def _damaged() -> _Refused:
    return _Refused(_("This file cannot be opened: it is damaged or incomplete."))


def _refuse_known_non_tables(content: bytes) -> None:
    if not content.strip():
        raise _Refused(_("This file is empty."))
    try:
        uploads.refuse_programs(content)
    except Refusal as refusal:
        raise _Refused(refusal.message) from refusal
    if content.startswith(uploads.OLE2_SIGNATURE):  # an old .xls, or a protected .xlsx
        if "EncryptedPackage".encode("utf-16-le") in content:
            raise _Refused(
                _(
                    "This Excel file is protected by a password: remove the protection, save "
                    "it, then send it again."
                )
            )
        raise _Refused(uploads.legacy_office().message)
    if content.lstrip().startswith(OTHER_MAGIC):
        raise _wrong_type()


# --- CSV --------------------------------------------------------------------------------------


def _parse_csv(content: bytes, *, max_rows: int, max_errors: int) -> ParsedFile:
    _refuse_known_non_tables(content)
    text = _decode(content)
    try:
        delimiter = _delimiter(text)
        lines = enumerate(csv.reader(_text_lines(text), delimiter=delimiter), 1)
        header, rest = _find_header(lines)
        return _check_table(header, chain(rest, lines), max_rows=max_rows, max_errors=max_errors)
    except csv.Error as error:  # e.g. a field longer than the csv module allows
        raise _damaged() from error


def _decode(content: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with BOM (Excel's "Unicode text"), else Windows-1252."""
    if content.startswith(UTF16_BOMS):
        encodings: tuple[str, ...] = ("utf-16",)
    elif b"\x00" in content:
        raise _wrong_type()
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROL.search(text):
            break  # binary data that happens to decode
        return text
    raise _wrong_type()


def _text_lines(text: str) -> Iterator[str]:
    """Lines with their ending, as csv wants them: half the memory of io.StringIO (4 bytes per
    character), and a bit faster."""
    ending = "\n" if "\n" in text else "\r"  # classic Mac OS ends lines with \r alone
    return (line + ending for line in text.split(ending))


def _delimiter(text: str) -> str:
    """The delimiter under which the header names the most known columns (";" on a tie).

    Better than a generic sniffer here: we know which column names to expect.
    """
    start = text[:65536]

    def score(delimiter: str) -> int:
        try:
            header, _rest = _find_header(
                enumerate(csv.reader(io.StringIO(start, newline=""), delimiter=delimiter), 1)
            )
        except csv.Error:  # this delimiter cannot even read the start of the file
            return -1
        return _header_score(header.cells)

    return max(DELIMITERS, key=score)


# --- XLSX -------------------------------------------------------------------------------------


def _parse_xlsx(content: bytes, *, max_rows: int, max_errors: int) -> ParsedFile:
    lines = _xlsx_lines(content)
    try:
        header, rest = _find_header(lines)
        return _check_table(header, chain(rest, lines), max_rows=max_rows, max_errors=max_errors)
    finally:
        lines.close()


def _xlsx_lines(content: bytes) -> Generator[Numbered]:
    """The first sheet's rows as text, with their row numbers; blank rows may be left out."""
    rows = xlsx.sheet_rows(content, max_columns=MAX_COLUMNS, first_only=True)
    try:
        for _sheet, line, cells in rows:
            yield line, cells
    except xlsx.NotAWorkbook as error:
        raise _wrong_type() from error
    except xlsx.DamagedWorkbook as error:
        raise _damaged() from error
    except Refusal as refusal:  # the upload checks: a zip bomb
        raise _Refused(refusal.message) from refusal
    finally:
        rows.close()


# --- header -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Header:
    line: int  # 0 when no line names a known column
    cells: Sequence[str]
    has_content: bool  # some cell of the lines searched is not blank


def _find_header(lines: Iterator[Numbered]) -> tuple[_Header, list[Numbered]]:
    """The line naming the most known columns among the first ones (the first of equals), and
    the lines read after it, still to check."""
    read = list(islice(lines, HEADER_SEARCH_LINES))
    scores = [_header_score(cells) for _line, cells in read]
    if not any(scores):
        has_content = any(cell.strip() for _line, cells in read for cell in cells)
        return _Header(0, [], has_content=has_content), []
    best = scores.index(max(scores))
    line, cells = read[best]
    return _Header(line, cells, has_content=True), read[best + 1 :]


def _normalized(name: str) -> str:
    """Case, accents, spaces, hyphens and underscores do not matter: "E-mail" is "email"."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return (
        "".join(c for c in decomposed if c.isalnum() or c == "+").encode("ascii", "ignore").decode()
    )


_ALIASES = {_normalized(alias): key for key, aliases in HEADER_ALIASES.items() for alias in aliases}
_ALIASES.update({_normalized(key): key for key in FIELDS})


def _column_key(name: str) -> str | None:
    return _ALIASES.get(_normalized(name)) if len(name) < 100 else None


def _header_score(cells: Sequence[str]) -> int:
    return len({_column_key(cell) for cell in cells[:MAX_COLUMNS]} - {None})


def _columns(header: Sequence[str]) -> tuple[list[str], tuple[int, ...]]:
    """Canonical keys in file order, and the position of each of FIELDS (a huge one if absent)."""
    keys: list[str] = []
    positions = dict.fromkeys(FIELDS, 1 << 30)
    errors: list[RowError] = []
    for position, cell in enumerate(header[:MAX_COLUMNS]):
        key = _column_key(cell)
        if key is None:
            continue
        if key in keys:
            message = _("The column %(column)s appears more than once.") % {"column": cell.strip()}
            errors.append(RowError(0, key, message))
            continue
        keys.append(key)
        positions[key] = position
    if not keys:
        raise _Refused(
            _(
                "No column name was recognised: the first line must name the columns, for "
                "example: last name, first name, e-mail address."
            )
        )
    errors += [
        RowError(0, key, _("Required column missing: %(column)s.") % {"column": column_label(key)})
        for key in REQUIRED
        if key not in keys
    ]
    if errors:
        raise _Refused(*errors)
    return keys, tuple(positions[key] for key in FIELDS)


# --- rows -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Messages:
    required: str
    too_long: dict[str, str]
    formula: str
    email: str

    @classmethod
    def current(cls) -> _Messages:
        """Translated once per file, in the language active for this request."""
        return cls(
            required=_("This value is required."),
            too_long={
                key: _("Too long: %(max)s characters at most.") % {"max": length}
                for key, length in MAX_LENGTHS.items()
            },
            formula=_("This value looks like a spreadsheet formula: it is refused."),
            email=_("Not a valid e-mail address."),
        )


def _check_table(
    header: _Header, lines: Iterable[Numbered], *, max_rows: int, max_errors: int
) -> ParsedFile:
    if not header.has_content:
        raise _Refused(_("This file is empty."))
    columns, positions = _columns(header.cells)
    rejected: dict[int, list[str]] = {}
    rows, errors, unlisted, total = _check_rows(lines, positions, max_rows, max_errors, rejected)
    if total == 0:
        raise _Refused(_("This file lists no learner: it only holds the column names."))
    return ParsedFile(
        rows=rows,
        errors=errors,
        columns=columns,
        total_lines=total,
        unlisted_errors=unlisted,
        rejected=rejected,
    )


def _check_rows(  # one loop on purpose: it runs once per learner
    lines: Iterable[Numbered],
    positions: tuple[int, ...],
    max_rows: int,
    max_errors: int,
    rejected: dict[int, list[str]],
) -> tuple[list[LearnerRow], list[RowError], int, int]:
    """The valid rows, the first errors, how many more errors there are, and the lines read."""
    messages = _Messages.current()
    rows: list[LearnerRow] = []
    errors: list[RowError] = []
    unlisted = 0
    seen_emails: dict[str, int] = {}
    seen_ids: dict[str, int] = {}
    formula_start, usual_email = _FORMULA_START.search, _USUAL_EMAIL.match
    # MAX_LENGTHS as locals: the common case below is one boolean test, no call per cell.
    last_max, first_max, email_max, id_max, site_max, job_max, manager_max = (
        MAX_LENGTHS[key] for key in FIELDS
    )
    total = 0
    for line, cells in lines:
        size = len(cells)
        # split/join trims and folds inner runs of spaces, tabs, newlines and no-break spaces.
        values = [" ".join(cells[p].split()) if p < size else "" for p in positions]
        last, first, email, employee_id, site, job, manager = values
        if not any(values) and not "".join(cells).strip():
            continue  # a blank line
        total += 1
        if total > max_rows:
            raise _too_many_rows(max_rows)
        values[2] = email = email.lower()
        if (
            last
            and first
            and email
            and len(last) <= last_max
            and len(first) <= first_max
            and len(email) <= email_max
            and len(employee_id) <= id_max
            and len(site) <= site_max
            and len(job) <= job_max
            and len(manager) <= manager_max
            and not formula_start("\x1f" + "\x1f".join(values))
        ):
            email_fine = usual_email(email) is not None or _is_email(email)
            employee_id_fine = True
            problems = [] if email_fine else [("email", messages.email)]
        else:
            problems = _cell_problems(values, messages)
            wrong = {key for key, _message in problems}
            email_fine, employee_id_fine = "email" not in wrong, "employee_id" not in wrong
        if email_fine and (seen := seen_emails.setdefault(email, line)) != line:
            problems.append(("email", _duplicate_email(seen)))
        if (
            employee_id
            and employee_id_fine
            and (seen := seen_ids.setdefault(employee_id, line)) != line
        ):
            problems.append(("employee_id", _duplicate_employee_id(seen)))
        if problems:
            rejected[line] = values
            for key, message in problems:
                if len(errors) < max_errors:
                    errors.append(RowError(line, key, message, values[FIELDS.index(key)][:200]))
                else:
                    unlisted += 1
            continue
        rows.append(LearnerRow(line, last, first, email, employee_id, site, job, manager))
    return rows, errors, unlisted, total


def _cell_problems(values: Sequence[str], messages: _Messages) -> list[tuple[str, str]]:
    """Every problem of the cells of one row: the slow, exact path of `_check_rows`."""
    problems: list[tuple[str, str]] = []
    for key, value in zip(FIELDS, values, strict=True):
        if not value:
            if key in REQUIRED:
                problems.append((key, messages.required))
        elif len(value) > MAX_LENGTHS[key]:
            problems.append((key, messages.too_long[key]))
        elif _FORMULA.match(value):
            problems.append((key, messages.formula))
        elif key == "email" and not (_USUAL_EMAIL.match(value) or _is_email(value)):
            problems.append((key, messages.email))
    return problems


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _duplicate_email(line: int) -> str:
    return _("This e-mail address already appears on line %(line)s.") % {"line": line}


def _duplicate_employee_id(line: int) -> str:
    return _("This employee id already appears on line %(line)s.") % {"line": line}


def _too_many_rows(max_rows: int) -> _Refused:
    return _Refused(
        _("This file lists more than %(max)s learners: split it into several files.")
        % {"max": number_format(max_rows, force_grouping=True)}
    )
