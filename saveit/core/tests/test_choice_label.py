"""|choice_label gives what get_FOO_display() gives, in the current language."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation

from saveit.accounts.models import Membership
from saveit.accounts.roles import Role
from saveit.learning.models import Assignment


def _render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


def test_the_label_is_get_display_in_french_and_in_english():
    assignment = Assignment(status=Assignment.Status.IN_PROGRESS)
    member = Membership(role=Role.CLIENT_OWNER)
    for language in ("fr", "en"):
        with translation.override(language):
            assert _render('{{ a|choice_label:"status" }}', a=assignment) == str(
                assignment.get_status_display()
            )
            assert _render('{{ m|choice_label:"role" }}', m=member) == str(
                member.get_role_display()
            )
    with translation.override("fr"):
        assert _render('{{ a|choice_label:"status" }}', a=assignment) == "en cours"


def test_a_value_outside_the_choices_shows_as_itself_and_nothing_shows_as_nothing():
    assert _render('{{ a|choice_label:"status" }}', a=Assignment(status="<hors liste>")) == (
        "&lt;hors liste&gt;"
    )
    assert _render('{{ missing|choice_label:"status" }}') == ""


def test_the_python_helper_the_tags_call_gives_get_display():
    """saveit.core.choices.choice_label, which the filter and the learner list's cells call."""
    from saveit.core.choices import choice_label

    failed = Assignment(status=Assignment.Status.FAILED)
    with translation.override("fr"):
        assert choice_label(failed, "status") == str(failed.get_status_display()) == "échoué"
