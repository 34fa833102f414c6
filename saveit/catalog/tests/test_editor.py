"""The designer's editor: lessons and blocks moved, blocks edited, images described.

Through the services, the pages (plain POST forms, no JavaScript needed) and the API; a
submitted version refuses every change, another organisation reaches nothing.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from saveit.audit.models import AuditEvent
from saveit.core.errors import Refusal
from saveit.testing.catalog_setup import new_module as _module
from saveit.testing.catalog_setup import procedure_version
from saveit.testing.catalog_setup import submitted as _submitted
from saveit.testing.factories import bearer, signed_in

from .. import services
from ..models import Block, Lesson
from ..snapshot import build_snapshot
from .test_scorm import png

pytestmark = pytest.mark.django_db
IMAGE = png(16, 8)


def _titles(version) -> list[str]:
    return list(version.lessons.order_by("position", "pk").values_list("title", flat=True))


def _positions(rows) -> list[int]:
    return list(rows.order_by("position", "pk").values_list("position", flat=True))


@pytest.fixture
def draft(in_production, designer_member):
    return _module(in_production, designer_member)


# ---------------------------------------------------------------- services


def test_a_lesson_moves_up_and_down_and_positions_are_renumbered(draft, designer_member):
    before = _titles(draft)
    third = draft.lessons.order_by("position")[2]
    services.move_lesson(version=draft, by=designer_member, lesson_id=third.pk, direction="up")
    assert _titles(draft) == [before[0], before[2], before[1], before[3]]
    assert _positions(draft.lessons) == [0, 1, 2, 3]
    services.move_lesson(version=draft, by=designer_member, lesson_id=third.pk, direction="down")
    assert _titles(draft) == before
    # The snapshot, hence the preview, the diff and the export, follow the new order.
    services.move_lesson(version=draft, by=designer_member, lesson_id=third.pk, direction="up")
    assert [lesson["title"] for lesson in build_snapshot(draft)["lessons"]][1] == before[2]


def test_moving_past_either_end_is_refused_and_changes_nothing(draft, designer_member):
    lessons = list(draft.lessons.order_by("position"))
    events = AuditEvent.objects.count()
    for lesson, direction in ((lessons[0], "up"), (lessons[-1], "down"), (lessons[1], "left")):
        with pytest.raises(Refusal) as refused:
            services.move_lesson(
                version=draft, by=designer_member, lesson_id=lesson.pk, direction=direction
            )
        assert refused.value.code in ("cannot_move", "direction")
    assert _titles(draft) == [lesson.title for lesson in lessons]
    assert AuditEvent.objects.count() == events


def test_a_block_moves_within_its_lesson(draft, designer_member):
    lesson = draft.lessons.get(source_anchor="s-2")
    services.save_block(
        version=draft,
        by=designer_member,
        lesson_id=lesson.pk,
        data=services.BlockInput("callout", html="<p>Port des gants obligatoire.</p>"),
    )
    blocks = list(lesson.blocks.order_by("position"))
    assert len(blocks) >= 2
    last = blocks[-1]
    services.move_block(version=draft, by=designer_member, block_id=last.pk, direction="up")
    order = list(lesson.blocks.order_by("position", "pk").values_list("pk", flat=True))
    assert order[-2] == last.pk and _positions(lesson.blocks) == list(range(len(blocks)))


def test_a_text_a_callout_and_a_video_link_are_edited_in_place(draft, designer_member):
    lesson = draft.lessons.get(source_anchor="s-2")
    for kind in ("text", "callout"):
        block = Block.objects.filter(lesson__version=draft, kind=kind).first()
        kept = (block.position, block.source_anchor, block.source_version_id)
        services.save_block(
            version=draft,
            by=designer_member,
            block_id=block.pk,
            data=services.BlockInput(kind, html="<p>Texte <em>revu</em><script>x()</script></p>"),
        )
        block.refresh_from_db()
        assert block.html == "<p>Texte <em>revu</em></p>"
        # Still where it was, still from its section of the procedure.
        assert (block.position, block.source_anchor, block.source_version_id) == kept
        assert block.source_version_id == procedure_version(draft.module.engagement).pk
    video = services.save_block(
        version=draft,
        by=designer_member,
        lesson_id=lesson.pk,
        data=services.BlockInput("video", url="https://videos.example.org/a"),
    )
    services.save_block(
        version=draft,
        by=designer_member,
        block_id=video.pk,
        data=services.BlockInput("", url="https://videos.example.org/b"),
    )
    video.refresh_from_db()
    assert video.url == "https://videos.example.org/b"
    with pytest.raises(Refusal) as refused:  # a block keeps its kind
        services.save_block(
            version=draft,
            by=designer_member,
            block_id=video.pk,
            data=services.BlockInput("text", html="<p>x</p>"),
        )
    assert refused.value.code == "kind"
    with pytest.raises(Refusal):
        services.save_block(
            version=draft,
            by=designer_member,
            block_id=video.pk,
            data=services.BlockInput("", url="http://videos.example.org/c"),
        )
    video.refresh_from_db()
    assert video.url == "https://videos.example.org/b"


def test_an_image_needs_its_text_alternative_which_can_be_edited(draft, designer_member):
    lesson = draft.lessons.first()
    count = lesson.blocks.count()
    with pytest.raises(Refusal) as refused:
        services.save_block(
            version=draft,
            by=designer_member,
            lesson_id=lesson.pk,
            data=services.BlockInput("image", upload=(IMAGE, "schema.png")),
        )
    assert refused.value.code == "alt" and lesson.blocks.count() == count
    image = services.save_block(
        version=draft,
        by=designer_member,
        lesson_id=lesson.pk,
        data=services.BlockInput("image", upload=(IMAGE, "schema.png"), alt="Plan de la paillasse"),
    )
    sha = image.sha256
    services.save_block(
        version=draft,
        by=designer_member,
        block_id=image.pk,
        data=services.BlockInput("", alt="Plan de la paillasse, zones propre et sale"),
    )
    image.refresh_from_db()
    assert image.alt == "Plan de la paillasse, zones propre et sale" and image.sha256 == sha
    with pytest.raises(Refusal):
        services.save_block(
            version=draft, by=designer_member, block_id=image.pk, data=services.BlockInput("")
        )
    blocks = build_snapshot(draft)["lessons"][0]["blocks"]
    assert blocks[-1]["alt"] == "Plan de la paillasse, zones propre et sale"


def test_a_submitted_version_refuses_every_move_and_edit(in_production, designer_member):
    version = _submitted(_module(in_production, designer_member), designer_member)
    lesson = version.lessons.order_by("position")[1]
    block = lesson.blocks.first()
    snapshot, events = version.snapshot, AuditEvent.objects.count()
    attempts = [
        lambda: services.move_lesson(
            version=version, by=designer_member, lesson_id=lesson.pk, direction="up"
        ),
        lambda: services.move_block(
            version=version, by=designer_member, block_id=block.pk, direction="down"
        ),
        lambda: services.save_block(
            version=version,
            by=designer_member,
            block_id=block.pk,
            data=services.BlockInput("", html="<p>Autre</p>"),
        ),
        lambda: services.delete_block(version=version, by=designer_member, block_id=block.pk),
        lambda: services.delete_lesson(version=version, by=designer_member, lesson_id=lesson.pk),
    ]
    for attempt in attempts:
        with pytest.raises(Refusal) as refused:
            attempt()
        assert refused.value.code == "frozen"
    version.refresh_from_db()
    assert version.snapshot == snapshot and build_snapshot(version) == snapshot
    assert AuditEvent.objects.count() == events


def test_a_block_of_another_version_is_not_reached_through_this_one(in_production, designer_member):
    first = _submitted(_module(in_production, designer_member), designer_member)
    second = services.create_version(version=first, by=designer_member)
    other_block = first.lessons.first().blocks.first()
    with pytest.raises(Refusal) as refused:
        services.move_block(
            version=second, by=designer_member, block_id=other_block.pk, direction="down"
        )
    assert refused.value.code == "not_found"


# ---------------------------------------------------------------- pages


def test_the_editor_page_moves_and_edits_with_plain_forms(draft, designer_member):
    browser = signed_in(designer_member)
    page = browser.get(reverse("catalog:version", args=[draft.pk])).content.decode()
    lesson = draft.lessons.order_by("position")[1]
    block = lesson.blocks.order_by("position").first()
    move_url = reverse("catalog:lesson_move", args=[draft.pk, lesson.pk])
    edit_url = reverse("catalog:block_edit", args=[draft.pk, block.pk])
    assert f'action="{move_url}"' in page and f'action="{edit_url}"' in page
    assert 'name="direction" value="up"' in page
    before = _titles(draft)
    response = browser.post(move_url, {"direction": "up"})
    assert response.status_code == 302 and response["Location"].endswith(f"#lesson-{lesson.pk}")
    assert _titles(draft)[0] == before[1]
    browser.post(edit_url, {f"b{block.pk}-html": "<p>Nouvelle consigne.</p>"})
    block.refresh_from_db()
    assert block.html == "<p>Nouvelle consigne.</p>"
    move_block = reverse("catalog:block_move", args=[draft.pk, block.pk])
    assert browser.post(move_block, {"direction": "up"}).status_code == 302  # first: refused
    assert Block.objects.get(pk=block.pk).position == 0


def test_an_image_is_added_and_described_through_the_page(draft, designer_member):
    browser = signed_in(designer_member)
    lesson = draft.lessons.first()
    url = reverse("catalog:block_add", args=[draft.pk, lesson.pk])
    upload = SimpleUploadedFile("zones.png", IMAGE, content_type="image/png")
    browser.post(url, {"kind": "image", "file": upload, "alt": "Zones de la paillasse"})
    image = lesson.blocks.get(kind="image")
    assert image.alt == "Zones de la paillasse"
    page = browser.get(reverse("catalog:version", args=[draft.pk])).content.decode()
    assert 'alt="Zones de la paillasse"' in page
    browser.post(reverse("catalog:block_edit", args=[draft.pk, image.pk]), {f"b{image.pk}-alt": ""})
    assert Block.objects.get(pk=image.pk).alt == "Zones de la paillasse"  # required: refused


def test_another_organisation_reaches_no_editor_route(draft, outsider, owner):
    lesson = draft.lessons.first()
    block = lesson.blocks.first()
    routes = [
        ("catalog:lesson_move", [draft.pk, lesson.pk], {"direction": "down"}),
        ("catalog:block_move", [draft.pk, block.pk], {"direction": "down"}),
        ("catalog:block_edit", [draft.pk, block.pk], {f"b{block.pk}-html": "<p>x</p>"}),
    ]
    for member in (outsider, owner):  # another client; the client itself never sees a draft
        browser = signed_in(member)
        for name, args, body in routes:
            assert browser.post(reverse(name, args=args), body).status_code == 404
    assert Block.objects.get(pk=block.pk).html == block.html
    assert Lesson.objects.get(pk=lesson.pk).position == lesson.position


# ---------------------------------------------------------------- API


def _api(client, method, url, headers, body=None):
    return getattr(client, method)(
        url, json.dumps(body or {}), content_type="application/json", headers=headers
    )


def test_lessons_and_blocks_through_the_api(draft, designer_member):
    client, headers = Client(), bearer(designer_member)
    base = f"/api/v1/module-versions/{draft.pk}"
    lesson = draft.lessons.order_by("position")[2]
    moved = _api(client, "post", f"{base}/lessons/{lesson.pk}/move", headers, {"direction": "up"})
    assert moved.status_code == 200 and moved.json()["position"] == 1
    created = client.post(
        f"{base}/lessons/{lesson.pk}/blocks",
        {"kind": "image", "alt": "Schéma", "file": SimpleUploadedFile("s.png", IMAGE)},
        headers=headers,
    )
    assert created.status_code == 201, created.content
    block = created.json()
    assert (block["kind"], block["alt"], block["lesson_id"]) == ("image", "Schéma", lesson.pk)
    edited = _api(client, "put", f"{base}/blocks/{block['id']}", headers, {"alt": "Schéma coté"})
    assert edited.status_code == 200 and edited.json()["alt"] == "Schéma coté"
    up = _api(client, "post", f"{base}/blocks/{block['id']}/move", headers, {"direction": "up"})
    assert up.status_code == 200 and up.json()["position"] == block["position"] - 1
    text = client.post(
        f"{base}/lessons/{lesson.pk}/blocks",
        {"kind": "text", "html": "<p>Note</p>"},
        headers=headers,
    )
    assert text.status_code == 201
    wrong = _api(client, "put", f"{base}/blocks/{text.json()['id']}", headers, {"html": ""})
    assert wrong.status_code == 409 and wrong.json()["code"] == "html"
    assert _api(client, "delete", f"{base}/blocks/{block['id']}", headers).status_code == 204
    assert not Block.objects.filter(pk=block["id"]).exists()
    count = draft.lessons.count()
    assert _api(client, "delete", f"{base}/lessons/{lesson.pk}", headers).status_code == 204
    assert draft.lessons.count() == count - 1
    assert _positions(draft.lessons) == list(range(count - 1))


def test_the_api_refuses_changes_to_a_submitted_version(in_production, designer_member):
    version = _submitted(_module(in_production, designer_member), designer_member)
    client, headers = Client(), bearer(designer_member)
    base = f"/api/v1/module-versions/{version.pk}"
    lesson = version.lessons.order_by("position")[1]
    block = lesson.blocks.first()
    calls = [
        ("post", f"{base}/lessons/{lesson.pk}/move", {"direction": "up"}),
        ("delete", f"{base}/lessons/{lesson.pk}", None),
        ("put", f"{base}/blocks/{block.pk}", {"html": "<p>Autre</p>"}),
        ("post", f"{base}/blocks/{block.pk}/move", {"direction": "down"}),
        ("delete", f"{base}/blocks/{block.pk}", None),
    ]
    for method, url, body in calls:
        response = _api(client, method, url, headers, body)
        assert response.status_code == 409 and response.json()["code"] == "frozen", url
    added = client.post(
        f"{base}/lessons/{lesson.pk}/blocks", {"kind": "text", "html": "<p>x</p>"}, headers=headers
    )
    assert added.status_code == 409 and added.json()["code"] == "frozen"
    version.refresh_from_db()
    assert build_snapshot(version) == version.snapshot


def test_the_api_answers_404_for_another_organisations_version(draft, outsider):
    client, headers = Client(), bearer(outsider)
    base = f"/api/v1/module-versions/{draft.pk}"
    lesson = draft.lessons.first()
    block = lesson.blocks.first()
    calls = [
        ("post", f"{base}/lessons/{lesson.pk}/move", {"direction": "down"}),
        ("delete", f"{base}/lessons/{lesson.pk}", None),
        ("put", f"{base}/blocks/{block.pk}", {"html": "<p>x</p>"}),
        ("post", f"{base}/blocks/{block.pk}/move", {"direction": "down"}),
        ("delete", f"{base}/blocks/{block.pk}", None),
    ]
    for method, url, body in calls:
        assert _api(client, method, url, headers, body).status_code == 404, url
    added = client.post(
        f"{base}/lessons/{lesson.pk}/blocks", {"kind": "text", "html": "<p>x</p>"}, headers=headers
    )
    assert added.status_code == 404
    assert (
        Lesson.objects.filter(pk=lesson.pk).exists() and Block.objects.filter(pk=block.pk).exists()
    )


def test_the_diff_page_names_block_kinds_and_a_nameless_file_gets_a_translated_name(
    in_production, designer_member
):
    from django.utils import translation
    from django.utils.translation import gettext

    first = _submitted(_module(in_production, designer_member), designer_member)
    second = services.create_version(version=first, by=designer_member)
    lesson = second.lessons.first()
    services.save_block(
        version=second,
        by=designer_member,
        lesson_id=lesson.pk,
        data=services.BlockInput("video", url="https://videos.example.org/a"),
    )
    attachment = services.save_block(
        version=second,
        by=designer_member,
        lesson_id=lesson.pk,
        data=services.BlockInput("attachment", upload=(b"Notice", "\x00\x01")),
    )
    assert attachment.name == "file"  # gettext's English msgid outside a request
    page = signed_in(designer_member).get(reverse("catalog:diff", args=[second.pk, first.pk]))
    html = page.content.decode()
    with translation.override("fr"):
        assert f"({gettext('video link')})" in html and f"({gettext('attachment')})" in html
    assert "(video)" not in html
