"""Reporting tests reuse the deployment fixtures: an active version assigned to 3 learners."""

from saveit.learning.tests.conftest import (  # noqa: F401  (fixtures)
    assigned,
    deployed,
    designer_member,
    engagement,
    in_production,
    pm,
    population,
)
