"""Rules of the review: comments while the review is open, a signed PV kept, bad settings."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from saveit.audit.models import AuditEvent
from saveit.core.errors import Refusal
from saveit.engagements.signing import State, state_of
from saveit.orchestration import services as workflow
from saveit.testing.catalog_setup import new_module as _draft
from saveit.testing.catalog_setup import ready as _ready
from saveit.testing.engagement_setup import sign
from saveit.testing.factories import bearer, signed_in

from .. import services
from ..models import AcceptanceRecord, ModuleVersion, ReviewComment
from ..snapshot import family_count

pytestmark = pytest.mark.django_db
Status = ModuleVersion.Status


def _submitted(engagement, by) -> ModuleVersion:
    return services.submit_version(version=_ready(_draft(engagement, by), by), by=by)


@pytest.fixture
def in_validation(in_production, designer_member, pm):
    version = _submitted(in_production, designer_member)
    engagement = workflow.advance_phase(engagement=in_production, by=pm)
    return engagement, ModuleVersion.objects.get(pk=version.pk)


def _approved_and_signed(engagement, version, pm, owner):
    services.approve_version(version=version, by=owner)
    record = services.generate_acceptance_record(engagement=engagement, by=pm)
    sign(record, owner)
    record.refresh_from_db()
    return record


# ---------------------------------------------------------------- comments


def test_comments_are_taken_only_while_the_version_awaits_the_review(in_validation, owner, pm):
    engagement, version = in_validation
    lesson_key = version.snapshot["lessons"][0]["key"]
    services.add_comment(version=version, by=owner, body="Clair.", lesson_key=lesson_key)
    _approved_and_signed(engagement, version, pm, owner)
    version.refresh_from_db()
    assert version.status == Status.ACTIVE
    count, events = ReviewComment.objects.count(), AuditEvent.objects.count()
    for status in (Status.ACTIVE, Status.APPROVED):
        ModuleVersion.objects.filter(pk=version.pk).update(status=status)
        version.refresh_from_db()
        with pytest.raises(Refusal) as refused:
            services.add_comment(version=version, by=owner, body="Trop tard ?")
        assert refused.value.code == "not_submitted"
    assert ReviewComment.objects.count() == count and AuditEvent.objects.count() == events


def test_the_page_and_the_api_refuse_a_comment_on_an_approved_version(in_validation, owner):
    _engagement, version = in_validation
    services.approve_version(version=version, by=owner)
    page = signed_in(owner).post(
        reverse("catalog:comment", args=[version.pk]), {"body": "Encore une remarque."}
    )
    assert page.status_code == 302
    api = Client().post(
        f"/api/v1/module-versions/{version.pk}/comments",
        json.dumps({"body": "Encore une remarque."}),
        content_type="application/json",
        headers=bearer(owner),
    )
    assert api.status_code == 409 and api.json()["code"] == "not_submitted"
    assert not ReviewComment.objects.filter(body="Encore une remarque.").exists()
    preview = signed_in(owner).get(reverse("catalog:preview", args=[version.pk]))
    assert reverse("catalog:comment", args=[version.pk]) not in preview.content.decode()


# ---------------------------------------------------------------- the signed PV


def test_a_signed_record_is_not_replaced_while_the_scope_is_unchanged(
    in_validation, owner, pm, designer_member
):
    engagement, version = in_validation
    record = _approved_and_signed(engagement, version, pm, owner)
    assert state_of(record) == State.SIGNED
    count, events = AcceptanceRecord.objects.count(), AuditEvent.objects.count()
    with pytest.raises(Refusal) as refused:
        services.generate_acceptance_record(engagement=engagement, by=pm)
    assert refused.value.code == "record_signed"
    assert "signed" in refused.value.message and f"{record.revision}" in refused.value.message
    assert AcceptanceRecord.objects.count() == count and AuditEvent.objects.count() == events
    # The page offers no new revision, and a forced post changes nothing.
    generate = reverse("catalog:acceptance_record", args=[engagement.pk])
    page = signed_in(pm).get(reverse("catalog:modules", args=[engagement.pk])).content.decode()
    assert f'action="{generate}"' not in page
    response = signed_in(pm).post(generate)
    assert response.status_code == 302 and AcceptanceRecord.objects.count() == count

    # A new version of the module, approved: the scope moved on, a new revision lists it.
    revised = services.create_version(version=version, by=designer_member)
    revised = services.submit_version(version=_ready(revised, designer_member), by=designer_member)
    services.approve_version(version=revised, by=owner)
    renewed = services.generate_acceptance_record(engagement=engagement, by=pm)
    assert renewed.revision == record.revision + 1
    assert [m["version"] for m in renewed.snapshot["modules"]] == ["1.1"]


def test_an_unsigned_record_can_still_be_generated_again(in_validation, owner, pm):
    engagement, version = in_validation
    services.approve_version(version=version, by=owner)
    first = services.generate_acceptance_record(engagement=engagement, by=pm)
    second = services.generate_acceptance_record(engagement=engagement, by=pm)
    assert second.revision == first.revision + 1


# ---------------------------------------------------------------- settings


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("pass_mark", 0, "pass_mark"),
        ("pass_mark", 101, "pass_mark"),
        ("max_attempts", 0, "max_attempts"),
        ("time_limit_minutes", -5, "time_limit"),
        ("items_per_attempt", 0, "items_per_attempt"),
        ("title", "  ", "title"),
    ],
)
def test_bad_assessment_settings_are_refused_with_nothing_changed(
    in_production, designer_member, field, value, code
):
    version = _draft(in_production, designer_member)
    before = {f: getattr(version, f) for f in ("title", "pass_mark", "max_attempts")}
    events = AuditEvent.objects.count()
    data = services.VersionSettings(title="Autre titre", objectives=["Appliquer."])
    setattr(data, field, value)
    with pytest.raises(Refusal) as refused:
        services.update_settings(version=version, by=designer_member, data=data)
    assert refused.value.code == code
    version.refresh_from_db()
    assert {f: getattr(version, f) for f in before} == before
    assert version.objectives != ["Appliquer."] and AuditEvent.objects.count() == events


def test_the_api_refuses_the_same_bad_settings(in_production, designer_member):
    version = _draft(in_production, designer_member)
    client, headers = Client(), bearer(designer_member)
    for bad in ({"pass_mark": 0}, {"pass_mark": 101}, {"max_attempts": 0},
                {"time_limit_minutes": -1}):  # fmt: skip
        response = client.put(
            f"/api/v1/module-versions/{version.pk}/settings",
            json.dumps({"title": "Autre"} | bad),
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 422, bad
    version.refresh_from_db()
    assert (version.title, version.pass_mark) == ("Nettoyage des paillasses", 80)


def test_a_version_drawing_more_questions_than_its_bank_is_not_submitted(
    in_production, designer_member
):
    version = _ready(_draft(in_production, designer_member), designer_member)
    bank = version.items.count()
    version = _ready(version, designer_member, items_per_attempt=bank + 1)
    with pytest.raises(Refusal) as refused:
        services.submit_version(version=version, by=designer_member)
    assert refused.value.code == "too_few_items" and str(bank) in refused.value.message
    version.refresh_from_db()
    assert version.status == Status.DRAFT and version.snapshot is None


def test_a_version_whose_bank_has_fewer_families_than_it_draws_is_not_submitted(
    in_production, designer_member
):
    version = _ready(_draft(in_production, designer_member), designer_member)
    items = list(version.items.all())
    families = family_count(items)
    assert families < len(items)  # true statements and their false variants share a family
    version = _ready(version, designer_member, items_per_attempt=len(items))
    events = AuditEvent.objects.count()
    with translation.override("fr"), pytest.raises(Refusal) as refused:
        services.submit_version(version=version, by=designer_member)
    assert refused.value.code == "too_few_items"
    assert f"ne contient que {families} questions indépendantes" in refused.value.message
    version.refresh_from_db()
    assert version.status == Status.DRAFT and version.snapshot is None
    assert AuditEvent.objects.count() == events


def test_a_version_without_objectives_is_not_submitted(in_production, designer_member):
    version = _ready(_draft(in_production, designer_member), designer_member, objectives=[])
    assert version.objectives == []
    with pytest.raises(Refusal) as refused:
        services.submit_version(version=version, by=designer_member)
    assert refused.value.code == "no_objectives"
    version.refresh_from_db()
    assert version.status == Status.DRAFT and version.content_sha256 == ""


def test_a_major_version_starts_at_the_next_whole_number(in_production, designer_member):
    first = _submitted(in_production, designer_member)
    minor = services.submit_version(
        version=services.create_version(version=first, by=designer_member), by=designer_member
    )
    assert minor.label == "1.1"
    major = services.create_version(version=minor, by=designer_member, major=True)
    assert (major.label, major.based_on_id, major.status) == ("2.0", minor.pk, Status.DRAFT)
    assert major.lessons.count() == minor.lessons.count()
    assert major.items.count() == minor.items.count()
    assert [link.anchors for link in major.source_links.all()] == [
        link.anchors for link in minor.source_links.all()
    ]
    with pytest.raises(Refusal) as refused:  # one draft at a time
        services.create_version(version=minor, by=designer_member, major=True)
    assert refused.value.code == "draft_exists"
    major = services.submit_version(version=major, by=designer_member)
    assert major.snapshot["version"] == "2.0"
    after = services.create_version(version=major, by=designer_member)
    assert after.label == "2.1"
