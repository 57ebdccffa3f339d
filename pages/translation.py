from modeltranslation.translator import TranslationOptions, register

from editorial.history import register_history
from pages.models import Page


@register(Page)
class PageTranslation(TranslationOptions):
    fields = ["title", "summary", "body", "withdrawal_reason"]


# After the translation fields exist, so that every revision keeps both languages.
register_history(Page, excluded_fields=["updated_at"])
