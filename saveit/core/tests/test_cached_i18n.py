"""`{% load i18n %}` gives a {% translate %} that keeps each constant message per language: the
output is Django's own, in every language and escaping, and variables are not kept."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from saveit.core.templatetags.cached_i18n import CachedTranslateNode

SOURCE = (
    "{% load i18n %}[{% translate 'Sign out' %}][{% trans \"Sign out\" noop %}]"
    "[{% translate 'Progress' as p %}{{ p }}][{% translate 'May' context 'month name' %}]"
    "[{% translate word %}][{% translate '<b>&' %}]"
)


def _django() -> Template:
    """The same template rendered by Django's TranslateNode alone (nothing kept)."""
    template = Template(SOURCE)
    for node in template.nodelist.get_nodes_by_type(CachedTranslateNode):
        node.constant = False
    return template


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("autoescape", [True, False])
def test_the_output_is_djangos_in_each_language_and_escaping(language, autoescape):
    ours = Template(SOURCE)
    theirs = _django()
    with translation.override(language):
        for word in ("Home", "Security"):  # a variable message: never kept
            context = {"word": word}
            expected = theirs.render(Context(context, autoescape=autoescape))
            assert ours.render(Context(context, autoescape=autoescape)) == expected
            assert ours.render(Context(context, autoescape=autoescape)) == expected  # kept


def test_only_constant_messages_are_kept_and_per_language():
    template = Template(SOURCE)
    nodes = template.nodelist.get_nodes_by_type(CachedTranslateNode)
    assert [node.constant for node in nodes] == [True, True, False, False, False, True]
    with translation.override("fr"):
        french = template.render(Context({"word": ""}))
    with translation.override("en"):
        english = template.render(Context({"word": ""}))
    assert "[Se déconnecter]" in french and "[Sign out]" in english
    assert "[Sign out]" in french  # noop: marked for translation, not translated
    # kept per language: a kept value is served as it is, never rendered again
    assert set(nodes[0].rendered) == {("fr", True), ("en", True)}
    nodes[0].rendered[("fr", True)] = "kept"
    with translation.override("fr"):
        assert template.render(Context({"word": ""})).startswith("[kept]")
    assert nodes[2].rendered == {}  # "as p": rendered each time
