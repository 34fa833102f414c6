from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Organization

from .models import RequestKind, Risk


class RequestForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Client organisation"), queryset=Organization.objects.none(), required=False
    )
    kind = forms.ChoiceField(label=_("Right exercised"), choices=RequestKind.choices)
    email = forms.EmailField(label=_("E-mail address of the person"))
    details = forms.CharField(label=_("Request"), widget=forms.Textarea(attrs={"rows": 3}),
                              required=False, max_length=4000)  # fmt: skip
    identity_note = forms.CharField(
        label=_("How the identity was checked"), required=False, max_length=300
    )


class ExecuteForm(forms.Form):
    identity_note = forms.CharField(
        label=_("How the identity was checked"), required=False, max_length=300
    )


class ExtendForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Extension"), coerce=int, choices=[(1, _("one month")), (2, _("two months"))]
    )
    reason = forms.CharField(label=_("Reason told to the person"), max_length=2000)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its page also holds the request form, whose e-mail field would take the same id.
        kwargs.setdefault("auto_id", "contact-%s")
        super().__init__(*args, **kwargs)


class BreachForm(forms.Form):
    aware_at = forms.DateTimeField(
        label=_("Became aware (date and time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    nature = forms.CharField(
        label=_("Nature of the breach"), widget=forms.Textarea(attrs={"rows": 3})
    )
    data_categories = forms.CharField(label=_("Categories of data"), max_length=2000)
    people_count = forms.IntegerField(label=_("People concerned"), min_value=0)
    records_count = forms.IntegerField(label=_("Records concerned"), min_value=0)
    consequences = forms.CharField(
        label=_("Likely consequences"), widget=forms.Textarea(attrs={"rows": 2})
    )
    measures = forms.CharField(
        label=_("Measures taken or planned"), widget=forms.Textarea(attrs={"rows": 2})
    )
    risk = forms.ChoiceField(label=_("Risk"), choices=Risk.choices)
    provider_is_controller = forms.BooleanField(
        label=_("The provider is controller of this data"), required=False
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("Clients concerned"),
        queryset=Organization.objects.filter(kind="client").order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class HoldForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.filter(kind="client")
    )
    engagement_id = forms.IntegerField(label=_("Engagement number (optional)"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class ReversibilityForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Client organisation"), queryset=Organization.objects.filter(kind="client")
    )
