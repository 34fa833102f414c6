from django.http import HttpRequest, HttpResponse


def document_list(request: HttpRequest) -> HttpResponse:  # placeholder until documents land
    return HttpResponse(status=501)
