from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Presence, TrainingSession


class SessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = [
            "title",
            "modality",
            "programme",
            "place",
            "room",
            "virtual_room_url",
            "practical_info",
            "accessibility_contact",
            "external_trainers",
            "capacity",
            "minimum",
        ]
        widgets = {
            "programme": forms.Textarea(attrs={"rows": 3}),
            "place": forms.Textarea(attrs={"rows": 2}),
            "practical_info": forms.Textarea(attrs={"rows": 2}),
        }


class SlotForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("start"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("end"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class PresenceForm(forms.Form):
    learner = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("attendance"), choices=Presence.Status.choices)
    minutes_missed = forms.IntegerField(label=_("minutes missed"), min_value=0, required=False)
    justification = forms.CharField(label=_("justification"), required=False)


class PaperSheetForm(forms.Form):
    file = forms.FileField(label=_("signed sheet (PDF)"))
