"""One rule decides which module versions a member sees: the lists link only to what opens."""

from __future__ import annotations

import re

from django.urls import reverse

from saveit.accounts.roles import Role, is_provider_staff
from saveit.testing.catalog_setup import new_module as _draft
from saveit.testing.factories import make_member, signed_in

from ..selectors import versions_visible_to


def _linked_versions(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r"/modules/versions/(\d+)/\"", page)}


def test_the_client_owners_module_list_links_to_no_draft(in_production, designer_member, owner):
    draft = _draft(in_production, designer_member)
    client = signed_in(owner)
    page = client.get(reverse("catalog:modules", args=[in_production.pk]))
    assert page.status_code == 200
    assert draft.pk not in _linked_versions(page.content.decode())
    assert client.get(reverse("catalog:version", args=[draft.pk])).status_code == 404


def test_every_version_a_list_links_to_opens(in_production, designer_member, owner):
    draft = _draft(in_production, designer_member)
    for member in (designer_member, owner):
        client = signed_in(member)
        page = client.get(reverse("catalog:modules", args=[in_production.pk])).content.decode()
        for pk in _linked_versions(page):
            assert client.get(reverse("catalog:version", args=[pk])).status_code == 200, member
    designer_page = signed_in(designer_member).get(
        reverse("catalog:modules", args=[in_production.pk])
    )
    assert draft.pk in _linked_versions(designer_page.content.decode())


def test_the_api_list_and_the_page_show_the_same_versions(in_production, designer_member, owner):
    _draft(in_production, designer_member)
    for member in (designer_member, owner):
        client = signed_in(member)
        page = client.get(reverse("catalog:modules", args=[in_production.pk])).content.decode()
        listed = client.get(f"/api/v1/engagements/{in_production.pk}/modules").json()
        api_ids = {v["id"] for m in listed for v in m["versions"]}
        assert api_ids == _linked_versions(page), member


def test_an_ended_staff_membership_sees_no_draft(in_production, designer_member, provider):
    draft = _draft(in_production, designer_member)
    ended = make_member(provider, Role.DESIGNER)
    ended.is_active = False
    ended.save()
    assert not is_provider_staff(ended)
    assert not versions_visible_to(ended).filter(pk=draft.pk).exists()
    assert versions_visible_to(designer_member).filter(pk=draft.pk).exists()
