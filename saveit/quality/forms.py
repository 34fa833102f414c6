"""Forms of the quality pages (validation at the boundary; services do the writes)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Membership

from .applicability import ACTIVITY_LABELS, CATEGORY_LABELS
from .models import (
    AccessibilityCheck,
    Assessment,
    Audit,
    Complaint,
    DisabilityReferent,
    ImprovementAction,
    NonConformity,
    OfferSheetVersion,
    Subcontractor,
    SurveyAnswer,
    SurveyRequest,
    WatchEntry,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProfileForm(forms.Form):
    categories = forms.MultipleChoiceField(
        label=_("Certified action categories"),
        choices=[(k, v) for k, v in CATEGORY_LABELS.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    activities = forms.MultipleChoiceField(
        label=_("What the provider does"),
        choices=[(k, v) for k, v in ACTIVITY_LABELS.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class AssessForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("Self-assessed level"),
        choices=[("", _("not assessed yet")), *Assessment.Level.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    shown_to_auditor = forms.CharField(
        label=_("What will be shown to the auditor"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )


class OfferSheetForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=30)
    title = forms.CharField(label=_("Title"), max_length=200)


class OfferVersionForm(forms.ModelForm):
    class Meta:
        model = OfferSheetVersion
        fields = list(OfferSheetVersion.ITEMS)
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in OfferSheetVersion.ITEMS
            if name not in ("duration", "price")
        }


class OfferLinksForm(forms.Form):
    modules: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Modules of this offer"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    clients_citable: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Clients who agreed to be cited"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, modules: Any, clients: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["modules"].queryset = modules  # type: ignore[attr-defined]
        self.fields["clients_citable"].queryset = clients  # type: ignore[attr-defined]


class WatchForm(forms.ModelForm):
    class Meta:
        model = WatchEntry
        fields = ["kind", "observed_on", "source", "summary", "impact"]
        widgets = {
            "observed_on": DATE,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "impact": forms.Textarea(attrs={"rows": 3}),
        }


class SubcontractorForm(forms.ModelForm):
    class Meta:
        model = Subcontractor
        fields = [
            "name",
            "siren",
            "scope",
            "contract_signed_on",
            "qualiopi_certified",
            "last_review_on",
        ]
        widgets = {
            "contract_signed_on": DATE,
            "last_review_on": DATE,
            "scope": forms.Textarea(attrs={"rows": 2}),
        }


class ReferentForm(forms.ModelForm):
    class Meta:
        model = DisabilityReferent
        fields = ["name", "email", "phone", "since", "trained_on", "partners"]
        widgets = {"since": DATE, "trained_on": DATE, "partners": forms.Textarea(attrs={"rows": 3})}


class AccommodationForm(forms.Form):
    description = forms.CharField(
        label=_("Accommodation"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    granted_on = forms.DateField(label=_("Granted on"), widget=DATE)


class AccessibilityCheckForm(forms.ModelForm):
    class Meta:
        model = AccessibilityCheck
        fields = ["checked_on", "scope", "result", "passed"]
        widgets = {"checked_on": DATE, "result": forms.Textarea(attrs={"rows": 2})}


class CompetenceForm(forms.Form):
    member: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Staff member"), queryset=Membership.objects.none()
    )
    competence = forms.CharField(label=_("Competence"), max_length=200)
    evidence = forms.CharField(
        label=_("How it was assessed"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE)
    next_review_on = forms.DateField(label=_("Next review"), widget=DATE, required=False)

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = staff  # type: ignore[attr-defined]
        self.fields["member"].label_from_instance = lambda m: m.user.full_name or m.user.email  # type: ignore[attr-defined]


SCORE_WIDGET = forms.RadioSelect


class SurveyAnswerForm(forms.Form):
    objectives = forms.TypedChoiceField(
        label=_("Objectives reached"), choices=SurveyAnswer.SCALE, coerce=int, widget=SCORE_WIDGET
    )
    methods = forms.TypedChoiceField(
        label=_("Teaching methods"), choices=SurveyAnswer.SCALE, coerce=int, widget=SCORE_WIDGET
    )
    materials = forms.TypedChoiceField(
        label=_("Materials"), choices=SurveyAnswer.SCALE, coerce=int, widget=SCORE_WIDGET
    )
    organisation = forms.TypedChoiceField(
        label=_("Organisation"), choices=SurveyAnswer.SCALE, coerce=int, widget=SCORE_WIDGET
    )
    comment = forms.CharField(
        label=_("Anything to add?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )
    share_identity = forms.BooleanField(
        label=_("The client organisation may see that this answer is mine"),
        required=False,
        help_text=_("Unchecked, the client sees your answer without your name."),
    )


class StakeholderSurveyForm(forms.Form):
    respondent = forms.ChoiceField(
        label=_("Respondent"),
        choices=[c for c in SurveyRequest.Respondent.choices if c[0] != "learner"],
    )
    moment = forms.ChoiceField(label=_("Moment"), choices=SurveyRequest.Moment.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    engagement: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Engagement"), queryset=None, required=False
    )

    def __init__(self, *args: Any, engagements: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["engagement"].queryset = engagements  # type: ignore[attr-defined]


class ComplaintForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Complaint.Kind.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000
    )


class PublicComplaintForm(ComplaintForm):
    party = forms.ChoiceField(
        label=_("You are"), choices=[c for c in Complaint.Party.choices if c[0] != "staff"]
    )
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your e-mail address"))
    # A field people never see: robots fill it in.
    website = forms.CharField(required=False, widget=forms.HiddenInput)


class ComplaintAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer given"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )


class MediationForm(forms.Form):
    outcome = forms.CharField(
        label=_("Mediation outcome (leave empty to only record the referral)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10000,
    )


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=200)
    cause = forms.ChoiceField(label=_("Cause"), choices=ImprovementAction.Cause.choices)
    complaint: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Complaint or incident"), queryset=None, required=False
    )
    survey_answer: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Survey answer"), queryset=None, required=False
    )
    nonconformity: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Non-conformity"), queryset=None, required=False
    )
    assignment: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Learner who dropped out"), queryset=None, required=False
    )
    cause_detail = forms.CharField(
        label=_("Cause analysis"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Owner"), queryset=None)
    due_on = forms.DateField(label=_("Due date"), widget=DATE)

    def __init__(
        self,
        *args: Any,
        complaints: Any,
        answers: Any,
        ncs: Any,
        dropouts: Any,
        staff: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["complaint"].queryset = complaints  # type: ignore[attr-defined]
        self.fields["survey_answer"].queryset = answers  # type: ignore[attr-defined]
        self.fields["nonconformity"].queryset = ncs  # type: ignore[attr-defined]
        self.fields["assignment"].queryset = dropouts  # type: ignore[attr-defined]
        self.fields["assignment"].label_from_instance = (  # type: ignore[attr-defined]
            lambda a: f"{a.learner} · {a.module_version.module.code} ({a.due_on:%d/%m/%Y})"
        )
        self.fields["owner"].queryset = staff  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = lambda m: m.user.full_name or m.user.email  # type: ignore[attr-defined]


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ImprovementAction.Status.choices)
    efficacy_check = forms.CharField(
        label=_("Efficacy check"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class AuditForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Audit.Kind.choices)
    body = forms.CharField(label=_("Certification body"), max_length=200)
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    decision_on = forms.DateField(label=_("Decision on"), widget=DATE, required=False)


class NonConformityForm(forms.Form):
    indicator = forms.TypedChoiceField(label=_("Indicator"), coerce=int, choices=())
    grade = forms.ChoiceField(label=_("Grade"), choices=NonConformity.Grade.choices)
    description = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, indicators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [  # type: ignore[attr-defined]
            (i.number, f"{i.reference}. {i.title}") for i in indicators
        ]


class ResolveForm(forms.Form):
    plan = forms.CharField(
        label=_("Action plan carried out"), widget=forms.Textarea(attrs={"rows": 3})
    )
    resolved_on = forms.DateField(label=_("Resolved on"), widget=DATE)
