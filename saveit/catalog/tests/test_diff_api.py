"""GET /api/v1/module-versions/{id}/diff?against={id}: the comparison page's diff, same tenancy."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from saveit.api import api
from saveit.testing.catalog_setup import new_module as _module
from saveit.testing.catalog_setup import submitted as _submitted
from saveit.testing.factories import bearer, signed_in

from .. import services
from ..models import ModuleVersion
from ..selectors import compared

NEW_TITLE = "Objet de la procédure révisée"


def _retitled_draft(first, by) -> ModuleVersion:
    second = services.create_version(version=first, by=by)
    lesson = second.lessons.order_by("position").first()
    services.save_lesson(
        version=second,
        by=by,
        lesson_id=lesson.pk,
        data=services.LessonInput(NEW_TITLE, source_anchor=lesson.source_anchor),
    )
    return second


@pytest.fixture
def two_versions(in_production, designer_member):
    first = _submitted(_module(in_production, designer_member), designer_member)
    return first, _submitted(_retitled_draft(first, designer_member), designer_member)


def _diff(who, version_id, against=None):  # type: ignore[no-untyped-def]
    query = {} if against is None else {"against": against}
    return Client().get(f"/api/v1/module-versions/{version_id}/diff", query, headers=bearer(who))


def test_the_api_gives_the_diff_the_page_shows(two_versions, designer_member):
    first, second = two_versions
    response = _diff(designer_member, second.pk, first.pk)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["old_version_id"], body["new_version_id"]) == (first.pk, second.pk)
    assert (body["old_version"], body["new_version"]) == (first.label, second.label)
    _old, _new, diff = compared(second, first)
    changed = [lesson for lesson in body["lessons"] if lesson["changed"]]
    assert [lesson["key"] for lesson in changed] == [
        lesson.key for lesson in diff.lessons if lesson.changed
    ]
    [title] = [f for f in changed[0]["fields"] if f["name"] == "title"]
    assert title["new"] == NEW_TITLE and title["label"] == "Titre de la leçon"
    assert body["lesson_counts"] == diff.lesson_counts and not body["is_empty"]
    page = signed_in(designer_member).get(reverse("catalog:diff", args=[second.pk, first.pk]))
    assert NEW_TITLE in page.content.decode() and title["old"] in page.content.decode()


def test_the_order_of_the_two_ids_does_not_matter(two_versions, designer_member):
    first, second = two_versions
    one, other = (
        _diff(designer_member, first.pk, second.pk),
        _diff(designer_member, second.pk, first.pk),
    )
    assert one.status_code == other.status_code == 200
    assert one.json() == other.json()


def test_the_client_owner_compares_submitted_versions_but_not_a_draft(
    two_versions, designer_member, owner
):
    first, second = two_versions
    assert _diff(owner, second.pk, first.pk).status_code == 200
    draft = services.create_version(version=second, by=designer_member)
    assert _diff(owner, draft.pk, first.pk).status_code == 404
    assert _diff(owner, first.pk, draft.pk).status_code == 404
    assert _diff(designer_member, draft.pk, first.pk).status_code == 200


def test_another_organisation_gets_404_for_either_id(two_versions, outsider):
    first, second = two_versions
    assert _diff(outsider, second.pk, first.pk).json()["code"] == "not_found"
    assert _diff(outsider, second.pk, first.pk).status_code == 404


def test_a_version_of_another_module_answers_422_on_the_query(
    two_versions, in_production, designer_member
):
    first, _second = two_versions
    elsewhere = _module(in_production, designer_member, title="Gestion des déchets")
    response = _diff(designer_member, first.pk, elsewhere.pk)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["query", "against"] and problem["type"] == "other_module"
    assert "autre module" in problem["msg"]


def test_without_against_the_query_is_refused_with_422(two_versions, designer_member):
    assert _diff(designer_member, two_versions[0].pk).status_code == 422


def test_the_schema_documents_every_answer_of_the_diff():
    operation = api.get_openapi_schema()["paths"]["/api/v1/module-versions/{version_id}/diff"]
    assert {200, 401, 403, 404, 422} <= {int(code) for code in operation["get"]["responses"]}
