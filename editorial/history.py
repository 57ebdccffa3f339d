"""Revision history (django-simple-history) of a model with translated fields."""

import simple_history
from modeltranslation.fields import TranslationField


def register_history(model, **options):
    """Keep every save of the model as a revision, both languages included: register it after
    its translation fields exist (each app's translation.py).

    simple-history makes the unique fields of a revision indexed, not unique (a name repeats
    from one revision to the next), but modeltranslation's migrations copy unique=True from
    the original field (a country's name_en): undone here for the translated copies."""
    simple_history.register(model, **options)
    for field in model.history.model._meta.fields:
        if isinstance(field, TranslationField) and field.translated_field.unique:
            field._field_options_kwargs = {
                **getattr(field, "_field_options_kwargs", {}),
                "unique": False,
                "db_index": True,
            }
