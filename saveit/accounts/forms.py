from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from saveit.core.forms import french_formfield

from .models import Organization
from .roles import ROLES_BY_KIND, AuditorScope, OrganizationKind, Role, SecondFactorRule
from .services import TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


def role_choices(organization: Organization) -> list[tuple[str, object]]:
    allowed = ROLES_BY_KIND[organization.kind]
    return [(value, label) for value, label in Role.choices if value in allowed]


def default_invite_role(organization: Organization) -> str:
    """The least powerful role is offered first."""
    return Role.DESIGNER if organization.is_provider else Role.LEARNER


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"))
    # Auditors only (the service refuses an auditor without them).
    access_ends_on = forms.DateField(
        label=_("Access ends on (auditors)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    scope = forms.ChoiceField(
        label=_("Auditor's scope"),
        required=False,
        choices=[("", "—"), *AuditorScope.choices],
    )
    engagement_id = forms.IntegerField(
        label=_("Engagement number (engagement scope)"), required=False, min_value=1
    )

    def __init__(self, *args: object, organization: Organization, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["role"].choices = role_choices(organization)  # type: ignore[attr-defined]

    def auditor_terms(self) -> dict[str, object]:
        """The invite_member keywords an auditor's invitation needs."""
        data = self.cleaned_data
        return {
            "access_ends_on": data.get("access_ends_on"),
            "scope": data.get("scope") or "",
            "scope_object_id": data.get("engagement_id"),
        }


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: object, organization: Organization, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["role"].choices = role_choices(organization)  # type: ignore[attr-defined]


class OrganizationForm(forms.ModelForm):
    # Wider than the model fields: people type spaces, which are removed before validation.
    siren = forms.CharField(
        label=_("SIREN"),
        max_length=11,
        required=False,
        help_text=_("9 digits, e.g. 552 100 554."),
    )
    vat_number = forms.CharField(
        label=_("VAT number"),
        max_length=24,
        required=False,
        help_text=_("e.g. FR96 552100554."),
    )

    class Meta:
        model = Organization
        formfield_callback = french_formfield
        fields = [
            "name",
            "siren",
            "vat_number",
            "address",
            "legal_form",
            "share_capital",
            "rcs_city",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
        localized_fields = ["share_capital"]

    def clean_siren(self) -> str:
        value = self.cleaned_data["siren"].replace(" ", "")
        return value

    def clean_vat_number(self) -> str:
        return self.cleaned_data["vat_number"].replace(" ", "").upper()

    def _post_clean(self) -> None:
        # Normalise before the model validators run on the values.
        for name in ("siren", "vat_number"):
            if name in self.cleaned_data:
                setattr(self.instance, name, self.cleaned_data[name])
        super()._post_clean()  # type: ignore[misc]


class NewOrganizationForm(OrganizationForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganizationKind.choices)

    class Meta(OrganizationForm.Meta):
        fields = ["kind", *OrganizationForm.Meta.fields]


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    # strip=False: a password is kept exactly as typed, spaces included (ASVS 6.2.4).
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not too common, not only digits."),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
    days = forms.IntegerField(
        label=_("Lifetime (days)"),
        required=False,
        min_value=1,
        max_value=TOKEN_MAX_DAYS,
        initial=TOKEN_DEFAULT_DAYS,
        help_text=_("At most one year; the token stops working after this."),
    )


class OtpForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class SecondFactorRuleForm(forms.Form):
    second_factor_rule = forms.ChoiceField(
        label=_("A second factor is required of"),
        choices=SecondFactorRule.choices,
        error_messages={"invalid_choice": _("Choose one of the rules offered.")},
    )


class AttestationSignatureForm(forms.Form):
    signatory_name = forms.CharField(label=_("Signatory's name"), max_length=150)
    signatory_role = forms.CharField(
        label=_("Signatory's role"),
        max_length=150,
        help_text=_("e.g. Managing director, Head of training."),
    )
    activity_declaration = forms.CharField(
        label=_("Activity declaration number"),
        max_length=16,
        required=False,
        help_text=_("11 digits, as given by the regional prefecture (NDA). Leave empty if none."),
    )
    image = forms.FileField(
        label=_("Scanned signature or stamp"),
        required=False,
        help_text=_(
            "PNG or JPEG, 2 MB at most. A stamp on a transparent background prints best. "
            "Leave empty to keep the current image."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
