from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Organization
from saveit.core.forms import FrenchDecimalField
from saveit.engagements.forms import LineForm

from .models import Payment

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DraftForm(forms.Form):
    supplied_on = forms.DateField(label=_("Date of supply"), widget=DATE)
    reason = forms.CharField(
        label=_("Note printed on the invoice"), widget=forms.Textarea, required=False
    )


class CreditNoteForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea)


class PaymentForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=Payment.Method.choices)
    amount = FrenchDecimalField(
        label=_("Amount received (€)"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2
    )
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    reference = forms.CharField(label=_("Bank reference"), max_length=80, required=False)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data


class SubscriptionForm(forms.Form):
    client: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(
        label=_("Client"), queryset=Organization.objects.none()
    )
    label = forms.CharField(label=_("Licence"), max_length=200)
    annual_price = FrenchDecimalField(
        label=_("Yearly fee excl. VAT (€)"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
    )
    activated_on = forms.DateField(label=_("Licence activated on"), widget=DATE)

    def __init__(self, *args: object, clients: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["client"].queryset = clients  # type: ignore[attr-defined]


class TerminationForm(forms.Form):
    received_on = forms.DateField(label=_("Termination letter received on"), widget=DATE)


class IndexForm(forms.Form):
    month = forms.DateField(label=_("Month (any day of it)"), widget=DATE)
    value = FrenchDecimalField(
        label=_("SYNTEC index"), min_value=Decimal("1"), max_digits=8, decimal_places=1
    )
    source = forms.CharField(label=_("Source"), max_length=300)


class LegalRateForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(
        label=_("Half-year"), choices=[(1, _("first")), (2, _("second"))], coerce=int
    )
    rate = FrenchDecimalField(
        label=_("Legal interest rate (%)"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=6,
        decimal_places=2,
    )
    source = forms.CharField(label=_("Source"), max_length=300)


class CancellationForm(forms.Form):
    start = forms.DateField(label=_("Planned start of the session"), widget=DATE)
    received_on = forms.DateField(label=_("Written request received on"), widget=DATE)


class SuspensionForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, max_length=2000)


class SalesTermsForm(forms.Form):
    version = forms.CharField(label=_("Version"), max_length=20)
    effective_on = forms.DateField(label=_("In force from"), widget=DATE)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea)


class FundingForm(forms.Form):
    funder = forms.ModelChoiceField(label=_("Funder (OPCO…)"), queryset=Organization.objects.none())
    reference = forms.CharField(label=_("Funder's file number"), max_length=60)
    amount_excl = FrenchDecimalField(
        label=_("Amount taken on excl. VAT (€)"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
    )
    learner_label = forms.CharField(label=_("Learner or session"), max_length=200, required=False)

    def __init__(self, *args: object, funders: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["funder"].queryset = funders  # type: ignore[attr-defined]


class AmendmentForm(forms.Form):
    scope = forms.CharField(
        label=_("What changes"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Modules, sites or populations added or removed, one per line."),
    )
    reason = forms.CharField(
        label=_("Reason for the change"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AmendmentLineForm(LineForm):
    """A proposal's price line, but a negative quantity removes what the proposal sold."""

    quantity = FrenchDecimalField(
        label=_("Quantity (negative to remove)"),
        max_digits=10,
        decimal_places=2,
        required=False,
    )

    def clean(self) -> dict[str, object]:
        data = forms.Form.clean(self) or {}  # the stricter rule below replaces the proposal's
        if data.get("label") and (
            not data.get("quantity")
            or data.get("unit_price") is None
            or data.get("vat_rate") is None
        ):
            raise forms.ValidationError(
                _("Give the quantity (not zero), the unit price and the VAT rate of this line.")
            )
        return data


AmendmentLineFormSet = forms.formset_factory(AmendmentLineForm, extra=0, min_num=3, max_num=20)
