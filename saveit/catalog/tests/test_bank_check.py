"""Generated items keep their family, and the designer is told when the bank cannot fill an
attempt (SPEC §4, "What a generated assessment must be worth")."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from saveit.testing.catalog_setup import procedure_version
from saveit.testing.factories import signed_in

from .. import selectors, services
from ..snapshot import build_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(in_production, designer_member):
    return services.create_module(
        engagement=in_production,
        by=designer_member,
        title="Nettoyage des paillasses",
        source_version_ids=[procedure_version(in_production).pk],
    )


def test_items_built_from_one_statement_are_stored_as_one_family(draft):
    items = list(draft.items.all())
    assert items and all(item.family for item in items)
    pairs = [i for i in items if i.kind == "true_false"]
    by_family: dict[str, list[int]] = {}
    for item in pairs:
        by_family.setdefault(item.family, []).append(item.correct[0])
    assert by_family and all(sorted(v) == [0, 1] for v in by_family.values())
    snapshot_families = {i["key"]: i.get("family") for i in build_snapshot(draft)["items"]}
    assert snapshot_families == {i.key: i.family for i in items}


def test_the_version_page_says_in_french_how_many_questions_are_missing(draft, designer_member):
    check = selectors.assessment_check(draft, list(draft.items.all()))
    assert check.families < draft.items_per_attempt == 10  # a short procedure
    missing = draft.items_per_attempt - check.families
    browser = signed_in(designer_member)
    page = browser.get(reverse("catalog:version", args=[draft.pk])).content.decode()
    notice = re.search(
        r'<div class="alert alert-warn" role="status" id="bank-check">(.*?)</div>', page, re.S
    )
    assert notice is not None
    text = " ".join(notice.group(1).split())
    assert f"il manque {missing} question" in text
    assert f"La banque fournit {check.families} questions indépendantes" in text
    assert "« Vrai » est la bonne réponse dans 50 %" in text
    summary = re.search(r'id="bank-summary">(.*?)</p>', page, re.S)
    assert summary is not None  # said at the top too, not only at the foot of a long page
    assert f"Il manque {missing} questions indépendantes" in summary.group(1)


def test_the_notice_turns_to_enough_once_the_attempt_fits_the_bank(draft, designer_member):
    check = selectors.assessment_check(draft, list(draft.items.all()))
    services.update_settings(
        version=draft,
        by=designer_member,
        data=services.VersionSettings(
            title=draft.title, objectives=["Nettoyer la paillasse."],
            items_per_attempt=check.families,
        ),
    )  # fmt: skip
    page = signed_in(designer_member).get(reverse("catalog:version", args=[draft.pk]))
    text = " ".join(page.content.decode().split())
    assert f"C’est assez pour les {check.families} questions tirées" in text
    assert "il manque" not in text.lower() and 'id="bank-summary"' not in text
