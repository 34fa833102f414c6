"""Attestations issued the real way: the learning app's deployed engagement and its learners."""

from saveit.learning.tests.conftest import (  # noqa: F401  (fixtures)
    assigned,
    deployed,
    designer_member,
    engagement,
    in_production,
    pm,
    population,
)
