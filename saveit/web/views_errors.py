"""The 403, 404 and 500 answers: a French page with a way back, or JSON under /api/.

The API's own handlers answer its refusals; these catch what reaches Django's handlers (an
unknown API route, a crash). The 500 page is drawn without request context: no context
processor, so no database query, runs while the site is failing.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            {"detail": _("You are not allowed to do this."), "code": "forbidden"}, status=403
        )
    return defaults.permission_denied(request, exception)  # type: ignore[arg-type]


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            {"detail": _("Server error: try again in a moment."), "code": "server_error"},
            status=500,
        )
    return HttpResponse(loader.get_template("500.html").render(), status=500)
