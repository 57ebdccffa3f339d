"""What the site search reads in each model, and the PostgreSQL index on it.

The models name these in Meta.indexes and search/queries.py searches the same expressions, so
PostgreSQL can answer a search from the GIN index instead of reading every row.
"""

import functools
import operator

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector

# PostgreSQL's text-search configuration for each language of the site: how words are stemmed.
TEXT_SEARCH_CONFIGS = {"en": "english", "ru": "russian"}

# The fields searched, with their weight: a match in A (the title) ranks above one in B, above C.
NEWS_FIELDS = {"title": "A", "summary": "B", "body": "C"}
PROGRAMME_FIELDS = {"title": "A", "vision": "B", "description": "C"}
COUNTRY_FIELDS = {"name": "A", "description": "C"}
OFFICE_FIELDS = {"name": "A", "city": "B", "description": "C"}


def searched_languages(language):
    """The languages whose fields a page in `language` searches: its own, and English, which the
    page shows wherever a translation is missing."""
    return ["en"] if language == "en" else [language, "en"]


def search_vector(fields, language):
    """The fields as PostgreSQL searches them on pages in `language`, each language's text
    stemmed with that language's configuration."""
    return functools.reduce(
        operator.add,
        (
            SearchVector(f"{name}_{code}", config=TEXT_SEARCH_CONFIGS[code], weight=weight)
            for code in searched_languages(language)
            for name, weight in fields.items()
        ),
    )


class SearchVectorIndex(GinIndex):
    """A GIN index on a search_vector(), made on PostgreSQL only.

    SQLite (for development) has neither to_tsvector nor GIN indexes and searches without an
    index; there the migration, and any later rebuild of the table, create nothing.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return f"-- {self.name}: PostgreSQL only"
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return f"-- {self.name}: PostgreSQL only"
        return super().remove_sql(model, schema_editor, **kwargs)
