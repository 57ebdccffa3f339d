"""What every public page shares and keeps until the content changes: read before a test counts
a page's own queries (tests/test_menus.py counts these)."""

from pages.menus import menus_for


def read_menus():
    for language in ("en", "ru"):
        menus_for(language)
