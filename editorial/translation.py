from modeltranslation.translator import TranslationOptions, register

from editorial.models import ChangeNote


@register(ChangeNote)
class ChangeNoteTranslation(TranslationOptions):
    fields = ["note"]
