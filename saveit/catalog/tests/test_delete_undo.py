"""Deleting draft content asks first, and can be undone for a short while (UNDO_WINDOW)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from saveit.audit.models import AuditEvent
from saveit.testing.catalog_setup import new_module, ready
from saveit.testing.factories import signed_in

from ..models import UNDO_WINDOW, Block, DeletedContent, Lesson, ModuleVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(in_production, designer_member):
    return new_module(in_production, designer_member)


def _lesson_with_blocks(draft) -> Lesson:
    lesson = draft.lessons.order_by("position")[1]
    assert lesson.blocks.exists()
    return lesson


def _state(version) -> list[tuple]:
    return [
        (
            lesson.key,
            lesson.title,
            lesson.position,
            [(b.kind, b.html, b.position) for b in lesson.blocks.all()],
        )
        for lesson in version.lessons.order_by("position").prefetch_related("blocks")
    ]


def _delete_lesson(client, draft, lesson, **extra):
    url = reverse("catalog:lesson_delete", args=[draft.pk, lesson.pk])
    return client.post(url, extra)


def test_deleting_a_lesson_without_confirmation_only_asks(draft, designer_member):
    lesson = _lesson_with_blocks(draft)
    before = _state(draft)
    response = _delete_lesson(signed_in(designer_member), draft, lesson)
    assert response.status_code == 200
    html = response.content.decode()
    assert lesson.title in html and 'name="confirmed" value="yes"' in html
    assert _state(draft) == before and not DeletedContent.objects.exists()


def test_a_deleted_lesson_is_restored_in_place_with_its_blocks(draft, designer_member):
    lesson = _lesson_with_blocks(draft)
    before = _state(draft)
    client = signed_in(designer_member)
    assert _delete_lesson(client, draft, lesson, confirmed="yes").status_code == 302
    assert not Lesson.objects.filter(pk=lesson.pk).exists()
    kept = DeletedContent.objects.get()
    page = client.get(reverse("catalog:version", args=[draft.pk])).content.decode()
    undo = reverse("catalog:deletion_undo", args=[draft.pk, kept.pk])
    assert undo in page  # the undo is offered where the designer lands
    assert client.post(undo).status_code == 302
    assert _state(draft) == before
    assert not DeletedContent.objects.exists()  # an undo is done once
    assert AuditEvent.objects.filter(action="module.lesson_restored").count() == 1


def test_a_deleted_block_is_restored_at_its_position(draft, designer_member):
    lesson = _lesson_with_blocks(draft)
    block = lesson.blocks.order_by("position").first()
    before = _state(draft)
    client = signed_in(designer_member)
    url = reverse("catalog:block_delete", args=[draft.pk, block.pk])
    assert client.post(url).status_code == 200  # asks first
    assert Block.objects.filter(pk=block.pk).exists()
    client.post(url, {"confirmed": "yes"})
    assert not Block.objects.filter(pk=block.pk).exists()
    kept = DeletedContent.objects.get()
    client.post(reverse("catalog:deletion_undo", args=[draft.pk, kept.pk]))
    assert _state(draft) == before
    assert AuditEvent.objects.filter(action="module.block_restored").count() == 1


def test_undoing_after_the_window_is_refused_and_restores_nothing(draft, designer_member):
    lesson = _lesson_with_blocks(draft)
    client = signed_in(designer_member)
    _delete_lesson(client, draft, lesson, confirmed="yes")
    kept = DeletedContent.objects.get()
    DeletedContent.objects.filter(pk=kept.pk).update(
        deleted_at=timezone.now() - UNDO_WINDOW - timedelta(seconds=1)
    )
    page = client.get(reverse("catalog:version", args=[draft.pk])).content.decode()
    undo = reverse("catalog:deletion_undo", args=[draft.pk, kept.pk])
    assert undo not in page
    response = client.post(undo, follow=True)
    assert "ne peut plus être annulée" in response.content.decode()
    assert not Lesson.objects.filter(version=draft, title=lesson.title).exists()
    assert not AuditEvent.objects.filter(action="module.lesson_restored").exists()


def test_old_deletions_are_purged_by_the_next_one(draft, designer_member):
    first, second = draft.lessons.order_by("position")[:2]
    client = signed_in(designer_member)
    _delete_lesson(client, draft, first, confirmed="yes")
    DeletedContent.objects.update(deleted_at=timezone.now() - UNDO_WINDOW - timedelta(minutes=1))
    _delete_lesson(client, draft, second, confirmed="yes")
    assert list(DeletedContent.objects.values_list("label", flat=True)) == [second.title]


def test_a_block_whose_lesson_is_gone_is_not_restored(draft, designer_member):
    lesson = _lesson_with_blocks(draft)
    block = lesson.blocks.first()
    client = signed_in(designer_member)
    client.post(reverse("catalog:block_delete", args=[draft.pk, block.pk]), {"confirmed": "yes"})
    kept_block = DeletedContent.objects.get()
    _delete_lesson(client, draft, lesson, confirmed="yes")
    response = client.post(
        reverse("catalog:deletion_undo", args=[draft.pk, kept_block.pk]), follow=True
    )
    assert "restaurez d&#x27;abord la leçon" in response.content.decode()
    assert DeletedContent.objects.filter(pk=kept_block.pk).exists()


def test_another_designer_organisation_cannot_undo(draft, designer_member, outsider):
    lesson = _lesson_with_blocks(draft)
    _delete_lesson(signed_in(designer_member), draft, lesson, confirmed="yes")
    kept = DeletedContent.objects.get()
    response = signed_in(outsider).post(reverse("catalog:deletion_undo", args=[draft.pk, kept.pk]))
    assert response.status_code == 404
    assert DeletedContent.objects.filter(pk=kept.pk).exists()


def test_submitting_to_the_client_asks_first(draft, designer_member):
    ready(draft, designer_member)
    client = signed_in(designer_member)
    url = reverse("catalog:submit", args=[draft.pk])
    response = client.post(url)
    assert response.status_code == 200 and "ne pourra plus" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ModuleVersion.Status.DRAFT
    client.post(url, {"confirmed": "yes"})
    draft.refresh_from_db()
    assert draft.status != ModuleVersion.Status.DRAFT


def test_deleting_a_question_asks_first(draft, designer_member):
    item = draft.items.first()
    client = signed_in(designer_member)
    url = reverse("catalog:item_delete", args=[draft.pk, item.pk])
    assert client.post(url).status_code == 200
    assert draft.items.filter(pk=item.pk).exists()
    client.post(url, {"confirmed": "yes"})
    assert not draft.items.filter(pk=item.pk).exists()
