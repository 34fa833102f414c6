"""Phases 3–4: a procedure becomes a module, frozen at submission, validated, activated by the PV."""

from __future__ import annotations

import pytest

from saveit.accounts.roles import Role
from saveit.audit.models import AuditEvent
from saveit.core.errors import Refusal
from saveit.orchestration import services as workflow
from saveit.orchestration.gates import unmet_checks
from saveit.orchestration.services import GateClosed
from saveit.testing.catalog_setup import PROCEDURE_V2, procedure_version
from saveit.testing.engagement_setup import sign, upload_procedure
from saveit.testing.factories import make_member

from .. import services
from ..models import ModuleVersion
from ..selectors import is_assignable, proposal_keys
from ..snapshot import is_intact

Status = ModuleVersion.Status


def _module(engagement, by):
    return services.create_module(
        engagement=engagement,
        by=by,
        title="Nettoyage des paillasses",
        source_version_ids=[procedure_version(engagement).pk],
    )


def _ready(version, by):
    """Accept every proposal and fit the draw to the bank."""
    services.accept_proposals(version=version, by=by, keys=proposal_keys(version))
    data = services.VersionSettings(
        title=version.title,
        objectives=version.objectives or ["Appliquer la procédure de nettoyage."],
        items_per_attempt=min(3, version.items.count()),
    )
    return services.update_settings(version=version, by=by, data=data)


def _submitted(engagement, by):
    version = _ready(_module(engagement, by), by)
    return services.submit_version(version=version, by=by)


def _to_validation(engagement, pm):
    return workflow.advance_phase(engagement=engagement, by=pm)


@pytest.fixture
def draft(in_production, designer_member):
    return _module(in_production, designer_member)


def test_the_procedure_is_proposed_as_lessons_and_items_to_review(draft):
    lessons = list(draft.lessons.all())
    items = list(draft.items.all())
    assert [lesson.source_anchor for lesson in lessons] == ["s-1", "s-2", "s-3", "s-4"]
    assert lessons[1].title == "Rôles et responsabilités"
    assert not any(x.reviewed for x in [*lessons, *items])
    kinds = {item.kind for item in items}
    assert {"ordering", "true_false", "numeric"} <= kinds
    numeric = next(i for i in items if i.kind == "numeric")
    assert numeric.answer == 48 and numeric.source_anchors == ["s-4"]
    link = draft.source_links.get()
    assert link.document_version == procedure_version(draft.module.engagement)


def test_unreviewed_proposals_cannot_be_submitted(draft, designer_member):
    with pytest.raises(Refusal) as refused:
        services.submit_version(version=draft, by=designer_member)
    assert refused.value.code == "unreviewed"
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.snapshot is None


def test_submission_freezes_the_version_and_any_edit_is_refused(in_production, designer_member):
    version = _submitted(in_production, designer_member)
    assert version.status == Status.SUBMITTED and len(version.content_sha256) == 64
    lesson, item = version.lessons.first(), version.items.first()
    events = AuditEvent.objects.count()
    attempts = [
        lambda: services.save_lesson(
            version=version,
            by=designer_member,
            data=services.LessonInput("Autre titre"),
            lesson_id=lesson.pk,
        ),
        lambda: services.delete_item(version=version, by=designer_member, item_id=item.pk),
        lambda: services.update_settings(
            version=version, by=designer_member, data=services.VersionSettings(title="Autre")
        ),
    ]
    for attempt in attempts:
        with pytest.raises(Refusal) as refused:
            attempt()
        assert refused.value.code == "frozen"
    assert AuditEvent.objects.count() == events
    version.refresh_from_db()
    assert is_intact(version) and version.title == "Nettoyage des paillasses"


def test_the_client_cannot_edit_and_the_designer_cannot_approve(
    in_production, designer_member, owner, pm
):
    version = _module(in_production, designer_member)
    with pytest.raises(Refusal):
        services.save_lesson(version=version, by=owner, data=services.LessonInput("x"))
    version = services.submit_version(version=_ready(version, designer_member), by=designer_member)
    engagement = _to_validation(in_production, pm)
    for wrong in (designer_member, pm, make_member(engagement.client, Role.CLIENT_MANAGER)):
        with pytest.raises(Refusal):
            services.approve_version(version=version, by=wrong)
    assert ModuleVersion.objects.get(pk=version.pk).status == Status.SUBMITTED


def test_another_organisations_owner_cannot_approve(in_production, designer_member, pm, outsider):
    version = _submitted(in_production, designer_member)
    _to_validation(in_production, pm)
    outsider_owner = make_member(outsider.organization, Role.CLIENT_OWNER)
    with pytest.raises(Refusal):
        services.approve_version(version=version, by=outsider_owner)
    assert ModuleVersion.objects.get(pk=version.pk).status == Status.SUBMITTED


def test_gates_of_phases_3_and_4(in_production, designer_member, pm, owner):
    assert [c.name for c in unmet_checks(in_production)] == ["modules_defined", "modules_submitted"]
    version = _module(in_production, designer_member)
    assert [c.name for c in unmet_checks(in_production)] == ["modules_submitted"]
    with pytest.raises(GateClosed):
        workflow.advance_phase(engagement=in_production, by=pm)
    services.submit_version(version=_ready(version, designer_member), by=designer_member)
    engagement = _to_validation(in_production, pm)
    assert [c.name for c in unmet_checks(engagement)] == [
        "modules_approved",
        "acceptance_record_signed",
    ]


