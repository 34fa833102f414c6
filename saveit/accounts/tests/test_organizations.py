from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from saveit.accounts.models import Membership, Organization
from saveit.accounts.services import create_organization
from saveit.accounts.validators import luhn_ok
from saveit.core.errors import Refusal
from saveit.testing.factories import signed_in

pytestmark = pytest.mark.django_db


def test_provider_admin_creates_a_client_organisation(staff_admin):
    response = signed_in(staff_admin).post(
        reverse("accounts:organization_create"),
        {
            "kind": "client",
            "name": "Clinique du Parc",
            "siren": "552 100 554",
            "vat_number": "FR96 552100554",
            "address": "1 rue du Parc",
        },
    )
    assert response.status_code == 302
    org = Organization.objects.get(name="Clinique du Parc")
    assert (org.siren, org.vat_number) == ("552100554", "FR96552100554")


def test_a_client_owner_cannot_create_organisations(owner):
    response = signed_in(owner).post(
        reverse("accounts:organization_create"), {"kind": "client", "name": "X"}
    )
    assert response.status_code == 403
    assert not Organization.objects.filter(name="X").exists()


@pytest.mark.parametrize("siren", ["123456789", "12345678", "55210055A"])
def test_an_invalid_siren_is_refused(db, siren):
    with pytest.raises(Refusal):
        create_organization(name="Bad", kind="client", siren=siren)
    assert not Organization.objects.filter(name="Bad").exists()


def test_a_french_vat_number_with_a_wrong_key_is_refused(db):
    with pytest.raises(Refusal):
        create_organization(name="Bad", kind="client", vat_number="FR11552100554")


def test_luhn_accepts_a_known_siren():
    assert luhn_ok("552100554") and not luhn_ok("552100555")


def test_owner_edits_the_organisation_details(owner):
    url = reverse("accounts:organization_edit", args=[owner.organization_id])
    response = signed_in(owner).post(
        url, {"name": "Alpha SA", "siren": "", "vat_number": "", "address": "Lyon"}
    )
    assert response.status_code == 302
    owner.organization.refresh_from_db()
    assert owner.organization.name == "Alpha SA"


def test_ops_commands_are_idempotent_and_print_the_slug(db, capsys):
    call_command("create_organization", name="Mairie de Brest", kind="client")
    call_command("create_organization", name="Mairie de Brest", kind="client")
    slugs = capsys.readouterr().out.split()
    assert slugs == ["mairie-de-brest", "mairie-de-brest"]
    for _ in range(2):
        call_command(
            "add_member",
            org="mairie-de-brest",
            email="elu@brest.test",
            role="client_owner",
            password="un-mot-de-passe-solide",
        )
    assert Membership.objects.filter(user__email="elu@brest.test").count() == 1


def test_ops_commands_give_clear_errors(db):
    with pytest.raises(CommandError, match="No organisation"):
        call_command("add_member", org="nope", email="a@b.fr", role="learner")
    call_command("create_organization", name="Provider", kind="provider")
    with pytest.raises(CommandError, match="exists as a provider"):
        call_command("create_organization", name="Provider", kind="client")
    with pytest.raises(CommandError, match="learner"):
        call_command("add_member", org="provider", email="a@b.fr", role="learner")
    with pytest.raises(CommandError):
        call_command("add_member", org="provider", email="a@b.fr", role="admin", password="123")


def test_demo_loads_twice_without_duplicates(db):
    call_command("demo")
    counts = (Organization.objects.count(), Membership.objects.count())
    call_command("demo")
    assert (Organization.objects.count(), Membership.objects.count()) == counts == (3, 13)


def test_a_weak_password_is_refused_by_the_service_and_creates_nobody(client_org):
    from saveit.accounts.models import User
    from saveit.accounts.services import add_member

    with pytest.raises(Refusal):
        add_member(
            organization=client_org, email="faible@alpha.test", role="learner", password="123456"
        )
    assert not User.objects.filter(email="faible@alpha.test").exists()
