from django.http import HttpRequest, HttpResponse


def trail(request: HttpRequest) -> HttpResponse:  # placeholder until the trail page lands
    return HttpResponse(status=501)