def test_changes_requested_then_revised_approved_and_activated_by_the_signed_record(
    in_production, designer_member, pm, owner, outsider
):
    first = _submitted(in_production, designer_member)
    engagement = _to_validation(in_production, pm)
    services.add_comment(
        version=first, by=owner, body="Préciser le délai.", item_key=first.items.first().key
    )
    services.request_changes(version=first, by=owner, reason="Le délai a changé.")
    with pytest.raises(Refusal):  # nothing approved: no record
        services.generate_acceptance_record(engagement=engagement, by=pm)
    second = services.create_version(version=first, by=designer_member)
    assert second.label == "1.1" and second.items.count() == first.items.count()
    services.save_lesson(
        version=second,
        by=designer_member,
        data=services.LessonInput("Délais à respecter", "s-4"),
        lesson_id=second.lessons.get(source_anchor="s-4").pk,
    )
    second = services.submit_version(version=second, by=designer_member)
    with pytest.raises(Refusal) as refused:  # the old version is no longer in scope
        services.approve_version(version=ModuleVersion.objects.get(pk=first.pk), by=owner)
    assert refused.value.code in ("not_in_scope", "not_submitted")
    services.approve_version(version=second, by=owner)
    assert not is_assignable(ModuleVersion.objects.get(pk=second.pk))  # approved is not active
    record = services.generate_acceptance_record(engagement=engagement, by=pm)
    assert [m["version"] for m in record.snapshot["modules"]] == ["1.1"]
    assert record.snapshot["modules"][0]["content_sha256"] == second.content_sha256
    with pytest.raises(Refusal):  # the wrong role cannot sign the record
        sign(record, make_member(engagement.client, Role.CLIENT_MANAGER))
    with pytest.raises(Refusal):  # nor the content owner of another organisation
        sign(record, make_member(outsider.organization, Role.CLIENT_OWNER))
    assert ModuleVersion.objects.get(pk=second.pk).status == Status.APPROVED
    sign(record, owner)
    second.refresh_from_db()
    assert second.status == Status.ACTIVE and is_assignable(second)
    assert ModuleVersion.objects.get(pk=first.pk).status == Status.CHANGES_REQUESTED
    assert unmet_checks(engagement) == []
    engagement = workflow.advance_phase(engagement=engagement, by=pm)
    assert engagement.phase == 5


def test_a_version_altered_after_submission_cannot_be_approved(
    in_production, designer_member, pm, owner
):
    version = _submitted(in_production, designer_member)
    _to_validation(in_production, pm)
    version.items.filter(pk=version.items.first().pk).update(prompt="Question changée en base")
    with pytest.raises(Refusal) as refused:
        services.approve_version(version=version, by=owner)
    assert refused.value.code == "altered"
    assert ModuleVersion.objects.get(pk=version.pk).status == Status.SUBMITTED


def test_a_new_procedure_version_marks_the_module_outdated(in_production, designer_member, owner):

    version = _submitted(in_production, designer_member)
    source = procedure_version(in_production).source
    upload_procedure(
        in_production,
        owner,
        content=PROCEDURE_V2,
        name="nettoyage.txt",
        version="2.0",
        source_id=source.pk,
    )
    version.refresh_from_db()
    assert version.is_outdated
    changed = {c["anchor"]: c for c in version.outdated_changes}
    assert set(changed) == {"s-4"} and changed["s-4"]["change"] == "modified"
    assert changed["s-4"]["used"] and "24 heures" in changed["s-4"]["new_text"]
    assert AuditEvent.objects.filter(action="module.version_outdated").count() == 1
    # The next version is built on the procedure in force.
    revised = services.create_version(version=version, by=designer_member)
    assert revised.source_links.get().document_version.version_label == "2.0"
    assert not revised.is_outdated


def test_rich_text_is_sanitised_and_a_renamed_executable_is_not_an_image(draft, designer_member):
    lesson = draft.lessons.first()
    block = services.save_block(
        version=draft,
        by=designer_member,
        lesson_id=lesson.pk,
        data=services.BlockInput(
            "text", html='<p onclick="x()">Bonjour <script>alert(1)</script><b>ok</b></p>'
        ),
    )
    assert "script" not in block.html and "onclick" not in block.html and "Bonjour" in block.html
    count = lesson.blocks.count()
    with pytest.raises(Refusal):
        services.save_block(
            version=draft,
            by=designer_member,
            lesson_id=lesson.pk,
            data=services.BlockInput("image", upload=(b"MZ\x90\x00" + b"\x00" * 64, "photo.png")),
        )
    assert lesson.blocks.count() == count


def test_an_item_must_be_answerable_and_tagged_to_a_section(draft, designer_member):
    bad = [
        services.ItemInput("single", "Qui ?", ["A", "B"], [], source_anchors=["s-2"]),
        services.ItemInput("single", "Qui ?", ["A", "B"], [0], source_anchors=[]),
        services.ItemInput("single", "Qui ?", ["A", "B"], [0], source_anchors=["99"]),
        services.ItemInput("numeric", "Combien ?", source_anchors=["s-4"]),
        services.ItemInput("single", "Qui ?", ["A", "B"], [0, 1], source_anchors=["s-2"]),
    ]
    count = draft.items.count()
    for data in bad:
        with pytest.raises(Refusal):
            services.save_item(version=draft, by=designer_member, data=data)
    assert draft.items.count() == count
