from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import LoginView, PasswordResetView
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saveit.core.confirm import confirmation_page, is_confirmed
from saveit.core.errors import Refusal
from saveit.core.images import MAX_UPLOAD_BYTES
from saveit.core.request_context import current_origin

from . import services
from .forms import (
    AcceptInvitationForm,
    AttestationSignatureForm,
    InviteForm,
    LoginForm,
    NewOrganizationForm,
    OrganizationForm,
    RoleForm,
    SecondFactorRuleForm,
    default_invite_role,
)
from .middleware import SESSION_KEY
from .models import Membership, Organization
from .permissions import (
    access_invitation,
    access_membership,
    access_organization,
    acting_member,
    can_manage_members,
    can_manage_organizations,
    can_set_attestation_signature,
)
from .roles import Role
from .selectors import (
    attestation_signature_of,
    invitations_of,
    members_of,
    organizations_visible_to,
)


class SaveitLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class ThrottledPasswordResetView(PasswordResetView):
    """Django's reset view, with e-mails capped per address and per IP (same answer always)."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        allowed = services.allow_password_reset_mail(
            email=form.cleaned_data["email"], ip=current_origin().ip
        )
        if allowed:
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("You are signed out."))
    return redirect("accounts:login")


@login_required
@require_POST
def switch_membership(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("membership", "")
    chosen = next((m for m in request.memberships if str(m.pk) == wanted), None)  # type: ignore[attr-defined]
    if chosen is None:
        raise Http404
    request.session[SESSION_KEY] = chosen.pk
    messages.success(
        request,
        _("You now act for %(org)s as %(role)s.")
        % {"org": chosen.organization.name, "role": chosen.get_role_display()},
    )
    return redirect("web:home")


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    if not can_manage_organizations(member):
        raise PermissionDenied
    organizations = organizations_visible_to(member).order_by("kind", "name")
    return render(request, "accounts/organization_list.html", {"organizations": organizations})


@login_required
def organization_create(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    if not can_manage_organizations(member):
        raise PermissionDenied
    form = NewOrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.create_organization(by=member, **form.cleaned_data)
        except Refusal as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Organisation created."))
            return redirect("accounts:organization_detail", org.pk)
    return render(request, "accounts/organization_form.html", {"form": form, "creating": True})


@login_required
def organization_detail(request: HttpRequest, org_id: int) -> HttpResponse:
    member = acting_member(request)
    return _organization_page(request, member, access_organization(member, org_id))


def _organization_page(
    request: HttpRequest,
    member: Membership,
    organization: Organization,
    invite_form: InviteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The organisation's page; a refused invitation comes back bound, with what was typed."""
    manage = can_manage_members(member, organization)
    # A learner sees their organisation, not the names and addresses of its other members.
    show_members = member.role != Role.LEARNER
    context = {
        "organization": organization,
        "show_members": show_members,
        "members": members_of(organization) if show_members else [],
        "invitations": invitations_of(organization)[:50] if manage else [],
        "can_manage": manage,
        "invite_form": invite_form
        or InviteForm(
            organization=organization, initial={"role": default_invite_role(organization)}
        )
        if manage
        else None,
        "second_factor_form": SecondFactorRuleForm(
            initial={"second_factor_rule": organization.second_factor_rule}
        )
        if manage
        else None,
        "signature": attestation_signature_of(organization) if organization.is_provider else None,
        "can_set_signature": can_set_attestation_signature(member, organization),
    }
    return render(request, "accounts/organization_detail.html", context, status=status)


@login_required
@require_POST
def organization_second_factor(request: HttpRequest, org_id: int) -> HttpResponse:
    """The organisation's admin or owner sets who among its members needs a second factor."""
    member = acting_member(request)
    organization = access_organization(member, org_id, manage=True)
    form = SecondFactorRuleForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    else:
        try:
            services.set_second_factor_rule(
                organization=organization, rule=form.cleaned_data["second_factor_rule"], by=member
            )
        except Refusal as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Second-factor rule saved."))
    return redirect("accounts:organization_detail", organization.pk)


@login_required
def organization_edit(request: HttpRequest, org_id: int) -> HttpResponse:
    member = acting_member(request)
    organization = access_organization(member, org_id, manage=True)
    form = OrganizationForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in OrganizationForm.Meta.fields}
        organization.refresh_from_db()
        try:
            services.update_organization(organization=organization, by=member, **fields)
        except Refusal as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Organisation updated."))
            return redirect("accounts:organization_detail", organization.pk)
    return render(
        request, "accounts/organization_form.html", {"form": form, "organization": organization}
    )


@login_required
@require_POST
def member_invite(request: HttpRequest, org_id: int) -> HttpResponse:
    member = acting_member(request)
    organization = access_organization(member, org_id, manage=True)
    form = InviteForm(request.POST, organization=organization)
    if form.is_valid():
        try:
            services.invite_member(
                organization=organization,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=member,
                **form.auditor_terms(),  # type: ignore[arg-type]
            )
        except Refusal as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("accounts:organization_detail", organization.pk)
    return _organization_page(request, member, organization, form, status=400)


