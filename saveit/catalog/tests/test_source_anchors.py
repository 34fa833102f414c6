"""The sections a version is built from: exact, per document, and what the outdated flag reads.

Anchors repeat across procedures ("s-1" is in every one), so lessons, blocks and items carry the
document version their anchors point into, and each source link lists what the content uses of
its own document, recomputed at submission.
"""

from __future__ import annotations

import pytest
from django.apps import apps

from saveit.core.errors import Refusal
from saveit.documents.models import DocumentVersion
from saveit.documents.services import VersionInput, upload_version
from saveit.testing.catalog_setup import procedure_version

from .. import services
from ..models import Block, Item, Lesson, ModuleVersion
from ..selectors import proposal_keys, used_anchors
from . import procedure_fixture as pf

pytestmark = pytest.mark.django_db

ANNEX_V1 = (
    "CONSIGNES D'ACCÈS AU LABORATOIRE\n\n"
    "1. Objet\n"
    "Les visiteurs doivent porter un badge visible en permanence.\n\n"
    "2. Rôles\n"
    "Le gardien vérifie l'identité de chaque visiteur.\n"
    "Le gardien remet le badge contre une pièce d'identité.\n\n"
    "3. Annexes\n"
).encode()
ANNEX_V2 = ANNEX_V1.replace(b"un badge visible", b"un badge nominatif visible") + (
    b"Le modele de registre des visites figure en annexe A.\n"
)


def _upload(engagement, owner, content, name, title, *, label="1.0", source_id=None):
    return upload_version(
        engagement=engagement,
        by=owner,
        uploaded_file=(content, name),
        data=VersionInput(
            title=title, version_label=label, scopes=["Site de Lyon"], source_id=source_id
        ),
    )


def _submit(version, by) -> ModuleVersion:
    services.accept_proposals(version=version, by=by, keys=proposal_keys(version))
    services.update_settings(
        version=version,
        by=by,
        data=services.VersionSettings(
            title=version.title,
            objectives=["Appliquer la procédure."],
            items_per_attempt=min(3, version.items.count()),
        ),
    )
    return services.submit_version(version=version, by=by)


def _content_anchors(version, document_version) -> set[str]:
    """What the rows of the version take from this document (the truth the links must tell)."""
    rows = [
        *Lesson.objects.filter(version=version, source_version=document_version).values_list(
            "source_anchor", flat=True
        ),
        *Block.objects.filter(lesson__version=version, source_version=document_version).values_list(
            "source_anchor", flat=True
        ),
    ]
    for anchors in Item.objects.filter(
        version=version, source_version=document_version
    ).values_list("source_anchors", flat=True):
        rows += anchors
    return set(rows) - {""}


def _pr_ach_007(sections=pf.SECTIONS) -> bytes:
    return pf.procedure_docx(sections)


def _with_4_3_changed() -> list:
    changed = []
    for heading, level, blocks in pf.SECTIONS:
        if heading.startswith("4.3"):
            blocks = (("p", "Le dossier est ouvert dans l’outil achats sous 72 heures après "
                            "réception de la demande."),)  # fmt: skip
        changed.append((heading, level, blocks))
    return changed


def test_a_changed_subsection_the_blocks_and_items_use_is_reported_as_used(
    in_production, owner, designer_member
):
    source = _upload(in_production, owner, _pr_ach_007(), "PR-ACH-007.docx", pf.TITLE)
    version = services.create_module(
        engagement=in_production, by=designer_member, title="", source_version_ids=[source.pk]
    )
    # Section 4.3 folds into the lesson of section 4; a block and an item come from it.
    assert not version.lessons.filter(source_anchor="s-4-3").exists()
    assert Block.objects.filter(lesson__version=version, source_anchor="s-4-3").exists()
    assert any("s-4-3" in item.source_anchors for item in version.items.all())
    version = _submit(version, designer_member)
    link = version.source_links.get()
    assert set(link.anchors) == _content_anchors(version, source) and "s-4-3" in link.anchors
    in_document = [section["anchor"] for section in source.outline["sections"]]
    assert link.anchors == [a for a in in_document if a in link.anchors]  # the document's order
    assert version.snapshot["sources"][0]["anchors"] == link.anchors

    new = _upload(
        in_production, owner, _pr_ach_007(_with_4_3_changed()), "PR-ACH-007.docx", pf.TITLE,
        label="4.0", source_id=source.source_id,
    )  # fmt: skip
    version.refresh_from_db()
    assert version.is_outdated
    (change,) = version.outdated_changes
    assert (change["anchor"], change["change"], change["used"]) == ("s-4-3", "modified", True)
    assert (change["from_version"], change["to_version"]) == (source.pk, new.pk)
    assert "72 heures" in change["new_text"] and change["document"] == pf.TITLE


