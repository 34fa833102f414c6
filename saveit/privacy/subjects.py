"""A person concerned, as one organisation knows them, and their rows in every declared model."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Model, Q, QuerySet

from saveit.accounts.models import Membership, Organization
from saveit.core.privacy import Declaration, Pseudonym, declarations
from saveit.learning.models import Learner


@dataclass(frozen=True)
class Person:
    organization: Organization
    email: str
    learner_ids: tuple[int, ...]
    user_ids: tuple[int, ...]
    membership_ids: tuple[int, ...]
    names: tuple[str, ...]

    @property
    def known(self) -> bool:
        """Whether the organisation holds anything about this address (else: another org's)."""
        return bool(self.learner_ids or self.membership_ids)

    def ids(self, key: str) -> tuple[int, ...]:
        return {
            "user": self.user_ids,
            "learner": self.learner_ids,
            "membership": self.membership_ids,
        }[key]

    @property
    def identifiers(self) -> tuple[str, ...]:
        """The strings that name the person: their address and names, longest first."""
        # Very short names would match inside unrelated words: only meaningful strings count.
        found = {self.email, *(n for n in self.names if len(n.strip()) >= 5)}
        return tuple(sorted(found, key=len, reverse=True))

    def pseudonym(self) -> Pseudonym:
        """Stable for one person of one organisation, meaningless without the database."""
        material = f"{self.organization.pk}:{self.email}:{min(self.learner_ids or (0,))}"
        code = "P-" + hashlib.sha256(material.encode()).hexdigest()[:8].upper()
        return Pseudonym(code=code, identifiers=self.identifiers)


def find_person(organization: Organization, email: str) -> Person:
    email = email.strip().lower()
    learners = list(Learner.objects.filter(organization=organization, email__iexact=email))
    users = list(get_user_model().objects.filter(email__iexact=email))
    user_ids = {u.pk for u in users} | {x.user_id for x in learners if x.user_id}
    memberships = list(
        Membership.objects.filter(organization=organization, user_id__in=user_ids).values_list(
            "pk", flat=True
        )
    )
    names: set[str] = set()
    for learner in learners:
        names |= {learner.full_name, f"{learner.last_name} {learner.first_name}"}
    for user in get_user_model().objects.filter(pk__in=user_ids):
        names |= {user.full_name, f"{user.last_name} {user.first_name}"}
    return Person(
        organization=organization,
        email=email,
        learner_ids=tuple(sorted(x.pk for x in learners)),
        user_ids=tuple(sorted(user_ids)) if (learners or memberships) else (),
        membership_ids=tuple(sorted(memberships)),
        names=tuple(sorted(n.strip() for n in names if n.strip())),
    )


def model_of(declaration: Declaration) -> type[Model]:
    return apps.get_model(declaration.label)


def rows_of(declaration: Declaration, person: Person) -> QuerySet[Model] | None:
    """The person's rows in one declared model, within the person's organisation (None when the
    model has no way to reach a person)."""
    if not declaration.subject:
        return None
    condition = Q()
    for key, lookup in declaration.subject.items():
        if key == "email":
            condition |= Q(**{f"{lookup}__iexact": person.email})
        else:
            condition |= Q(**{f"{lookup}__in": person.ids(key)})
    queryset = model_of(declaration)._default_manager.filter(condition)
    if declaration.organization:
        queryset = queryset.filter(**{declaration.organization: person.organization.pk})
    return queryset


def declared_rows(person: Person) -> Iterator[tuple[Declaration, QuerySet[Model]]]:
    for declaration in declarations():
        queryset = rows_of(declaration, person)
        if queryset is not None:
            yield declaration, queryset