@login_required
@require_POST
def member_role(request: HttpRequest, membership_id: int) -> HttpResponse:
    member = acting_member(request)
    target = access_membership(member, membership_id)
    form = RoleForm(request.POST, organization=target.organization)
    if not form.is_valid():
        messages.error(request, _("Choose a role from the list."))
    else:
        try:
            services.change_member_role(
                membership=target, role=form.cleaned_data["role"], by=member
            )
        except Refusal as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Role changed."))
    return redirect("accounts:organization_detail", target.organization_id)


@login_required
@require_POST
def member_active(request: HttpRequest, membership_id: int) -> HttpResponse:
    member = acting_member(request)
    target = access_membership(member, membership_id)
    active = request.POST.get("active") == "1"
    if not active and not is_confirmed(request):
        person = target.user.full_name or target.user.email
        return confirmation_page(
            request,
            title=_("Remove access"),
            eyebrow=target.organization.name,
            consequence=_(
                "%(person)s (%(role)s) will no longer be able to sign in to %(org)s: their "
                "pending signatures and tasks stay undone. You can restore the access later."
            )
            % {
                "person": person,
                "role": target.get_role_display(),
                "org": target.organization.name,
            },
            action=_("Remove access"),
            back=reverse("accounts:organization_detail", args=[target.organization_id]),
        )
    try:
        services.set_membership_active(membership=target, active=active, by=member)
    except Refusal as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Access restored.") if active else _("Access removed."))
    return redirect("accounts:organization_detail", target.organization_id)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    member = acting_member(request)
    invitation = access_invitation(member, invitation_id)
    try:
        services.revoke_invitation(invitation=invitation, by=member)
    except Refusal as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Invitation withdrawn."))
    return redirect("accounts:organization_detail", invitation.organization_id)


def accept_invitation_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.find_pending_invitation(token)
    except Refusal as refusal:
        return render(
            request, "accounts/invitation_invalid.html", {"reason": refusal.message}, status=404
        )
    signed_in = request.user if request.user.is_authenticated else None
    form = AcceptInvitationForm(request.POST or None) if signed_in is None else None
    if request.method == "POST":
        try:
            if signed_in is not None:
                membership = services.accept_invitation(token=token, user=signed_in)
            elif form is not None and form.is_valid():
                membership = services.accept_invitation(
                    token=token,
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    password=form.cleaned_data["password"],
                )
                login(request, membership.user, backend="saveit.accounts.backends.ModelBackend")
            else:
                membership = None
        except Refusal as refusal:
            if form is not None and refusal.code == "weak_password":
                form.add_error("password", refusal.message)
            else:
                messages.error(request, refusal.message)
            membership = None
        if membership is not None:
            request.session[SESSION_KEY] = membership.pk
            messages.success(
                request,
                _("Welcome to %(org)s.") % {"org": membership.organization.name},
            )
            return redirect("web:home")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"invitation": invitation, "form": form, "signed_in": signed_in},
    )


def _signature_organization(request: HttpRequest, org_id: int) -> tuple[Membership, Organization]:
    """The provider organisation whose attestation signature the acting admin manages."""
    member = acting_member(request)
    organization = access_organization(member, org_id)
    if not can_set_attestation_signature(member, organization):
        raise PermissionDenied
    return member, organization


@login_required
def organization_signature(request: HttpRequest, org_id: int) -> HttpResponse:
    member, organization = _signature_organization(request, org_id)
    current = attestation_signature_of(organization)
    initial = (
        {
            "signatory_name": current.signatory_name,
            "signatory_role": current.signatory_role,
            "activity_declaration": current.activity_declaration,
        }
        if current
        else {}
    )
    form = AttestationSignatureForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["image"]
        try:
            services.set_attestation_signature(
                organization=organization,
                by=member,
                activity_declaration=form.cleaned_data["activity_declaration"],
                signatory_name=form.cleaned_data["signatory_name"],
                signatory_role=form.cleaned_data["signatory_role"],
                image=upload.read(MAX_UPLOAD_BYTES + 1) if upload else None,
            )
        except Refusal as refusal:
            form.add_error("image" if refusal.code == "image" else None, refusal.message)
        else:
            messages.success(request, _("The attestation signature is saved."))
            return redirect("accounts:organization_detail", organization.pk)
    return render(
        request,
        "accounts/organization_signature.html",
        {"form": form, "organization": organization, "signature": current},
        status=400 if form.errors else 200,
    )


@login_required
def organization_signature_image(request: HttpRequest, org_id: int) -> HttpResponse:
    _member, organization = _signature_organization(request, org_id)
    current = attestation_signature_of(organization)
    if current is None or not current.image_name:
        raise Http404
    with default_storage.open(current.image_name, "rb") as stored:
        content = stored.read()
    response = HttpResponse(content, content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
