"""Lesson text is edited visually (django-prose-editor) and cleaned on the server by sanitize.py.

The editor offers only what the sanitiser keeps: EXTENSIONS is written against ALLOWED_TAGS and a
test proves that the tags the editor can produce are exactly those. No "HTML" extension: nobody
types markup. The package's own media adds an inline import map, which our CSP forbids, so the
widget loads one static module of ours that imports the package's editor by relative URL.

The package's menu names its buttons in English, hard-coded: MENU_LABELS, translated here, go to
the browser with the configuration and our module puts them on the menu (see rich_text.js).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import ProseEditorWidget

from .sanitize import clean_html

EXTENSIONS: dict[str, Any] = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Code": True,
    "Heading": {"levels": [3, 4]},
    "HardBreak": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
}

# By the name of the package's menu item (its JS: menu.js, link.js, table.js, code.js).
MENU_LABELS: dict[str, Promise] = {
    "paragraph": _("Paragraph"),
    "heading3": _("Heading"),
    "heading4": _("Subheading"),
    "bulletList": _("Bulleted list"),
    "orderedList": _("Numbered list"),
    "blockquote": _("Quotation"),
    "bold": _("Bold"),
    "italic": _("Italic"),
    "underline": _("Underline"),
    "strike": _("Strikethrough"),
    "code": _("Code"),
    "link": _("Insert a link"),
    "unlink": _("Remove the link"),
    "table": _("Insert a table"),
    "table:addColumnAfter": _("Add a column"),
    "table:deleteColumn": _("Delete the column"),
    "table:addRowAfter": _("Add a row"),
    "table:deleteRow": _("Delete the row"),
    "table:mergeCells": _("Merge cells"),
    "table:splitCell": _("Split the cell"),
    "table:toggleHeaderCell": _("Header cell on or off"),
    "table:deleteTable": _("Delete the table"),
    "history:undo": _("Undo"),
    "history:redo": _("Redo"),
    "unknown": _("Other block type"),
}

EDITOR_CSS = ("django_prose_editor/material-icons.css", "django_prose_editor/editor.css")
EDITOR_JS = "saveit/rich_text.js"


class RichTextWidget(ProseEditorWidget):
    """The prose editor over a textarea; without JavaScript the textarea stays usable."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("preset", "configurable")
        super().__init__(*args, **kwargs)

    def get_config(self) -> dict[str, Any]:
        """The package's configuration, plus the menu's labels in the active language."""
        config: dict[str, Any] = super().get_config()
        return config | {"labels": {item: str(label) for item, label in MENU_LABELS.items()}}

    @property
    def media(self) -> forms.Media:
        return forms.Media(
            css={"all": list(EDITOR_CSS)},
            # The catalogue first: a classic script runs before the (deferred) module.
            js=[
                reverse("core:javascript_catalog"),
                forms.Script(EDITOR_JS, type="module"),  # type: ignore[list-item]
            ],
        )


class RichTextField(ProseEditorFormField):
    """Rich text cleaned by the catalog's one sanitiser (the service cleans it again)."""

    widget = RichTextWidget

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", RichTextWidget)
        kwargs |= {"config": {"extensions": dict(EXTENSIONS)}, "sanitize": clean_html}
        super().__init__(*args, **kwargs)
