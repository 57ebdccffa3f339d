"""Searching the site: one interface, a PostgreSQL way and an SQLite way.

On PostgreSQL, full-text search: words are stemmed in the page's language ("drugs" finds "drug"),
ranked by where they occur (search/indexes.py gives the weights: the title counts most) and
highlighted by ts_headline; the GIN indexes of search/indexes.py find the matching rows. On SQLite
(for development) a plainer stand-in with results of the same shape: every word must occur
somewhere, in any case; title matches come first; Python highlights.

Anything a visitor types is safe: websearch_to_tsquery accepts any text, the SQLite patterns are
escaped, and clean_query() drops the NUL bytes neither database accepts and keeps 200 characters.
"""

import html
import re
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connections
from django.db.models import Case, F, Func, Q, TextField, Value, When
from django.db.models.functions import Coalesce, Concat, NullIf, Replace
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django_prose_editor.fields import ProseEditorField
from modeltranslation.utils import get_language

from news.models import NewsItem
from programmes.models import Country, Office, Programme
from search.indexes import (
    COUNTRY_FIELDS,
    NEWS_FIELDS,
    OFFICE_FIELDS,
    PROGRAMME_FIELDS,
    TEXT_SEARCH_CONFIGS,
    search_vector,
    searched_languages,
)

MAX_QUERY_LENGTH = 200
RESULTS_PER_KIND = 10
EXCERPT_WORDS = 30

# The words found in an excerpt are wrapped in these two private-use characters, by ts_headline
# or by marked_excerpt(); highlighted() escapes the whole text and only then turns each pair into
# a <mark> element, so nothing from the content or the query can become markup.
START, STOP = "\ue000", "\ue001"
MARKED = re.compile(f"{START}([^{START}{STOP}]*){STOP}")

# Rich-text fields hold sanitised HTML: tags, and besides text only these entities (nh3 writes
# the first four, Django's escape() the quotes). &amp; goes last, so that the text "&lt;", stored
# as "&amp;lt;", stays "&lt;".
HTML_TAG = "<[^>]*>"
HTML_ENTITIES = {
    "&lt;": "<",
    "&gt;": ">",
    "&nbsp;": "\xa0",
    "&quot;": '"',
    "&#x27;": "'",
    "&#39;": "'",
    "&amp;": "&",
}


@dataclass
class Result:
    kind: str
    title: str
    title_lang: str  # "en" where a page in another language shows the English title
    url: str
    excerpt: str  # HTML: escaped text with <mark> around the words found
    rank: float


def clean_query(text):
    """The query as searched: NUL bytes dropped, spaces collapsed, at most 200 characters."""
    return " ".join(text.replace("\x00", " ").split())[:MAX_QUERY_LENGTH].strip()


def matching(queryset, query, fields):
    """The rows of queryset that match query, most relevant first, each with a `rank`.

    fields: one of the *_FIELDS of search/indexes.py. A page searches the fields of its language
    and the English ones, which it shows where a translation is missing.
    """
    query = clean_query(query)
    if not query:
        return queryset.none()
    language = get_language()
    if uses_postgresql(queryset):
        search_query = text_search_query(query, language)
        queryset = (
            queryset.alias(document=search_vector(fields, language))
            .filter(document=search_query)
            .annotate(rank=SearchRank(F("document"), search_query))
        )
    else:
        words = words_of(query)
        if not words:
            return queryset.none()
        title = [title_field(fields)]
        queryset = queryset.filter(contains_every_word(fields, language, words)).annotate(
            rank=Case(
                When(contains_every_word(title, language, words), then=Value(1.0)),
                default=Value(0.5),
            )
        )
    return queryset.order_by("-rank", *queryset.model._meta.ordering)


def search_site(query):
    """News, programmes, countries and offices matching query, most relevant first: at most
    RESULTS_PER_KIND of each kind, each with a highlighted excerpt."""
    query = clean_query(query)
    if not query:
        return []
    results = []
    # Built per request: published() compares with the time now.
    for queryset, fields in [
        (NewsItem.objects.published(), NEWS_FIELDS),
        (Programme.objects.published(), PROGRAMME_FIELDS),
        (Country.objects.all(), COUNTRY_FIELDS),
        (Office.objects.all(), OFFICE_FIELDS),
    ]:
        results += results_of_kind(queryset, query, fields)
    return sorted(results, key=lambda result: -result.rank)


