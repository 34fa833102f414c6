from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DocumentVersion


class VersionUploadForm(forms.Form):
    file = forms.FileField(label=_("File"))
    source = forms.TypedChoiceField(
        label=_("Procedure"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Choose the procedure when this file is a new version of it."),
    )
    title = forms.CharField(label=_("Title of a new procedure"), max_length=200, required=False)
    version_label = forms.CharField(label=_("Version"), max_length=40)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (DocumentVersion.Status.IN_FORCE, _("in force")),
            (DocumentVersion.Status.DRAFT, _("draft")),
        ],
    )
    owner_name = forms.CharField(label=_("Owner at the client"), max_length=200, required=False)
    scopes = forms.MultipleChoiceField(
        label=_("Scope covered"), required=False, widget=forms.CheckboxSelectMultiple
    )
    other_scopes = forms.CharField(
        label=_("Other scopes"), required=False, help_text=_("Separated by commas.")
    )

    def __init__(
        self,
        *args: object,
        sources: list[tuple[int, str]] | None = None,
        scopes: list[str] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["source"].choices = [("", _("— a new procedure —")), *(sources or [])]  # type: ignore[attr-defined]
        self.fields["scopes"].choices = [(s, s) for s in scopes or []]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("source") is None and not data.get("title"):
            self.add_error("title", _("Give the title of the new procedure, or choose one above."))
        return data

    def all_scopes(self) -> list[str]:
        extra = [s.strip() for s in self.cleaned_data.get("other_scopes", "").split(",")]
        return [*self.cleaned_data.get("scopes", []), *[s for s in extra if s]]
