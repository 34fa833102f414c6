"""The side navigation's HTML is kept per set of entries and language (issue 22): a count or
the current page changing gives another menu, never a stale one."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation

from saveit.web.templatetags.navigation import MENUS

MENU = Template("{% load navigation %}{% navigation_menu %}")


def _menu(**changes: object) -> str:
    entries = [
        {"label": "Mes formations", "url": "/mes-formations/", "count": 0, "active": True},
        {"label": "Support", "url": "/support/", "count": 0, "active": False},
    ]
    entries[1].update(changes)
    return MENU.render(Context({"navigation": entries}))


def test_the_same_entries_give_the_same_menu_from_what_is_kept():
    MENUS.clear()
    with translation.override("fr"):
        first = _menu()
        assert _menu() == first
    assert len(MENUS._kept) == 1
    assert 'aria-current="page">Mes formations' in first
    assert "nav-count" not in first


def test_a_count_a_current_page_or_a_language_gives_another_menu():
    MENUS.clear()
    with translation.override("fr"):
        plain = _menu()
        waiting = _menu(count=3)
        current = _menu(active=True)
    with translation.override("en"):
        english = _menu(count=3)
    assert len(MENUS._kept) == 4
    assert '<span class="nav-count">3<span class="visually-hidden"> en attente' in waiting
    assert current.count('aria-current="page"') == 2 and plain.count('aria-current="page"') == 1
    assert "> waiting</span>" in english
