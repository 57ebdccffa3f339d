from modeltranslation.translator import TranslationOptions, register

from editorial.history import register_history
from news.models import NewsItem


@register(NewsItem)
class NewsItemTranslation(TranslationOptions):
    fields = ["title", "summary", "body", "withdrawal_reason"]


# Revision history is registered here, after the translation fields exist, so that every
# revision keeps both languages. The search vectors are the database's, computed from the texts.
register_history(NewsItem, excluded_fields=["updated_at", "search_en", "search_ru"])
