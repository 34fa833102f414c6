from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Organization
from saveit.accounts.roles import ROLES_BY_KIND, SIGNER_ROLES, Role

DEFAULT_INTENT = _("I have read this document and I approve it.")


def signer_role_choices(organization: Organization) -> list[tuple[str, Any]]:
    allowed = ROLES_BY_KIND[organization.kind] & SIGNER_ROLES
    return [(value, label) for value, label in Role.choices if value in allowed]


class UploadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("PDF file"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    signer_roles = forms.MultipleChoiceField(
        label=_("Roles that must sign"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A member holding each chosen role will be asked to sign."),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = self.fields["signer_roles"]
        assert isinstance(roles, forms.MultipleChoiceField)
        roles.choices = signer_role_choices(organization)


class SignForm(forms.Form):
    intent = forms.CharField(
        label=_("Statement of intent"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Signing asks for your password again, to make sure it is you."),
    )
    otp_code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("Signing asks for a fresh 6-digit code; recovery codes are not accepted."),
    )

    def __init__(self, *args: Any, with_totp: bool, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"intent": DEFAULT_INTENT})
        super().__init__(*args, **kwargs)
        # Provider staff re-authenticate with their second factor, everyone else by password.
        del self.fields["password" if with_totp else "otp_code"]


class ReadAndSignForm(SignForm):
    """Signing from the page that shows the document: it carries the fingerprint of the version
    the signer was shown, and the service refuses if the document is no longer that version."""

    INCOMPLETE = _("The page was incomplete: reload it before signing.")
    sha256 = forms.CharField(
        widget=forms.HiddenInput,
        min_length=64,
        max_length=64,
        error_messages={"required": INCOMPLETE, "min_length": INCOMPLETE, "max_length": INCOMPLETE},
    )
