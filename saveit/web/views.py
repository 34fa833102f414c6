"""The home page: a learner's trainings, or the organisation's overview for everyone else."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from saveit.accounts.roles import Role
from saveit.accounts.selectors import members_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    member = request.member  # type: ignore[attr-defined]
    if member is not None and member.role == Role.LEARNER:
        return redirect("learning:my_trainings")  # a learner's home is their trainings
    context: dict[str, object] = {}
    if member is not None:
        context["member_count"] = members_of(member.organization).filter(is_active=True).count()
    return render(request, "web/home.html", context)
