"""The client's preview shows each lesson exactly as the learner's page does (one partial)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from saveit.learning.models import Assignment
from saveit.learning.services import assignments, populations
from saveit.orchestration import services as workflow
from saveit.testing.catalog_setup import procedure_version
from saveit.testing.engagement_setup import sign
from saveit.testing.factories import signed_in
from saveit.testing.pdf import make_pdf

from .. import services
from ..models import ModuleVersion
from ..selectors import proposal_keys
from .test_scorm import png

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r'<div class="block block-\w+">.*?</div>', re.S)
FILE_URL = re.compile(r'(src|href)="/[^"]*?/fichiers/([0-9a-f]{64})/"')
CSV = "Nom;Prénom;E-mail\nMartin;Noé;noe.martin@alpha.example\n".encode()


def _blocks(html: str) -> list[str]:
    """The blocks' markup, each file's URL reduced to its SHA-256 (each page has its route)."""
    return [FILE_URL.sub(r'\1="file:\2"', block) for block in BLOCK.findall(html)]


def _active_version(engagement, designer, pm, owner) -> tuple[object, ModuleVersion]:
    version = services.create_module(
        engagement=engagement,
        by=designer,
        title="Nettoyage des paillasses",
        source_version_ids=[procedure_version(engagement).pk],
    )
    lesson = version.lessons.order_by("position").first()
    for data in (
        services.BlockInput("image", upload=(png(12, 6), "zones.png"), alt="Zones propre et sale"),
        services.BlockInput("video", url="https://videos.example.org/paillasse"),
        services.BlockInput("attachment", upload=(make_pdf("Fiche de sécurité"), "fiche.pdf")),
    ):
        services.save_block(version=version, by=designer, lesson_id=lesson.pk, data=data)
    services.accept_proposals(version=version, by=designer, keys=proposal_keys(version))
    services.update_settings(
        version=version,
        by=designer,
        data=services.VersionSettings(
            title=version.title, objectives=["Appliquer la procédure."], items_per_attempt=3
        ),
    )
    version = services.submit_version(version=version, by=designer)
    engagement = workflow.advance_phase(engagement=engagement, by=pm)
    services.approve_version(version=version, by=owner)
    sign(services.generate_acceptance_record(engagement=engagement, by=pm), owner)
    engagement = workflow.advance_phase(engagement=engagement, by=pm)
    return engagement, ModuleVersion.objects.get(pk=version.pk)


def test_the_preview_and_the_learners_page_render_the_same_lesson_body(
    in_production, designer_member, pm, owner, django_capture_on_commit_callbacks
):
    engagement, version = _active_version(in_production, designer_member, pm, owner)
    population = populations.create_population(engagement=engagement, name="Lyon", by=owner)
    batch = populations.preview_import(
        population=population, content=CSV, filename="lyon.csv", by=owner
    )
    populations.commit_import(batch=batch, by=owner)
    with django_capture_on_commit_callbacks(execute=True):
        assignments.assign_population(version=version, population=population, due_on=None, by=owner)
    link = re.search(r"https?://[^/\s]+(/acces/[\w-]+/)", mail.outbox[-1].body).group(1)
    learner = Client()
    learner.post(link)
    assignment = Assignment.objects.get(module_version=version)
    preview = signed_in(owner).get(reverse("catalog:preview", args=[version.pk])).content.decode()
    for lesson in version.snapshot["lessons"]:
        page = learner.get(reverse("learning:lesson", args=[assignment.pk, lesson["key"]]))
        assert page.status_code == 200
        read = page.content.decode()
        shown = re.search(
            rf'<section class="card lesson" id="{lesson["key"]}".*?</section>', preview, re.S
        )
        assert shown is not None
        assert _blocks(shown.group(0)) == _blocks(read) != []
    first = version.snapshot["lessons"][0]
    page = learner.get(reverse("learning:lesson", args=[assignment.pk, first["key"]]))
    assert 'alt="Zones propre et sale"' in page.content.decode()
    assert 'alt="Zones propre et sale"' in preview


def test_both_pages_include_the_one_partial_and_keep_no_block_markup_of_their_own():
    for name in ("catalog/templates/catalog/version_preview.html",
                 "learning/templates/learning/lesson.html"):  # fmt: skip
        source = (TEMPLATES / name).read_text(encoding="utf-8")
        assert '{% include "catalog/_lesson_body.html"' in source, name
        assert "block.kind" not in source and "block.html" not in source, name
