"""Numbers with a unit in a sentence ("sous 48 heures", "20 %", "2 fois par an").

Only a number followed by a unit counts: a bare number is as likely a version, a year or a
section reference as a figure the learner should know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .sentences import view

_PERIODS = r"(?:an|année|jour|semaine|mois|trimestre|semestre|équipe|poste|lot|site)"
_UNITS = (
    r"%|pour ?cent|"
    r"heures?|h|minutes?|min|secondes?|"
    r"jours?(?: ouvrés| ouvrables| calendaires| francs)?|semaines?|mois|ans|an|années?|"
    rf"fois(?: par {_PERIODS})?|"
    r"°C|degrés?(?: Celsius)?|"
    r"kilomètres?|km|mètres?|m²|m|cm|mm|"
    r"kilogrammes?|kg|grammes?|g|mg|tonnes?|"
    r"litres?|l|L|ml|mL|"
    r"Ko|Mo|Go|To|"
    r"€|euros?|"
    r"personnes?|exemplaires?|échantillons?|signatures?|jours-hommes|pages?"
)
# Thousands may be grouped by (non-breaking) spaces; the decimal mark is a comma or a point.
_FIGURE = re.compile(
    r"(?<![\w.,/-])(?P<number>\d{1,3}(?: \d{3})+|\d+)(?P<decimals>[.,]\d+)?"
    rf"\s?(?P<unit>{_UNITS})(?![\w²'])"
)


@dataclass(frozen=True)
class Figure:
    value: Decimal
    unit: str  # as written in the sentence
    blanked: str  # the sentence with the number replaced by ___, final dot removed


def figures(sentence: str) -> list[Figure]:
    found: list[Figure] = []
    for match in _FIGURE.finditer(view(sentence)):
        digits = match.group("number").replace(" ", "")
        decimals = (match.group("decimals") or "").replace(",", ".")
        try:
            value = Decimal(digits + decimals)
        except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
            continue
        start = match.start("number")
        end = match.end("decimals") if match.group("decimals") else match.end("number")
        blanked = (sentence[:start] + "___" + sentence[end:]).rstrip(" .;:")
        unit = sentence[match.start("unit") : match.end("unit")]
        found.append(Figure(value, unit, blanked))
    return found
