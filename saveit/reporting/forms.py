"""The dashboard filters: every choice comes from the scope, so a forged id is refused."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import Filters, Scope, population_names, scope_versions, sites


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (what <input type="month"> sends)."""

    def to_python(self, value: object) -> date | None:  # type: ignore[override]
        text = str(value or "").strip()
        if not text:
            return None
        try:
            year, month = (int(part) for part in text.split("-"))
            return date(year, month, 1)
        except (ValueError, TypeError):
            raise forms.ValidationError(
                _("Give a month as YYYY-MM, for example 2026-11.")
            ) from None


class Flag(forms.CheckboxInput):
    """A checkbox read from a URL or the API: "0", "false" and nothing mean off."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> bool:
        return str(data.get(name) or "").strip().lower() not in ("", "0", "false", "off")


class FilterForm(forms.Form):
    population = forms.TypedChoiceField(label=_("Population"), required=False, coerce=int)
    site = forms.ChoiceField(label=_("Site"), required=False)
    module = forms.TypedChoiceField(label=_("Module"), required=False, coerce=int)
    version = forms.TypedChoiceField(label=_("Module version"), required=False, coerce=int)
    from_ = MonthField(label=_("Assigned from"), required=False)
    to = MonthField(label=_("Assigned until"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False, widget=Flag)

    def __init__(self, data: object, *, scope: Scope) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        to, overdue = self.fields.pop("to"), self.fields.pop("overdue")
        self.fields["from"] = self.fields.pop("from_")
        self.fields["to"] = to
        self.fields["overdue"] = overdue
        self.fields["from"].widget.input_type = "month"
        self.fields["to"].widget.input_type = "month"
        every = [("", _("All"))]
        names = sorted(population_names(scope).items(), key=lambda item: item[1])
        self.fields["population"].choices = [  # type: ignore[attr-defined]
            *every,
            *names,
            (0, _("Assigned individually")),
        ]
        site_choices = [(site, site) for site in sites(scope) if site]
        self.fields["site"].choices = [*every, *site_choices]  # type: ignore[attr-defined]
        versions = scope_versions(scope)
        modules = {v.module_id: f"{v.module.code} · {v.module.title}" for v in versions}
        self.fields["module"].choices = [*every, *modules.items()]  # type: ignore[attr-defined]
        self.fields["version"].choices = [  # type: ignore[attr-defined]
            *every,
            *((v.pk, f"{v.module.code} v{v.label}") for v in versions),
        ]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.add_error("to", _("The end month comes before the start month."))
        return data

    def filters(self) -> Filters:
        """The valid filters (an invalid field is left out and reported by the form)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})

        def value(name: str) -> object:
            chosen = data.get(name)
            return None if chosen in ("", None) or name in self.errors else chosen

        return Filters(
            population=value("population"),  # type: ignore[arg-type]
            site=value("site"),  # type: ignore[arg-type]
            month_from=value("from"),  # type: ignore[arg-type]
            month_to=value("to"),  # type: ignore[arg-type]
            module=value("module"),  # type: ignore[arg-type]
            version=value("version"),  # type: ignore[arg-type]
            overdue=bool(value("overdue")),
        )
