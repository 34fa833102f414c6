"""Forms of the module pages; the services check the rules again."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saveit.core.forms import FrenchDecimalField

from .anchors import parse_key
from .models import Block, Item
from .richtext import RichTextField
from .services import BlockInput, ItemInput, LessonInput, VersionSettings


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ModuleCreateForm(forms.Form):
    title = forms.CharField(label=_("Module title"), max_length=200, required=False)
    code = forms.CharField(
        label=_("Module code (optional)"),
        help_text=_("Unique among the client's modules; left empty, the next MOD-nn is given."),
        max_length=20,
        required=False,
    )
    sources = forms.TypedMultipleChoiceField(
        label=_("Source procedures"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    propose = forms.BooleanField(
        label=_("Propose lessons and questions from the procedure (to review)"),
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, sources: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sources"].choices = sources  # type: ignore[attr-defined]


class SettingsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    objectives = forms.CharField(
        label=_("Learning objectives"),
        help_text=_("One per line, operational and assessable (they are quality evidence)."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    prerequisites = forms.CharField(label=_("Prerequisites"), required=False)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1)
    items_per_attempt = forms.IntegerField(label=_("Questions per attempt"), min_value=1)
    randomise = forms.BooleanField(label=_("Draw and shuffle at each attempt"), required=False)
    pass_mark = forms.IntegerField(label=_("Pass mark (%)"), min_value=1, max_value=100)
    max_attempts = forms.IntegerField(label=_("Maximum attempts"), min_value=1)
    time_limit_minutes = forms.IntegerField(
        label=_("Time limit (minutes, optional)"), min_value=1, required=False
    )
    validity_months = forms.IntegerField(label=_("Certification validity (months)"), min_value=1)

    def to_input(self) -> VersionSettings:
        data = dict(self.cleaned_data)
        data["objectives"] = _lines(data["objectives"])
        return VersionSettings(**data)


class LessonForm(forms.Form):
    title = forms.CharField(label=_("Lesson title"), max_length=200)
    source_anchor = forms.ChoiceField(label=_("Source section"), required=False)

    def __init__(self, *args: Any, sections: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source_anchor"].choices = [("", "—"), *sections]  # type: ignore[attr-defined]

    def to_input(self) -> LessonInput:
        document, anchor = parse_key(self.cleaned_data["source_anchor"] or "")
        return LessonInput(self.cleaned_data["title"], anchor, document)


class BlockEditForm(forms.Form):
    """An existing block: its type stays, the file is replaced only when a new one is sent."""

    html = RichTextField(
        label=_("Text"),
        help_text=_(
            "Use the toolbar for headings, bold, lists, links and tables; pasted styles go."
        ),
        required=False,
    )
    url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    file = forms.FileField(label=_("Image or attachment"), required=False)
    alt = forms.CharField(
        label=_("Text alternative (images)"),
        help_text=_("What the image shows, for those who cannot see it. Required for an image."),
        max_length=300,
        required=False,
    )

    FIELDS_OF_KIND: dict[str, tuple[str, ...]] = {
        Block.Kind.TEXT: ("html",), Block.Kind.CALLOUT: ("html",), Block.Kind.VIDEO: ("url",),
        Block.Kind.IMAGE: ("alt", "file"), Block.Kind.ATTACHMENT: ("file",),
    }  # fmt: skip

    def __init__(self, *args: Any, kind: str | None = None, **kwargs: Any) -> None:
        """With `kind`, only the fields that kind of block uses (the edit of an existing one)."""
        super().__init__(*args, **kwargs)
        if kind is None:
            return
        for name in set(self.fields) - set(self.FIELDS_OF_KIND.get(kind, ())):
            del self.fields[name]
        if "file" in self.fields:
            self.fields["file"].label = _("Replace the file (optional)")
        if "alt" in self.fields:
            self.fields["alt"].required = True
            self.fields["alt"].label = _("Text alternative")

    def to_input(self, kind: str) -> BlockInput:
        data = self.cleaned_data
        upload = data.get("file")
        return BlockInput(
            kind=kind,
            html=data.get("html") or "",
            url=data.get("url") or "",
            upload=(upload.read(), upload.name) if upload else None,
            alt=data.get("alt") or "",
        )


class BlockForm(BlockEditForm):
    kind = forms.ChoiceField(label=_("Type"), choices=Block.Kind.choices)
    field_order = ["kind", "html", "url", "file", "alt"]

    def to_input(self, kind: str = "") -> BlockInput:
        return super().to_input(kind or self.cleaned_data["kind"])


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Item.Kind.choices)
    prompt = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}))
    choices = forms.CharField(
        label=_("Answers"),
        help_text=_("One per line. For an ordering question, the steps in the right order."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    correct = forms.CharField(
        label=_("Right answers"),
        help_text=_("Their numbers in the list above, separated by commas (e.g. 1, 3)."),
        required=False,
    )
    answer = FrenchDecimalField(label=_("Expected number"), required=False)
    tolerance = FrenchDecimalField(label=_("Tolerance"), required=False, min_value=0)
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    feedback = forms.CharField(
        label=_("Feedback"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    source_anchors = forms.MultipleChoiceField(label=_("Source sections"))

    def __init__(self, *args: Any, sections: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source_anchors"].choices = sections  # type: ignore[attr-defined]

    def clean_source_anchors(self) -> list[str]:
        keys = self.cleaned_data.get("source_anchors") or []
        if len({parse_key(key)[0] for key in keys}) > 1:
            raise forms.ValidationError(_("Choose sections of one procedure."))
        return list(keys)

    def clean_correct(self) -> list[int]:
        raw = self.cleaned_data.get("correct") or ""
        try:
            return [int(part) - 1 for part in raw.replace(";", ",").split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError(_("Write numbers separated by commas.")) from None

    def to_input(self) -> ItemInput:
        data = self.cleaned_data
        sections = [parse_key(key) for key in data["source_anchors"]]
        return ItemInput(
            kind=data["kind"],
            prompt=data["prompt"],
            choices=_lines(data["choices"]),
            correct=data["correct"],
            answer=data["answer"],
            tolerance=data["tolerance"] or Decimal(0),
            unit=data["unit"],
            feedback=data["feedback"],
            source_anchors=[anchor for _document, anchor in sections],
            source_version_id=sections[0][0] if sections else None,
        )

    @staticmethod
    def initial_for(item: Item) -> dict[str, Any]:
        return {
            "kind": item.kind,
            "prompt": item.prompt,
            "choices": "\n".join(item.choices),
            "correct": ", ".join(str(i + 1) for i in item.correct),
            "answer": item.answer,
            "tolerance": item.tolerance,
            "unit": item.unit,
            "feedback": item.feedback,
            "source_anchors": item.source_keys,
        }


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    lesson_key = forms.CharField(required=False, widget=forms.HiddenInput)
    item_key = forms.CharField(required=False, widget=forms.HiddenInput)


class ChangesForm(forms.Form):
    reason = forms.CharField(label=_("What must change"), widget=forms.Textarea(attrs={"rows": 3}))
