"""A document version labelled "v1" shows as "v1", never "vv1"; "2.0" shows as "v2.0"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from saveit.core.versions import version_tag
from saveit.documents import selectors
from saveit.documents.services import VersionInput, upload_version
from saveit.testing import sample_files as samples
from saveit.testing.factories import make_engagement, make_member, signed_in

pytestmark = pytest.mark.django_db


def test_a_label_that_names_itself_is_not_prefixed_twice():
    assert version_tag("2.0") == "v2.0"
    assert version_tag(" 3 ") == "v3"
    assert version_tag("v1") == "v1"
    assert version_tag("V1.2") == "V1.2"
    assert version_tag("Rév. 4") == "Rév. 4"
    assert version_tag("") == ""


def test_the_version_page_and_the_module_form_show_v1_once(client_org, provider, owner):
    from saveit.accounts.roles import Role

    engagement = make_engagement(client_org, make_member(provider, Role.PROJECT_MANAGER))
    version = upload_version(
        engagement=engagement,
        by=owner,
        uploaded_file=(samples.sample_text(), "p.txt"),
        data=VersionInput(title="Hygiène", version_label="v1", scopes=["Site de Lyon"]),
    )
    page = signed_in(owner).get(reverse("documents:version", args=[engagement.pk, version.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert ">v1</span>" in html and "vv1" not in html
    assert str(version) == "Hygiène v1"
    assert "vv1" not in str(selectors.mapping_snapshot(engagement))
