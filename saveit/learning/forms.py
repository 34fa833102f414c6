from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PopulationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File of learners (CSV or XLSX)"),
        help_text=_(
            "Columns: last name, first name, e-mail (required), employee id, site, job, manager. "
            "You will see a preview before anything is imported."
        ),
    )


class LearnerForm(forms.Form):
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    employee_id = forms.CharField(label=_("Employee id"), max_length=64, required=False)
    site = forms.CharField(label=_("Site"), max_length=200, required=False)
    job = forms.CharField(label=_("Job"), max_length=200, required=False)
    manager = forms.CharField(label=_("Manager"), max_length=200, required=False)


class AssignForm(forms.Form):
    version = forms.TypedChoiceField(label=_("Module version"), coerce=int)
    population = forms.TypedChoiceField(
        label=_("Population"), coerce=int, required=False, empty_value=None
    )
    emails = forms.CharField(
        label=_("Or individual learners (e-mails)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One e-mail per line; each must already be a learner of the organisation."),
    )
    due_on = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, versions=(), populations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].choices = list(versions)  # type: ignore[attr-defined]
        self.fields["population"].choices = [("", "—"), *populations]  # type: ignore[attr-defined]

    def clean(self):
        data = super().clean() or {}
        if not data.get("population") and not (data.get("emails") or "").strip():
            raise forms.ValidationError(_("Choose a population or list learners."))
        return data

    def email_list(self) -> list[str]:
        text = self.cleaned_data.get("emails") or ""
        return sorted({e.strip().lower() for e in text.replace(",", "\n").split() if e.strip()})


class PasswordForm(forms.Form):
    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    # strip=False: a password is kept exactly as typed, spaces included.
    password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    confirm = forms.CharField(
        label=_("Confirm the password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, needs_current: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_current:  # a first password, after signing in by link
            del self.fields["current_password"]

    def clean(self):
        data = super().clean() or {}
        if data.get("password") != data.get("confirm"):
            raise forms.ValidationError(_("The two passwords differ."))
        return data


class LinkRequestForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"))


class CampaignDueForm(forms.Form):
    due_on = forms.DateField(
        label=_("New due date"),
        # A date input reads ISO dates only, whatever the language of the page.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revocation"), widget=forms.Textarea(attrs={"rows": 2})
    )