def test_two_documents_keep_their_own_anchors_and_only_the_changed_one_counts(
    in_production, owner, designer_member
):
    cleaning = procedure_version(in_production)  # sections s-1 to s-4
    annex = _upload(in_production, owner, ANNEX_V1, "acces.txt", "Accès au laboratoire")
    version = services.create_module(
        engagement=in_production,
        by=designer_member,
        title="Laboratoire",
        source_version_ids=[cleaning.pk, annex.pk],
    )
    links = {link.document_version_id: link for link in version.source_links.all()}
    assert set(links[cleaning.pk].anchors) == _content_anchors(version, cleaning)
    assert set(links[annex.pk].anchors) == _content_anchors(version, annex) == {"s-1", "s-2"}
    assert "s-3" in links[cleaning.pk].anchors  # "3. Déroulement" of the cleaning procedure
    # Every row knows its document, even where the anchors are the same.
    assert set(version.lessons.values_list("source_anchor", "source_version")) == {
        ("s-1", cleaning.pk), ("s-2", cleaning.pk), ("s-3", cleaning.pk), ("s-4", cleaning.pk),
        ("s-1", annex.pk), ("s-2", annex.pk),
    }  # fmt: skip
    version = _submit(version, designer_member)
    assert [s["anchors"] for s in version.snapshot["sources"]] == [
        links[cleaning.pk].anchors,
        ["s-1", "s-2"],
    ]

    _upload(
        in_production, owner, ANNEX_V2, "acces.txt", "Accès au laboratoire",
        label="2.0", source_id=annex.source_id,
    )  # fmt: skip
    version.refresh_from_db()
    changes = {c["anchor"]: c for c in version.outdated_changes}
    assert set(changes) == {"s-1", "s-3"}
    assert changes["s-1"]["used"]  # the annex's own first section: a lesson comes from it
    assert not changes["s-3"]["used"]  # s-3 of the annex is unused; the cleaning one is not it
    assert {c["from_version"] for c in changes.values()} == {annex.pk}
    assert DocumentVersion.objects.get(pk=cleaning.pk).status == DocumentVersion.Status.IN_FORCE


def test_designer_edits_are_what_the_submitted_links_record(in_production, owner, designer_member):
    cleaning = procedure_version(in_production)
    annex = _upload(in_production, owner, ANNEX_V1, "acces.txt", "Accès au laboratoire")
    version = services.create_module(
        engagement=in_production,
        by=designer_member,
        title="Laboratoire",
        source_version_ids=[cleaning.pk, annex.pk],
    )
    # The lesson on the cleaning procedure's deadlines goes, with what it taught.
    deadlines = version.lessons.get(source_anchor="s-4", source_version=cleaning)
    services.delete_lesson(version=version, by=designer_member, lesson_id=deadlines.pk)
    for item in version.items.filter(source_version=cleaning):
        if "s-4" in item.source_anchors:
            services.delete_item(version=version, by=designer_member, item_id=item.pk)
    # "s-2" is in both documents: the designer must say which one.
    question = services.ItemInput(
        "true_false", "Le gardien remet le badge.", correct=[0], source_anchors=["s-2"]
    )
    with pytest.raises(Refusal) as refused:
        services.save_item(version=version, by=designer_member, data=question)
    assert refused.value.code == "source_ambiguous"
    question.source_version_id = annex.pk
    item = services.save_item(version=version, by=designer_member, data=question)
    assert item.source_version_id == annex.pk
    mixed = services.ItemInput(
        "true_false", "x", correct=[0], source_anchors=["s-3", "s-4"], source_version_id=annex.pk
    )
    with pytest.raises(Refusal) as refused:  # the annex has no section 4
        services.save_item(version=version, by=designer_member, data=mixed)
    assert refused.value.code == "source_anchor"

    version = _submit(version, designer_member)
    links = {link.document_version_id: link.anchors for link in version.source_links.all()}
    assert "s-4" not in links[cleaning.pk]
    assert links == used_anchors(version)
    assert links[annex.pk] == ["s-1", "s-2"]


def test_the_migration_tells_old_rows_their_document(in_production, designer_member, owner):
    from importlib import import_module

    backfill = import_module("saveit.catalog.migrations.0003_backfill_source_versions").backfill
    cleaning = procedure_version(in_production)
    annex = _upload(in_production, owner, ANNEX_V1, "acces.txt", "Accès au laboratoire")
    version = services.create_module(
        engagement=in_production,
        by=designer_member,
        title="Laboratoire",
        source_version_ids=[cleaning.pk, annex.pk],
    )
    lesson = version.lessons.get(source_anchor="s-3")
    image = Block.objects.create(lesson=lesson, kind="image", name="plan_de-paillasse.png")
    rows = {
        "lessons": set(version.lessons.values_list("pk", "source_version")),
        "blocks": set(
            Block.objects.filter(lesson__version=version).values_list("pk", "source_version")
        ),
        "items": set(version.items.values_list("pk", "source_version")),
    }
    anchors = {link.pk: link.anchors for link in version.source_links.all()}
    # The rows as they were: no document, links listing the lessons' anchors of every document.
    Lesson.objects.filter(version=version).update(source_version=None)
    Block.objects.filter(lesson__version=version).update(source_version=None)
    Item.objects.filter(version=version).update(source_version=None)
    version.source_links.update(anchors=["s-1", "s-2", "s-3", "s-4"])

    backfill(apps, None)

    # "s-1" and "s-2" are in both documents: the order of the proposals tells them apart.
    assert set(version.lessons.values_list("pk", "source_version")) == rows["lessons"]
    assert set(version.items.values_list("pk", "source_version")) == rows["items"]
    blocks = set(Block.objects.filter(lesson__version=version).values_list("pk", "source_version"))
    assert blocks == rows["blocks"]  # the image the designer added has no section: none
    assert Block.objects.get(pk=image.pk).alt == "plan de paillasse"
    assert {link.pk: link.anchors for link in version.source_links.all()} == anchors
