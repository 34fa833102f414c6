from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from saveit.accounts.roles import Role
from saveit.attendance import services
from saveit.learning.models import Learner, Population, PopulationMember
from saveit.testing.factories import make_member


@pytest.fixture
def trainees(client_org, learner, owner):
    """Three learners of the client, the first with an account (the `learner` membership)."""
    others = [make_member(client_org, Role.LEARNER) for _ in range(2)]
    records = [
        Learner.objects.create(
            organization=client_org,
            user=m.user,
            email=m.user.email,
            first_name=f"Prénom{i}",
            last_name=f"Nom{i}",
        )
        for i, m in enumerate([learner, *others])
    ]
    return records, [learner, *others]


@pytest.fixture
def population(engagement, owner, trainees):
    records, _members = trainees
    population = Population.objects.create(
        organization=engagement.client, engagement=engagement, name="Équipe", created_by=owner
    )
    for record in records:
        PopulationMember.objects.create(population=population, learner=record)
    return population


@pytest.fixture
def session(engagement, pm, population):
    session = services.create_session(
        engagement=engagement,
        by=pm,
        title="Gestes de sécurité",
        place="12 rue des Lilas\n69003 Lyon",
        room="Salle B",
        programme="Matin : théorie\nAprès-midi : pratique",
        accessibility_contact="Claire Martin, 04 72 00 00 00",
        trainers=[pm],
    )
    services.add_population(session=session, by=pm, population=population)
    now = timezone.now()
    start = now - timedelta(minutes=30)
    services.add_slot(session=session, by=pm, starts_at=start, ends_at=start + timedelta(hours=3))
    services.add_slot(
        session=session,
        by=pm,
        starts_at=start + timedelta(hours=4),
        ends_at=start + timedelta(hours=7),
    )
    return session
