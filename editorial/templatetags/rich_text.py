from django import template
from django.utils.safestring import mark_safe

from editorial import richtext
from editorial.richtext import sanitize

register = template.Library()


@register.filter
def rich_text(html):
    """Saved rich text is cleaned when saved; cleaning again on output keeps old or imported rows
    from ever reaching a page with markup outside the allow-list."""
    return mark_safe(sanitize(html))  # noqa: S308 - nh3 output is safe by construction


@register.filter
def plain_text(html_text):
    """The words of rich text without its tags (for a meta description)."""
    return richtext.plain_text(html_text)


@register.filter
def begins_with(html_text, text):
    """True if the rich text's words begin with the text's: a summary that the body repeats
    word for word is not shown twice."""
    start = " ".join((text or "").split())
    return bool(start) and " ".join(plain_text(html_text).split()).startswith(start)
