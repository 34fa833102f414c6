"""The OpenAPI schema lists the status codes the API answers (schemathesis checks the rest)."""

from __future__ import annotations

import pytest
from django.test import Client

from saveit.api import api
from saveit.testing.factories import bearer


def _operations():  # type: ignore[no-untyped-def]
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield method, path, operation


def test_every_operation_with_a_body_documents_the_400_of_a_body_that_is_not_json():
    with_body = [(m, p, op) for m, p, op in _operations() if "requestBody" in op]
    assert len(with_body) > 30
    undocumented = [f"{m} {p}" for m, p, op in with_body if 400 not in op["responses"]]
    assert not undocumented


def test_every_operation_documents_the_common_errors():
    for method, path, operation in _operations():
        assert {401, 403, 404, 422} <= set(operation["responses"]), f"{method} {path}"


@pytest.mark.django_db
def test_a_body_that_is_not_json_answers_400_in_the_documented_shape(owner):
    response = Client(headers=bearer(owner)).patch(
        f"/api/v1/organizations/{owner.organization_id}", "\x00", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body", "code": "invalid_body"}
