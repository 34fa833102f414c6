"""What every API router shares: the error schemas and the JSON error answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import formats, timezone
from django.utils.translation import gettext
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from saveit.core.errors import Refusal
from saveit.core.refusals import report_refusal
from saveit.core.uploads import refused_upload


class ErrorOut(Schema):
    detail: str
    code: str = "error"


class ValidationItem(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[ValidationItem]


# A row id in a list of ids sent to the API: within the databases' 64-bit integers. One out of
# that range fails `pk__in` lookups with an OverflowError (a single `pk=` lookup finds nothing).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]

# The largest `offset` a paged list accepts: past it the database cannot slice (SQLite's integers
# stop at 2**63 - 1, and offset + limit must fit too); no list is anywhere near this long.
OFFSET_MAX = 10_000_000

# The error answers every operation may give; added to each operation's documented responses.
COMMON_ERRORS: dict[int, Any] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut,
}


class SaveitNinjaAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI schema lists the 400 every operation with a body may answer (a body
    that is not JSON: ninja refuses it before validation, so no router declares it)."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        bad_body = {
            "description": "The body is not valid JSON (or not valid multipart form data).",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
        }
        for operations in schema["paths"].values():
            for operation in operations.values():
                if "requestBody" in operation:
                    operation["responses"].setdefault(400, bad_body)
        return schema


class TokenExpired(AuthenticationError):
    """A real, unrevoked token past its expiry: answered 401 with the date, in the user's words."""

    def __init__(self, expired_at: datetime) -> None:
        super().__init__()
        self.expired_at = expired_at


def _error(
    api: NinjaAPI, request: HttpRequest, status: int, detail: str, code: str
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code}, status=status)


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        report_refusal(request, exc)
        return _error(api, request, 404, "Not found.", "not_found")

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        report_refusal(request, exc)
        # PermissionDenied(message) says why; a bare one is the role's refusal.
        detail = str(exc) or "Your role does not allow this."
        return _error(api, request, 403, detail, "forbidden")

    @api.exception_handler(TokenExpired)
    def expired(request: HttpRequest, exc: TokenExpired) -> HttpResponse:
        when = formats.date_format(timezone.localtime(exc.expired_at), "DATETIME_FORMAT")
        detail = gettext("This API token expired on %(date)s: create a new one.") % {"date": when}
        return _error(api, request, 401, detail, "token_expired")

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _error(
            api,
            request,
            401,
            "Authentication required: session or Bearer token.",
            "unauthenticated",
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = "invalid_body" if exc.status_code == 400 else "error"
        return _error(api, request, exc.status_code, str(exc), code)

    @api.exception_handler(Refusal)
    def refused(request: HttpRequest, exc: Refusal) -> HttpResponse:
        body: dict[str, object] = {"detail": exc.message, "code": exc.code, **exc.details()}
        return api.create_response(request, body, status=exc.status)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        too_big = refused_upload(request)
        if too_big is not None:  # the file is missing because its upload was stopped
            return refused(request, too_big)
        items = [
            {
                "loc": [str(part) for part in error.get("loc", [])],
                "msg": str(error.get("msg", "")),
                "type": str(error.get("type", "")),
            }
            for error in exc.errors
        ]
        return api.create_response(request, {"detail": items}, status=422)
