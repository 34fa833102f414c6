from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .request_context import origin_from_request, reset_origin, set_origin


class RequestContextMiddleware:
    """Makes the request's origin available to services for the audit trail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_origin(origin_from_request(request))
        try:
            return self.get_response(request)
        finally:
            reset_origin(token)


class FrenchFirstMiddleware:
    """French unless the person chose English with the switcher (cookie), whatever the browser.

    Placed before LocaleMiddleware: the browser's Accept-Language is ignored, so a French
    company's staff on an English-configured computer still get the French interface.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
