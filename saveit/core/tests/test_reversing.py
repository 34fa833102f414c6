"""{% url %} and the navigation remember what they reversed: same URLs as reverse(), under any
script prefix, and a missing route still fails."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix

from saveit.core.reversing import cached_reverse


def test_the_same_urls_as_reverse_under_each_script_prefix():
    try:
        for prefix in ("/", "/saveit/", "/"):
            set_script_prefix(prefix)
            for name, args in (
                ("learning:my_trainings", []),
                ("learning:training", [12]),
                ("learning:lesson", [12, "L-3"]),
                ("learning:lesson", [13, "L-3"]),
            ):
                assert cached_reverse(name, args=args) == reverse(name, args=args)
            assert cached_reverse("learning:training", args=[12]).startswith(prefix)
    finally:
        set_script_prefix("/")


def test_the_template_tag_keeps_the_syntax_and_the_failures():
    template = Template(
        "{% url 'learning:lesson' pk key %}|{% url route pk as kept %}{{ kept }}"
        "|{% url 'nowhere:at_all' as missing %}[{{ missing }}]"
    )
    assert type(template.nodelist[0]).__name__ == "CachedURLNode"  # the builtin replaces Django's
    out = template.render(Context({"pk": 7, "key": "L<1>", "route": "learning:training"}))
    lesson = reverse("learning:lesson", args=[7, "L<1>"])
    assert out == f"{lesson}|{reverse('learning:training', args=[7])}|[]"
    with pytest.raises(NoReverseMatch):
        Template("{% url 'nowhere:at_all' %}").render(Context({}))
