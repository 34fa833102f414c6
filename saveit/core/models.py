"""Primitives every domain shares."""

from __future__ import annotations

from django.db import models


class NumberSequence(models.Model):
    """Gap-free numbering: one counter per series and year, incremented under a row lock in the
    transaction that creates the numbered record (a rollback gives the number back).

    The table keeps the name it had when only engagements numbered documents.
    """

    series = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "engagements_invoicesequence"
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="invoice_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.series}-{self.year}:{self.last}"
