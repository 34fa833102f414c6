"""What every API router shares: the error schemas and the JSON error answers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, ValidationError

from saveit.core.errors import Refusal


class ErrorOut(Schema):
    detail: str
    code: str = "error"


class ValidationItem(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[ValidationItem]


# The error answers every operation may give; added to each operation's documented responses.
COMMON_ERRORS: dict[int, Any] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut,
}


def _error(
    api: NinjaAPI, request: HttpRequest, status: int, detail: str, code: str
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code}, status=status)


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _error(api, request, 404, "Not found.", "not_found")

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _error(api, request, 403, "Your role does not allow this.", "forbidden")

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _error(
            api,
            request,
            401,
            "Authentication required: session or Bearer token.",
            "unauthenticated",
        )

    @api.exception_handler(Refusal)
    def refused(request: HttpRequest, exc: Refusal) -> HttpResponse:
        body: dict[str, object] = {"detail": exc.message, "code": exc.code, **exc.details()}
        return api.create_response(request, body, status=exc.status)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        items = [
            {
                "loc": [str(part) for part in error.get("loc", [])],
                "msg": str(error.get("msg", "")),
                "type": str(error.get("type", "")),
            }
            for error in exc.errors
        ]
        return api.create_response(request, {"detail": items}, status=422)
