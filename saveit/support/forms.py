from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from saveit.core.forms import FrenchDecimalField

from .models import (
    Channel,
    Exclusion,
    MaintenanceKind,
    Service,
    Status,
    SupportContract,
    TicketType,
)
from .rules import Criticity, Severity


class TicketForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices)
    service = forms.ModelChoiceField(
        label=_("Service concerned"), queryset=Service.objects.none(), required=False
    )
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Severity.choices, help_text=_("How urgent it is for you.")
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}))
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def __init__(
        self,
        *args: Any,
        contracts: QuerySet[SupportContract],
        staff: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        service = self.fields["service"]
        assert isinstance(service, forms.ModelChoiceField)
        service.queryset = Service.objects.filter(contract__in=contracts, is_active=True)
        if staff:
            self.fields["contract"] = forms.ModelChoiceField(
                label=_("Contract"), queryset=contracts
            )
            self.fields["channel"] = forms.ChoiceField(
                label=_("Reported by"), choices=[c for c in Channel.choices if c[0] != "web"]
            )


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(label=_("Attachment"), required=False)


class CriticityForm(forms.Form):
    criticity = forms.ChoiceField(label=_("Criticity"), choices=Criticity.choices)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    reason = forms.CharField(label=_("Note"), max_length=300, required=False)


class ExclusionForm(forms.Form):
    exclusion = forms.ChoiceField(
        label=_("Exclusion"),
        choices=[("", _("None: the ticket counts")), *Exclusion.choices],
        required=False,
    )
    note = forms.CharField(label=_("Why"), max_length=500, required=False)


class RecordForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MaintenanceKind.choices)
    performed_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, max_value=100000
    )
    actions = forms.CharField(label=_("Actions"), widget=forms.Textarea(attrs={"rows": 3}))
    findings = forms.CharField(
        label=_("Findings"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    cost = FrenchDecimalField(
        label=_("Cost (€ excl. VAT)"), min_value=0, max_digits=10, decimal_places=2, initial=0
    )
    exceptional = forms.BooleanField(label=_("Exceptional work"), required=False)
    billable = forms.BooleanField(label=_("Billable on top of the package"), required=False)
    warned_at = forms.DateTimeField(
        label=_("Client warned on"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    warning_note = forms.CharField(label=_("Warning given"), max_length=500, required=False)


class WindowForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=MaintenanceKind.choices)
    starts_at = forms.DateTimeField(
        label=_("Start"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("End"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    high_impact = forms.BooleanField(label=_("High impact"), required=False)
    urgent_security = forms.BooleanField(
        label=_("Urgent security update (no notice)"), required=False
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class OutageForm(forms.Form):
    started_at = forms.DateTimeField(
        label=_("Start"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ended_at = forms.DateTimeField(
        label=_("End"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    cause = forms.CharField(label=_("Cause"), max_length=300)


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    first_on = forms.DateField(
        label=_("First date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    every_months = forms.IntegerField(
        label=_("Every (months)"), min_value=1, max_value=24, initial=1
    )


class CloseReportForm(forms.Form):
    month = forms.DateField(
        label=_("Month"), widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m"]
    )
