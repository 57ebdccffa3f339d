from modeltranslation.translator import TranslationOptions, register

from editorial.history import register_history
from pages.models import MenuItem, Page


@register(Page)
class PageTranslation(TranslationOptions):
    fields = ["title", "summary", "body", "withdrawal_reason"]


# After the translation fields exist, so that every revision keeps both languages.
register_history(Page, excluded_fields=["updated_at"])


@register(MenuItem)
class MenuItemTranslation(TranslationOptions):
    fields = ["label", "withdrawal_reason"]


register_history(MenuItem, excluded_fields=["updated_at"])
