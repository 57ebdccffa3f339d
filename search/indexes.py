"""The search vectors of a model's searched fields, and the PostgreSQL indexes on them.

A large table (news) keeps its vectors in stored columns (stored_search_vector): PostgreSQL
ranks a match from the column instead of parsing the texts again, and finds matches through a
GIN index on it. Smaller tables are searched through the expressions themselves, with a GIN
index on the expression where it helps. The models name these in their fields and Meta.indexes
from their queryset's searched_fields; search/queries.py searches the same ones.
"""

import functools
import operator

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models

# PostgreSQL's text-search configuration for each language of the site: how words are stemmed.
TEXT_SEARCH_CONFIGS = {"en": "english", "ru": "russian"}


def searched_languages(language):
    """The languages whose fields a page in `language` searches: its own, and English, which the
    page shows wherever a translation is missing."""
    return ["en"] if language == "en" else [language, "en"]


def search_vector(fields, language):
    """The fields ({name: weight}; a match in A ranks above one in B, above C) as PostgreSQL
    searches them on pages in `language`, each language's text stemmed with its configuration."""
    return functools.reduce(
        operator.add,
        (
            SearchVector(f"{name}_{code}", config=TEXT_SEARCH_CONFIGS[code], weight=weight)
            for code in searched_languages(language)
            for name, weight in fields.items()
        ),
    )


def stored_search_vector(fields, language, verbose_name):
    """A column holding search_vector(fields, language), which PostgreSQL computes itself
    whenever a row is written: by save(), bulk_create(), update(), a migration or raw SQL alike,
    so nothing has to remember to fill it. SQLite (for development) leaves it NULL."""
    return models.GeneratedField(
        expression=PostgreSQLOnly(search_vector(fields, language)),
        output_field=SearchVectorField(),
        db_persist=True,
        null=True,
        verbose_name=verbose_name,
    )


def stored_search_field(model, language):
    """The name of model's stored_search_vector() column for pages in `language`, or None."""
    name = f"search_{language}"
    fields = {field.name for field in model._meta.concrete_fields if field.generated}
    return name if name in fields else None


class PostgreSQLOnly(models.Func):
    """An expression PostgreSQL computes and SQLite, which lacks to_tsvector, reads as NULL."""

    template = "%(expressions)s"
    output_field = SearchVectorField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return "NULL", []


class PostgreSQLOnlyIndex:
    """Mixin for an index made on PostgreSQL only: on SQLite (for development) the migration,
    and any later rebuild of the table, create nothing."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return f"-- {self.name}: PostgreSQL only"
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return f"-- {self.name}: PostgreSQL only"
        return super().remove_sql(model, schema_editor, **kwargs)


class SearchVectorIndex(PostgreSQLOnlyIndex, GinIndex):
    """A GIN index on a search_vector() or a stored_search_vector() column, made on PostgreSQL
    only: SQLite has neither to_tsvector nor GIN indexes and searches without an index."""
