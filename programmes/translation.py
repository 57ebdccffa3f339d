import simple_history
from modeltranslation.translator import TranslationOptions, register

from programmes.models import Country, KeyFigure, Office, Programme, ThematicArea


@register(Programme)
class ProgrammeTranslation(TranslationOptions):
    fields = ["title", "vision", "description", "date_note", "withdrawal_reason"]


@register(Country)
class CountryTranslation(TranslationOptions):
    fields = ["name", "description"]


@register(Office)
class OfficeTranslation(TranslationOptions):
    fields = ["name", "city", "description"]


@register(ThematicArea)
class ThematicAreaTranslation(TranslationOptions):
    fields = ["name", "description"]


@register(KeyFigure)
class KeyFigureTranslation(TranslationOptions):
    fields = ["label"]


# Revision history is registered here, after the translation fields exist, so that every
# revision keeps both languages.
simple_history.register(Programme)
