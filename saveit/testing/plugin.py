"""The pytest plugin every test of the project uses (registered by saveit/conftest.py).

Named personas per organisation, and the set-ups that several apps' tests share (an engagement
through its phases, a module in production, a deployed population). No test imports another
app's tests: what they share lives here.
"""

from __future__ import annotations

import pytest

from saveit.accounts.roles import OrganizationKind, Role
from saveit.testing.factories import make_member, make_organization


@pytest.fixture
def provider(db):
    return make_organization("SAVE IT", OrganizationKind.PROVIDER)


@pytest.fixture
def client_org(db):
    return make_organization("Laboratoires Alpha")


@pytest.fixture
def other_org(db):
    return make_organization("Transports Beta")


@pytest.fixture
def staff_admin(provider):
    return make_member(provider, Role.ADMIN)


@pytest.fixture
def designer(provider):
    return make_member(provider, Role.DESIGNER)


@pytest.fixture
def owner(client_org):
    return make_member(client_org, Role.CLIENT_OWNER)


@pytest.fixture
def manager(client_org):
    return make_member(client_org, Role.CLIENT_MANAGER)


@pytest.fixture
def learner(client_org):
    return make_member(client_org, Role.LEARNER)


@pytest.fixture
def quality_manager(provider):
    return make_member(provider, Role.QUALITY_MANAGER)


@pytest.fixture
def auditor(client_org):
    return make_member(client_org, Role.AUDITOR)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Each test stores uploaded files in its own folder, removed afterwards."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def outsider(other_org):
    """The owner of another client organisation: must never see client_org's data."""
    return make_member(other_org, Role.CLIENT_OWNER)


@pytest.fixture(autouse=True)
def nothing_kept_from_another_test():
    """Per-process caches keyed by id (the maintenance banner's windows) start empty: ids are
    reused once a test's rows are rolled back."""
    from saveit.support.banner import forget

    forget()


@pytest.fixture(autouse=True)
def english_messages_outside_requests():
    """Services called directly speak English msgids, so tests match the code's own words.

    Pages still go through LocaleMiddleware and render in French, as users see them.
    """
    from django.utils import translation

    with translation.override("en"):
        yield


from saveit.testing.catalog_setup import (  # noqa: E402, F401  (fixtures)
    designer_member,
    in_production,
)
from saveit.testing.engagement_setup import engagement, pm  # noqa: E402, F401  (fixtures)
from saveit.testing.learning_setup import (  # noqa: E402, F401  (fixtures)
    assigned,
    deployed,
    other_deployed,
    population,
)
