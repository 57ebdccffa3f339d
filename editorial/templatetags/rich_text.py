from django import template
from django.utils.safestring import mark_safe

from editorial import richtext

register = template.Library()


@register.filter
def rich_text(html):
    """Saved rich text as readers get it (richtext.for_readers): cleaned again, so old or
    imported rows never reach a page with markup outside the allow-list, with its site links,
    library images and tables rendered now."""
    return mark_safe(richtext.for_readers(html))  # noqa: S308 - built from nh3's output


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
