from modeltranslation.translator import TranslationOptions, register

from editorial.history import register_history
from programmes.models import Country, KeyFigure, Office, Programme, ThematicArea


@register(Programme)
class ProgrammeTranslation(TranslationOptions):
    fields = ["title", "vision", "description", "date_note", "withdrawal_reason"]


@register(Country)
class CountryTranslation(TranslationOptions):
    fields = ["name", "description", "withdrawal_reason"]


@register(Office)
class OfficeTranslation(TranslationOptions):
    fields = [
        "name",
        "city",
        "description",
        "street_address",
        "postal_address",
        "opening_hours",
        "head_of_office",
        "withdrawal_reason",
    ]


@register(ThematicArea)
class ThematicAreaTranslation(TranslationOptions):
    fields = ["name", "description", "withdrawal_reason"]


@register(KeyFigure)
class KeyFigureTranslation(TranslationOptions):
    fields = ["label", "withdrawal_reason"]


# Revision history is registered here, after the translation fields exist, so that every
# revision keeps both languages.
register_history(Programme)
for model in (Country, Office, ThematicArea, KeyFigure):
    register_history(model)
