from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import TokenForm
from .permissions import access_own_token, acting_member
from .selectors import tokens_of
from .services import TOKEN_DEFAULT_DAYS


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        issued = services.issue_api_token(
            membership=member,
            name=form.cleaned_data["name"],
            days=form.cleaned_data["days"] or TOKEN_DEFAULT_DAYS,
        )
        secret = issued.secret
        form = TokenForm()
    return render(
        request,
        "accounts/token_list.html",
        {"form": form, "tokens": tokens_of(request.user), "secret": secret},  # type: ignore[arg-type]
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = access_own_token(acting_member(request), token_id)
    services.revoke_api_token(token=token, by=token.membership)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:token_list")
