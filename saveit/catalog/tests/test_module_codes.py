"""Module codes are unique per client organisation (the client's dashboards name modules by
code): the next free MOD-nn across the client's engagements, a French refusal for a taken code,
a database constraint, and a migration that renames existing duplicates deterministically."""

from __future__ import annotations

import importlib
from datetime import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from saveit.catalog.models import Module
from saveit.testing.catalog_setup import new_module, procedure_version
from saveit.testing.factories import make_engagement, signed_in

pytestmark = pytest.mark.django_db

migration = importlib.import_module("saveit.catalog.migrations.0005_module_code_unique_per_client")


def test_codes_follow_the_clients_highest_number(in_production, designer_member):
    first = new_module(in_production, designer_member).module
    assert first.code == "MOD-01"
    Module.objects.filter(pk=first.pk).update(code="MOD-07")
    assert new_module(in_production, designer_member).module.code == "MOD-08"


def test_the_same_code_twice_in_one_client_is_refused_by_the_database(
    in_production, designer_member, pm
):
    module = new_module(in_production, designer_member).module
    other = make_engagement(in_production.client, pm, title="Autre mission")
    with pytest.raises(IntegrityError), transaction.atomic():
        Module.objects.create(
            organization=in_production.client,
            engagement=other,
            code=module.code,
            title="Doublon",
            created_by=designer_member,
        )


def test_a_taken_code_gets_a_french_form_error_and_nothing_is_created(
    in_production, designer_member
):
    new_module(in_production, designer_member)
    url = reverse("catalog:modules", args=[in_production.pk])
    source = procedure_version(in_production).pk
    page = signed_in(designer_member).post(
        url, {"title": "Deuxième", "code": "mod-01", "sources": [source], "propose": "on"}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Le code MOD-01 est déjà utilisé par un autre module de ce client" in text
    assert "Deuxième" in text  # what was typed stays
    assert Module.objects.count() == 1
    made = signed_in(designer_member).post(
        url, {"title": "Deuxième", "code": "qual-2", "sources": [source]}
    )
    assert made.status_code == 302 and Module.objects.filter(code="QUAL-2").exists()


def test_the_migration_renames_duplicates_deterministically():
    t = datetime(2026, 1, 1)
    later = datetime(2026, 2, 1)
    rows = [
        (5, 1, "MOD-01", later),
        (3, 1, "MOD-01", t),
        (9, 1, "MOD-01", later),
        (4, 1, "MOD-01-2", t),  # the suffix is taken: the next one is used
        (7, 2, "MOD-01", t),  # another client keeps its own MOD-01
        (8, 1, "ABCDEFGHIJKLMNOPQRST", t),
        (10, 1, "ABCDEFGHIJKLMNOPQRST", later),
    ]
    assert migration.renamed_codes(rows) == {
        5: "MOD-01-3",
        9: "MOD-01-4",
        10: "ABCDEFGHIJKLMNOPQR-2",
    }
    assert migration.renamed_codes(list(reversed(rows))) == migration.renamed_codes(rows)
