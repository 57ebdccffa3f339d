from django import template
from django.conf import settings
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname

register = template.Library()


@register.simple_tag
def shown_in_english(obj, *fields):
    """The language code "en" when the page is in another language and one of these fields has
    no text in it, so the English one is shown: the page says so and marks the text lang="en"."""
    language = get_language()
    if not obj or language == settings.MODELTRANSLATION_DEFAULT_LANGUAGE:
        return ""
    for field in fields:
        if getattr(obj, field) and not getattr(obj, build_localized_fieldname(field, language)):
            return settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    return ""