def results_of_kind(queryset, query, fields):
    language = get_language()
    if uses_postgresql(queryset):
        headline = SearchHeadline(
            excerpt_text(queryset.model, fields, language),
            text_search_query(query, language),
            config=TEXT_SEARCH_CONFIGS[language],
            start_sel=START,
            stop_sel=STOP,
            min_words=EXCERPT_WORDS // 2,
            max_words=EXCERPT_WORDS,
        )
        rows = matching(queryset, query, fields).annotate(headline=headline)[:RESULTS_PER_KIND]
        excerpts = [row.headline for row in rows]
    else:
        rows = matching(queryset, query, fields)[:RESULTS_PER_KIND]
        excerpts = [marked_excerpt(plain_text(row, fields), words_of(query)) for row in rows]
    title = title_field(fields)
    return [
        Result(
            kind=row._meta.verbose_name,
            title=getattr(row, title),
            title_lang="en" if language != "en" and not getattr(row, f"{title}_{language}") else "",
            url=row.get_absolute_url(),
            excerpt=highlighted(excerpt),
            rank=row.rank,
        )
        for row, excerpt in zip(rows, excerpts, strict=True)
    ]


def highlighted(marked_text):
    """The text HTML-escaped, with <mark> where START…STOP were."""
    escaped = MARKED.sub(r"<mark>\1</mark>", escape(" ".join(marked_text.split())))
    return mark_safe(escaped.replace(START, "").replace(STOP, ""))


def uses_postgresql(queryset):
    return connections[queryset.db].vendor == "postgresql"


def title_field(fields):
    return next(name for name, weight in fields.items() if weight == "A")


def excerpt_fields(fields):
    """The fields an excerpt is made of: all but the title, which the result shows as its link."""
    return [name for name, weight in fields.items() if weight != "A"]


def is_rich_text(model, name):
    return isinstance(model._meta.get_field(name), ProseEditorField)


# ---------------------------------------------------------------- PostgreSQL


def text_search_query(query, language):
    """The query read in each language the page searches.

    "websearch" syntax takes any text: quotes make a phrase, "or" an alternative, "-" excludes,
    and everything else is read as words.
    """
    return reduce(
        or_,
        (
            SearchQuery(query, search_type="websearch", config=TEXT_SEARCH_CONFIGS[code])
            for code in searched_languages(language)
        ),
    )


def excerpt_text(model, fields, language):
    """The excerpt fields as the page shows them: in its language, in English where the
    translation is missing, rich text reduced to its text."""
    texts = []
    for name in excerpt_fields(fields):
        text = F(f"{name}_en")
        if language != "en":
            translated = NullIf(F(f"{name}_{language}"), Value(""), output_field=TextField())
            text = Coalesce(translated, text, output_field=TextField())
        if is_rich_text(model, name):
            text = html_text(text)
        texts.append(text)
    if len(texts) == 1:
        return Coalesce(texts[0], Value(""), output_field=TextField())
    return reduce(
        lambda left, right: Concat(left, Value(" "), right, output_field=TextField()), texts
    )


def html_text(expression):
    text = Func(
        expression,
        Value(HTML_TAG),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    for entity, character in HTML_ENTITIES.items():
        text = Replace(text, Value(entity), Value(character), output_field=TextField())
    return text


# ---------------------------------------------------------------- SQLite


def words_of(query):
    return re.findall(r"\w+", query)


def contains_every_word(fields, language, words):
    """Every word occurs in one of the fields, in any case.

    iregex, not icontains: SQLite's LIKE folds the case of ASCII letters only, while Django runs
    SQLite's REGEXP with Python's re, which folds Cyrillic too.
    """
    columns = [f"{name}_{code}" for code in searched_languages(language) for name in fields]
    return reduce(
        and_,
        (
            reduce(or_, (Q(**{f"{column}__iregex": re.escape(word)}) for column in columns))
            for word in words
        ),
    )


def plain_text(row, fields):
    """As excerpt_text(), from a row: its translated attributes fall back to English."""
    texts = []
    for name in excerpt_fields(fields):
        text = getattr(row, name) or ""
        if is_rich_text(row, name):
            text = html.unescape(re.sub(HTML_TAG, " ", text))
        texts.append(text)
    return " ".join(texts)


def marked_excerpt(text, words):
    """About EXCERPT_WORDS words of text, from a little before the first word found, with each
    word found between START and STOP."""
    found = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    tokens = text.split()
    first = next((i for i, token in enumerate(tokens) if found.search(token)), 0)
    start = max(0, first - EXCERPT_WORDS // 3)
    excerpt = " ".join(tokens[start : start + EXCERPT_WORDS])
    excerpt = found.sub(lambda match: f"{START}{match.group()}{STOP}", excerpt)
    return ("… " if start else "") + excerpt + (" …" if start + EXCERPT_WORDS < len(tokens) else "")
