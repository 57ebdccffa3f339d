from modeltranslation.translator import TranslationOptions, register

from editorial.history import register_history
from publications.models import Publication


@register(Publication)
class PublicationTranslation(TranslationOptions):
    fields = ["title", "summary", "body", "withdrawal_reason", "file_text"]


# After the translation fields exist, so that every revision keeps both languages. The files'
# text is the file's, not an edit: not kept in the revisions.
register_history(
    Publication, excluded_fields=["updated_at", "file_text", "file_text_en", "file_text_ru"]
)
