"""Learners typed or corrected by hand: the import's rules, one record shared by populations."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from saveit.accounts.roles import Role
from saveit.audit.models import AuditEvent
from saveit.core.errors import Refusal
from saveit.testing.factories import make_member, signed_in

from .. import selectors
from ..models import Assignment, Learner, SignInLink
from ..services import access, assignments, learners, populations
from ..services.learners import LearnerRefused

INES = {
    "last_name": "Roux",
    "first_name": "Inès",
    "email": "ines.roux@alpha.example",
    "employee_id": "M004",
    "site": "Lyon",
    "job": "Cheffe d'équipe",
    "manager": "",
}
FIELDS = tuple(INES)
# Each a value an import refuses on its row, and the refusal's code.
REFUSED = [
    ("email", "pas-une-adresse", "invalid"),
    ("email", "", "invalid"),
    ("last_name", "", "invalid"),
    ("site", '=HYPERLINK("http://evil.example","Lyon")', "invalid"),
    ("job", "+cmd|' /C calc'!A0", "invalid"),
    ("manager", "Inès\x07Roux", "invalid"),
    ("job", "x" * 201, "invalid"),
    ("employee_id", "M002", "exists"),  # Éloïse's
]


def record_of(learner: Learner) -> tuple[str, ...]:
    learner = Learner.objects.get(pk=learner.pk)
    return tuple(getattr(learner, key) for key in FIELDS)


def camille() -> Learner:
    return Learner.objects.get(email="camille.lefevre@alpha.example")


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# --- add and remove --------------------------------------------------------------------------


def test_a_learner_added_by_hand_is_cleaned_as_an_import_would(population, owner):
    typed = {**INES, "email": " Ines.Roux@Alpha.example ", "job": "Cheffe   d'équipe "}
    learner = populations.add_learner(population=population, fields=typed, by=owner)
    assert (learner.email, learner.job) == ("ines.roux@alpha.example", "Cheffe d'équipe")
    assert population.members.count() == 4
    assert events("population.learner_added") == 1


@pytest.mark.parametrize(("field", "value", "code"), REFUSED)
def test_a_learner_added_by_hand_is_refused_as_an_import_would_refuse_the_row(
    population, owner, field, value, code
):
    before = (Learner.objects.count(), population.members.count(), AuditEvent.objects.count())
    with pytest.raises(LearnerRefused) as refused:
        populations.add_learner(population=population, fields={**INES, field: value}, by=owner)
    assert refused.value.code == code and field in refused.value.errors
    assert before == (
        Learner.objects.count(),
        population.members.count(),
        AuditEvent.objects.count(),
    )


def test_adding_a_known_e_mail_reuses_the_organisations_record(deployed, population, owner):
    engagement, _version = deployed
    lyon = populations.create_population(engagement=engagement, name="Lyon", by=owner)
    known = camille()
    added = populations.add_learner(
        population=lyon,
        fields={**INES, "email": known.email, "employee_id": "M001", "first_name": "Camille"},
        by=owner,
    )
    assert added.pk == known.pk and Learner.objects.count() == 3
    assert camille().site == "Lyon" and camille().last_name == "Roux"


def test_removing_a_learner_keeps_the_record_and_the_assignments_made(assigned, population, owner):
    person = camille()
    populations.remove_learner(population=population, learner=person, by=owner)
    assert population.members.count() == 2 and Learner.objects.filter(pk=person.pk).exists()
    assert Assignment.objects.filter(learner=person, module_version=assigned).exists()
    assert events("population.learner_removed") == 1
    with pytest.raises(Refusal) as refused:  # once is enough
        populations.remove_learner(population=population, learner=person, by=owner)
    assert refused.value.code == "not_member" and events("population.learner_removed") == 1


def test_only_the_clients_owner_or_the_providers_pm_add_or_remove(population, deployed, pm):
    engagement, _version = deployed
    manager = make_member(engagement.client, Role.CLIENT_MANAGER)
    with pytest.raises(Refusal) as refused:
        populations.add_learner(population=population, fields=INES, by=manager)
    assert refused.value.code == "forbidden"
    with pytest.raises(Refusal) as refused:
        populations.remove_learner(population=population, learner=camille(), by=manager)
    assert refused.value.code == "forbidden" and population.members.count() == 3
    populations.add_learner(population=population, fields=INES, by=pm)
    assert population.members.count() == 4


# --- edit ------------------------------------------------------------------------------------


def test_a_learners_record_is_corrected_and_audited_without_personal_data(population, owner):
    person = camille()
    fields = {**dict(zip(FIELDS, record_of(person), strict=True)), "site": "  Villeurbanne "}
    fields["job"] = "Responsable de paillasse"
    learners.update_learner(population=population, learner=person, fields=fields, by=owner)
    assert camille().site == "Villeurbanne" and camille().job == "Responsable de paillasse"
    event = AuditEvent.objects.get(action="learner.updated")
    assert event.after["fields"] == ["site", "job"] and event.object_id == str(person.pk)
    assert "Villeurbanne" not in str(event.after) + str(event.before)
    # The same values again change nothing, and say nothing.
    learners.update_learner(population=population, learner=person, fields=fields, by=owner)
    assert events("learner.updated") == 1


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [*REFUSED, ("email", "eloise.durand@alpha.example", "exists")],
)
def test_an_edit_is_held_to_the_import_rules_and_changes_nothing(
    population, owner, field, value, code
):
    person = camille()
    before = record_of(person)
    fields = {**dict(zip(FIELDS, before, strict=True)), "site": "Villeurbanne", field: value}
    with pytest.raises(LearnerRefused) as refused:
        learners.update_learner(population=population, learner=person, fields=fields, by=owner)
    assert refused.value.code == code and field in refused.value.errors
    assert record_of(person) == before and events("learner.updated") == 0


def test_every_problem_of_an_edit_is_reported_at_once(population, owner):
    person = camille()
    before = record_of(person)
    fields = dict(zip(FIELDS, before, strict=True)) | {
        "site": "=1+2",
        "employee_id": "M002",  # Éloïse's
        "email": "noe.martin@alpha.example",  # Noé's
    }
    with pytest.raises(LearnerRefused) as refused:
        learners.update_learner(population=population, learner=person, fields=fields, by=owner)
    assert set(refused.value.errors) == {"site", "employee_id", "email"}
    assert refused.value.code == "invalid" and record_of(person) == before


def test_a_new_e_mail_address_ends_the_access_opened_with_the_old_one(assigned, population, owner):
    person = camille()
    message = next(m for m in mail.outbox if m.to == [person.email])
    token = re.search(r"/acces/([\w-]+)/", message.body).group(1)
    old_user, membership = access.use_sign_in_link(token=token)
    unused = access.new_sign_in_link(person).rsplit("/acces/", 1)[1].strip("/")
    browser = signed_in(membership)
    assignment = Assignment.objects.get(learner=person)
    assert f"/mes-formations/{assignment.pk}/" in browser.get("/mes-formations/").content.decode()

    fields = {
        **dict(zip(FIELDS, record_of(person), strict=True)),
        "email": "c.lefevre@alpha.example",
    }
    learners.update_learner(population=population, learner=person, fields=fields, by=owner)

    person.refresh_from_db()
    assert person.email == "c.lefevre@alpha.example" and person.user_id is None
    event = AuditEvent.objects.get(action="learner.updated")
    assert event.after["account_unlinked"] is True and event.after["links_voided"] == 1
    with pytest.raises(Refusal):  # sent to the old address: it opens nothing any more
        access.use_sign_in_link(token=unused)
    assert (
        f"/mes-formations/{assignment.pk}/" not in browser.get("/mes-formations/").content.decode()
    )
    new_user, _new = access.use_sign_in_link(
        token=access.new_sign_in_link(person).rsplit("/acces/", 1)[1].strip("/")
    )
    assert new_user.pk != old_user.pk and new_user.email == "c.lefevre@alpha.example"
    usable = SignInLink.objects.filter(used_at__isnull=True, expires_at__gt=timezone.now())
    assert not usable.filter(learner=person).exists()


def test_only_the_clients_owner_or_the_providers_pm_edit_a_learner(population, deployed, pm):
    engagement, _version = deployed
    person = camille()
    fields = {**dict(zip(FIELDS, record_of(person), strict=True)), "site": "Villeurbanne"}
    for who in (make_member(engagement.client, Role.CLIENT_MANAGER), make_member(
        engagement.client, Role.LEARNER
    )):  # fmt: skip
        with pytest.raises(Refusal) as refused:
            learners.update_learner(population=population, learner=person, fields=fields, by=who)
        assert refused.value.code == "forbidden"
    assert camille().site == "Lyon"
    learners.update_learner(population=population, learner=person, fields=fields, by=pm)
    assert camille().site == "Villeurbanne"


def test_a_learner_is_edited_only_through_a_population_they_belong_to(deployed, population, owner):
    engagement, _version = deployed
    lyon = populations.create_population(engagement=engagement, name="Lyon", by=owner)
    person = camille()
    fields = {**dict(zip(FIELDS, record_of(person), strict=True)), "site": "Villeurbanne"}
    with pytest.raises(Refusal) as refused:
        learners.update_learner(population=lyon, learner=person, fields=fields, by=owner)
    assert refused.value.code == "not_member" and camille().site == "Lyon"


def test_the_owner_corrects_a_learner_from_the_population_page(population, owner, deployed):
    engagement, _version = deployed
    person = camille()
    browser = signed_in(owner)
    url = f"/populations/{population.pk}/membres/{person.pk}/modifier/"
    assert url in browser.get(f"/populations/{population.pk}/").content.decode()
    page = browser.get(url).content.decode()
    assert 'value="camille.lefevre@alpha.example"' in page and 'value="M001"' in page
    values = dict(zip(FIELDS, record_of(person), strict=True))
    wrong = browser.post(url, {**values, "site": "=1+2"})
    assert wrong.status_code == 200 and camille().site == "Lyon"
    assert re.search(r'field-error">\s*<label for="id_site"', wrong.content.decode())
    done = browser.post(url, {**values, "site": "Villeurbanne"})
    assert done.status_code == 302 and done["Location"] == f"/populations/{population.pk}/"
    assert camille().site == "Villeurbanne"
    manager = make_member(engagement.client, Role.CLIENT_MANAGER)
    assert signed_in(manager).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the sign-in page


# --- one person in several populations of one engagement ---------------------------------------


def test_a_learner_in_two_populations_is_one_record_assigned_once(
    deployed, population, owner, django_capture_on_commit_callbacks
):
    engagement, version = deployed
    lyon = populations.create_population(engagement=engagement, name="Lyon", by=owner)
    person = camille()
    populations.add_learner(
        population=lyon,
        fields={**dict(zip(FIELDS, record_of(person), strict=True))},
        by=owner,
    )
    ines = populations.add_learner(population=lyon, fields=INES, by=owner)
    sizes = {p.name: p.size for p in selectors.populations_of(engagement)}
    assert sizes == {"Lyon": 2, "Techniciens": 3} and Learner.objects.count() == 4
    assert list(selectors.populations_of_learner(person, engagement)) == [lyon, population]

    with django_capture_on_commit_callbacks(execute=True):
        assert assignments.assign_population(
            version=version, population=population, due_on=None, by=owner
        ) == 3  # fmt: skip
        # Camille has the version already: through Lyon, only Inès is new.
        assert assignments.assign_population(
            version=version, population=lyon, due_on=None, by=owner
        ) == 1  # fmt: skip
    assert Assignment.objects.get(learner=person).population_id == population.pk
    assert Assignment.objects.get(learner=ines).population_id == lyon.pk
    assert [m.to for m in mail.outbox].count([person.email]) == 1
    assert selectors.version_progress(engagement)[0]["total"] == 4

    # Corrected through Lyon, the record is corrected for Techniciens too.
    fields = {**dict(zip(FIELDS, record_of(person), strict=True)), "site": "Villeurbanne"}
    learners.update_learner(population=lyon, learner=person, fields=fields, by=owner)
    assert selectors.members_of(population, "Villeurbanne").get() == person

    # Out of Lyon, still in Techniciens, and still assigned.
    populations.remove_learner(population=lyon, learner=person, by=owner)
    sizes = {p.name: p.size for p in selectors.populations_of(engagement)}
    assert sizes == {"Lyon": 1, "Techniciens": 3}
    assert Assignment.objects.filter(learner=person).count() == 1
