from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Membership, Organization
from saveit.accounts.roles import ENGAGEMENT_MANAGER_ROLES, OrganizationKind, Role
from saveit.core.forms import FrenchDecimalField, french_formfield

from .models import ContractTerms, Phase, ScopingNote

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EngagementForm(forms.Form):
    client = forms.ModelChoiceField(
        label=_("Client"),
        queryset=Organization.objects.filter(kind=OrganizationKind.CLIENT, is_active=True),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Client request"), widget=forms.Textarea, required=False)
    project_manager = forms.ModelChoiceField(
        label=_("Project manager"),
        queryset=Membership.objects.filter(
            role__in=ENGAGEMENT_MANAGER_ROLES,
            organization__kind=OrganizationKind.PROVIDER,
            is_active=True,
        ).select_related("user"),
        required=False,
        help_text=_("Yourself when left empty."),
    )
    client_owner = forms.ModelChoiceField(
        label=_("Client content owner"),
        queryset=Membership.objects.filter(role=Role.CLIENT_OWNER, is_active=True).select_related(
            "user", "organization"
        ),
        required=False,
    )
    started_on = forms.DateField(label=_("Start"), widget=DATE, required=False)
    target_end_on = forms.DateField(label=_("Planned end"), widget=DATE, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["project_manager"].label_from_instance = _person  # type: ignore[attr-defined]
        self.fields["client_owner"].label_from_instance = (  # type: ignore[attr-defined]
            lambda m: f"{_person(m)} · {m.organization.name}"
        )


def _person(member: Membership) -> str:
    return member.user.full_name or member.user.email


class InterviewForm(forms.Form):
    held_on = forms.DateField(label=_("Date of the interview"), widget=DATE)
    participants = forms.CharField(
        label=_("Participants"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One person per line, with their role."),
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 6}))


class ScopingNoteForm(forms.ModelForm):
    class Meta:
        model = ScopingNote
        fields = ["objectives", "scope", "constraints", "expectations", "planning"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields}


class ReopenForm(forms.Form):
    to_phase = forms.TypedChoiceField(label=_("Phase to reopen"), coerce=int, choices=())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    changes_scope = forms.ChoiceField(
        label=_("Does this reopening change the scope or the price?"),
        choices=[("no", _("No")), ("yes", _("Yes: a signed amendment is required"))],
        widget=forms.RadioSelect,
        help_text=_(
            "A change of scope or price after the proposal is signed needs an amendment signed "
            "by the client (Invoicing page of the engagement)."
        ),
    )

    def clean_changes_scope(self) -> bool:
        return self.cleaned_data["changes_scope"] == "yes"

    def __init__(self, *args: object, current_phase: int = 0, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["to_phase"].choices = [  # type: ignore[attr-defined]
            (phase.value, f"{phase.value} – {phase.label}")
            for phase in Phase
            if phase < current_phase
        ]


class ProposalForm(forms.Form):
    need = forms.CharField(
        label=_("Need as we understood it"), widget=forms.Textarea(attrs={"rows": 5})
    )
    planning = forms.CharField(
        label=_("Planning"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One milestone per line: label : date."),
    )
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE)
    terms = forms.CharField(
        label=_("Particular conditions"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class LineForm(forms.Form):
    label = forms.CharField(label=_("Designation"), max_length=200, required=False)
    quantity = FrenchDecimalField(
        label=_("Quantity"),
        min_value=Decimal("0.01"),
        max_digits=10,
        decimal_places=2,
        required=False,
    )
    unit_price = FrenchDecimalField(
        label=_("Unit price excl. VAT (€)"),
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    vat_rate = FrenchDecimalField(
        label=_("VAT (%)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        required=False,
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("label") and (data.get("quantity") is None or data.get("unit_price") is None):
            raise forms.ValidationError(_("Give the quantity and the unit price of this line."))
        return data


class DeliverableForm(forms.Form):
    title = forms.CharField(label=_("Module"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    sources = forms.MultipleChoiceField(
        label=_("Source procedures"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self, *args: object, source_choices: list[tuple[int, str]] | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["sources"].choices = source_choices or []  # type: ignore[attr-defined]
        if not source_choices:  # an empty list of boxes under its label reads as a broken page
            self.fields["sources"].help_text = _("The client has not uploaded any procedure yet.")


LineFormSet = forms.formset_factory(LineForm, extra=0, min_num=3, max_num=30)


def deliverable_formset(source_choices: list[tuple[int, str]]):
    return forms.formset_factory(DeliverableForm, extra=0, min_num=2, max_num=20), {
        "form_kwargs": {"source_choices": source_choices}
    }


class PurchaseOrderForm(forms.Form):
    file = forms.FileField(label=_("Purchase order (PDF)"))
    client_reference = forms.CharField(
        label=_("Client's order number"), max_length=60, required=False
    )


class ContractTermsForm(forms.ModelForm):
    class Meta:
        model = ContractTerms
        formfield_callback = french_formfield
        fields = [
            "vat_rate",
            "deposit_rate",
            "deposit_threshold",
            "payment_days",
            "balance_days_after_delivery",
            "recovery_fee",
            "late_penalty_multiplier",
            "proposal_validity_days",
        ]
        localized_fields = "__all__"
