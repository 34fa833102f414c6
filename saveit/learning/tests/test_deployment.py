"""Phase 5: populations imported all-or-nothing, assignments of active versions only, invitations."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from saveit.accounts.roles import Role
from saveit.audit.models import AuditEvent
from saveit.core.errors import Refusal
from saveit.orchestration.gates import unmet_checks
from saveit.testing.factories import make_engagement, make_member, signed_in
from saveit.testing.learning_setup import CSV
from saveit.testing.pdf import make_pdf

from ..models import Assignment, Learner, PopulationImport, SignInLink
from ..services import assignments, populations


def test_an_import_is_previewed_then_committed_once(deployed, owner):
    engagement, _version = deployed
    population = populations.create_population(engagement=engagement, name="Lyon", by=owner)
    batch = populations.preview_import(
        population=population, content=CSV, filename="lyon.csv", by=owner
    )
    assert (batch.valid_rows, batch.error_count) == (3, 0)
    assert Learner.objects.count() == 0  # a preview imports nothing
    populations.commit_import(batch=batch, by=owner)
    assert population.members.count() == 3
    camille = Learner.objects.get(email="camille.lefevre@alpha.example")
    assert (camille.first_name, camille.site, camille.employee_id) == ("Camille", "Lyon", "M001")
    with pytest.raises(Refusal) as replayed:  # the same commit posted twice
        populations.commit_import(batch=batch, by=owner)
    assert replayed.value.code == "replayed" and Learner.objects.count() == 3
    assert AuditEvent.objects.filter(action="population.imported").count() == 1


def test_a_file_with_a_bad_row_imports_nothing(deployed, owner):
    engagement, _version = deployed
    population = populations.create_population(engagement=engagement, name="Lyon", by=owner)
    bad = CSV + b"Petit;Jules;pas-une-adresse;M004;Lyon;Technicien;\n"
    batch = populations.preview_import(
        population=population, content=bad, filename="lyon.csv", by=owner
    )
    assert batch.error_count == 1 and batch.errors[0]["line"] == 5
    with pytest.raises(Refusal) as refused:
        populations.commit_import(batch=batch, by=owner)
    assert refused.value.code == "invalid_rows"
    assert Learner.objects.count() == 0 and population.members.count() == 0


def test_a_file_that_is_not_a_table_is_refused_and_nothing_is_stored(deployed, owner):
    engagement, _version = deployed
    population = populations.create_population(engagement=engagement, name="Lyon", by=owner)
    for content, name in ((make_pdf("Liste"), "liste.csv"), (b"MZ\x90\x00" * 50, "liste.xlsx")):
        with pytest.raises(Refusal):
            populations.preview_import(
                population=population, content=content, filename=name, by=owner
            )
    assert PopulationImport.objects.count() == 0


def test_an_employee_id_already_held_by_someone_else_is_a_row_error(population, owner):
    clash = ("Nom;Prénom;E-mail;Matricule\nRoux;Inès;ines.roux@alpha.example;M001\n").encode()
    batch = populations.preview_import(
        population=population, content=clash, filename="x.csv", by=owner
    )
    assert batch.error_count == 1 and "camille.lefevre@alpha.example" in batch.errors[0]["message"]


def test_two_organisations_records_of_the_same_person_never_mix(
    deployed, other_deployed, owner, outsider, django_capture_on_commit_callbacks
):
    """Camille works for both clients: each imports her, same e-mail, same employee id."""
    line = "Nom;Prénom;E-mail;Matricule;Site\nLefèvre;Camille;camille.lefevre@alpha.example;M001;"
    people = {}
    for (engagement, version), by, site in (
        (deployed, owner, "Lyon-Gerland"),
        (other_deployed, outsider, "Marseille-Fos"),
    ):
        population = populations.create_population(engagement=engagement, name="Tech", by=by)
        batch = populations.preview_import(
            population=population, content=(line + site).encode(), filename="t.csv", by=by
        )
        assert (batch.valid_rows, batch.error_count) == (1, 0)  # the other's M001 is no clash
        populations.commit_import(batch=batch, by=by)
        with django_capture_on_commit_callbacks(execute=True):
            assignments.assign_population(
                version=version, population=population, due_on=None, by=by
            )
        people[by.organization_id] = (population, population.learners.get())
    (ours, alpha), (theirs, beta) = people[owner.organization_id], people[outsider.organization_id]
    assert alpha.pk != beta.pk and Learner.objects.filter(email=alpha.email).count() == 2
    assert (alpha.site, alpha.employee_id, beta.site, beta.employee_id) == (
        "Lyon-Gerland", "M001", "Marseille-Fos", "M001",
    )  # fmt: skip
    alpha_task = Assignment.objects.get(learner=alpha)
    beta_task = Assignment.objects.get(learner=beta)
    assert alpha_task.organization_id == owner.organization_id
    assert beta_task.organization_id == outsider.organization_id

    # The owners see their own record only; the other's population answers 404.
    for by, mine, other, site, elsewhere in (
        (owner, ours, theirs, "Lyon-Gerland", "Marseille-Fos"),
        (outsider, theirs, ours, "Marseille-Fos", "Lyon-Gerland"),
    ):
        browser = signed_in(by)
        page = browser.get(f"/populations/{mine.pk}/").content.decode()
        assert site in page and elsewhere not in page
        assert browser.get(f"/populations/{other.pk}/").status_code == 404
        listed = browser.get(f"/api/v1/engagements/{other.engagement_id}/populations")
        assert listed.status_code == 404

    # One person, one account, a learner membership in each: each shows its own assignment.
    invitations = [m for m in mail.outbox if m.to == [alpha.email]]
    assert len(invitations) == 2
    seen = {}
    for message in invitations:
        link = re.search(r"https?://[^/\s]+(/acces/[\w-]+/)", message.body).group(1)
        learner = Client()
        learner.post(link)
        page = learner.get("/mes-formations/").content.decode()
        listed = {a["id"] for a in learner.get("/api/v1/me/assignments").json()}
        shown = {a for a in (alpha_task.pk, beta_task.pk) if f"/mes-formations/{a}/" in page}
        assert len(listed) == 1 and shown == listed
        (own,) = listed
        other = beta_task.pk if own == alpha_task.pk else alpha_task.pk
        assert learner.get(f"/mes-formations/{other}/").status_code == 404
        seen[own] = listed
    assert set(seen) == {alpha_task.pk, beta_task.pk}
    alpha.refresh_from_db()
    beta.refresh_from_db()
    assert alpha.user_id == beta.user_id is not None

    # Assigning the other client's record of her is refused, alone or with ours.
    _engagement, version = deployed
    for ids in ([beta.pk], [alpha.pk, beta.pk]):
        with pytest.raises(Refusal) as refused:
            assignments.assign_learners(version=version, learner_ids=ids, due_on=None, by=owner)
        assert refused.value.code == "foreign"
    assert Assignment.objects.count() == 2


def test_assigning_a_population_invites_each_learner_and_opens_the_gate(
    deployed, population, owner, django_capture_on_commit_callbacks
):
    engagement, version = deployed
    assert [c.name for c in unmet_checks(engagement)] == ["population_assigned"]
    with django_capture_on_commit_callbacks(execute=True):
        created = assignments.assign_population(
            version=version, population=population, due_on=None, by=owner
        )
    assert created == 3 and Assignment.objects.filter(module_version=version).count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        population.learners.values_list("email", flat=True)
    )
    assert re.search(r"/acces/sl_[\w-]+/", mail.outbox[0].body)
    assert SignInLink.objects.count() == 3
    assert Assignment.objects.filter(invited_at__isnull=True).count() == 0
    assert unmet_checks(engagement) == []
    # Assigning again adds nobody twice.
    assert (
        assignments.assign_population(version=version, population=population, due_on=None, by=owner)
        == 0
    )


def test_only_an_active_version_of_this_engagement_can_be_assigned(
    deployed, population, owner, designer_member
):
    _engagement, version = deployed
    from saveit.catalog.models import Module, ModuleVersion

    for status in ("draft", "submitted", "approved", "retired"):
        other = ModuleVersion.objects.create(
            module=version.module, title="x", created_by=designer_member, minor=9, status=status
        )
        with pytest.raises(Refusal) as refused:
            assignments.assign_population(
                version=other, population=population, due_on=None, by=owner
            )
        assert refused.value.code == "not_active"
        other.delete()
    elsewhere = Module.objects.create(
        organization=version.module.organization,
        engagement=make_engagement(version.module.organization),
        code="MOD-09",
        title="Ailleurs",
        created_by=designer_member,
    )
    foreign = ModuleVersion.objects.create(
        module=elsewhere, title="x", created_by=designer_member, status="active"
    )
    with pytest.raises(Refusal) as refused:
        assignments.assign_population(version=foreign, population=population, due_on=None, by=owner)
    assert refused.value.code == "foreign"
    assert Assignment.objects.count() == 0


def test_learners_of_another_organisation_cannot_be_assigned(deployed, owner, other_org):
    _engagement, version = deployed
    stranger = Learner.objects.create(
        organization=other_org, email="x@beta.example", last_name="X", first_name="Y"
    )
    with pytest.raises(Refusal) as refused:
        assignments.assign_learners(
            version=version, learner_ids=[stranger.pk], due_on=None, by=owner
        )
    assert refused.value.code == "foreign" and Assignment.objects.count() == 0


def test_only_the_clients_owner_or_the_providers_pm_deploy(deployed, population, outsider):
    engagement, version = deployed
    manager = make_member(engagement.client, Role.CLIENT_MANAGER)
    for who in (manager, outsider):
        with pytest.raises(Refusal) as refused:
            assignments.assign_population(
                version=version, population=population, due_on=None, by=who
            )
        assert refused.value.code == "forbidden"
    assert Assignment.objects.count() == 0
