"""Searching the site: one interface, a PostgreSQL way and an SQLite way.

On PostgreSQL, full-text search: words are stemmed in the page's language ("drugs" finds "drug"),
ranked by where they occur (search/indexes.py gives the weights: the title counts most) and
highlighted by ts_headline; the GIN indexes of search/indexes.py find the matching rows. On SQLite
(for development) a plainer stand-in with results of the same shape: every word must occur
somewhere, in any case; title matches come first; Python highlights.

Anything a visitor types is safe: websearch_to_tsquery accepts any text, the SQLite patterns are
escaped, and clean_query() drops the NUL bytes neither database accepts and keeps 200 characters.

Only the newest news items that match are ranked: at most RANKED_MATCHES + 1, found in the
order of the lists (newest first, off the date index), ranked from their stored vectors. Ranking
every match of a word found in most of 100,000 items took 5 to 12 s for the search page and 7 to
30 s for the news list; the newest 1,001 take 30 to 50 ms for the whole page (bench/search.py).
The trade-off: an older item that matches better is not found until more words or a filter
(the year) narrow the matches; the pages say so when more matched (the extra one tells them).
"""

import html
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Case, F, Func, Q, TextField, Value, When, Window
from django.db.models.functions import Coalesce, Concat, NullIf, Replace, RowNumber
from django.db.models.query import EmptyQuerySet
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
    stored_search_field,
)

MAX_QUERY_LENGTH = 200
# The news list shows the newest 1,000 of a longer list (news/views.py, NewsPaginator), and says
# so when there are more: with one match more than that, it can tell.
RANKED_MATCHES = 1000
RESULTS_PER_PAGE = 10
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


@dataclass
class SearchPage:
    page: Page  # of Result
    news_limit: int | None  # how many news items were ranked, if more matched, else None


def clean_query(text):
    """The query as searched: NUL bytes dropped, spaces collapsed, at most 200 characters."""
    return " ".join(text.replace("\x00", " ").split())[:MAX_QUERY_LENGTH].strip()


def matching(queryset, query, fields):
    """The rows of queryset that match query, most relevant first, each with a `rank`: for news
    items (a model with stored search vectors), the newest RANKED_MATCHES + 1 only.

    fields: one of the *_FIELDS of search/indexes.py. A page searches the fields of its language
    and the English ones, which it shows where a translation is missing. Filters added to the
    result narrow these rows; those applied to queryset before choose which rows are the newest.
    """
    query = clean_query(query)
    if not query:
        return queryset.none()
    language = get_language()
    if uses_postgresql(queryset):
        search_query = text_search_query(query, language)
        document = searched_document(queryset.model, fields, language)
        queryset = queryset.alias(document=document)
        matches = queryset.filter(document=search_query)
        rank = SearchRank(F("document"), search_query)
    else:
        words = words_of(query)
        if not words:
            return queryset.none()
        matches = queryset.filter(contains_every_word(fields, language, words))
        title = [title_field(fields)]
        rank = Case(When(contains_every_word(title, language, words), then=Value(1.0)), default=0.5)
    ordering = queryset.model._meta.ordering
    if not stored_search_field(queryset.model, language):  # programmes, countries, offices: few
        return matches.annotate(rank=rank).order_by("-rank", *ordering)
    newest = matches.order_by(*ordering).values("pk")[: RANKED_MATCHES + 1]
    return queryset.filter(pk__in=newest).annotate(rank=rank).order_by("-rank", *ordering)


NEWS_KIND = 0  # the news items' place in searched_kinds()


def searched_kinds():
    """What the site search finds, with the fields it reads in each; built per request, as
    published() compares with the time now."""
    return [
        (NewsItem.objects.published(), NEWS_FIELDS),
        (Programme.objects.published(), PROGRAMME_FIELDS),
        (Country.objects.all(), COUNTRY_FIELDS),
        (Office.objects.all(), OFFICE_FIELDS),
    ]


def search_site(query, page_number=1):
    """A page of the news items, programmes, countries and offices matching query, most relevant
    first, each with a highlighted excerpt.

    One query ranks the matches of every kind; one more for each kind on the page reads its rows
    and makes their excerpts, so the excerpts are made for the page's rows only.
    """
    kinds = searched_kinds()
    keys = ranked_keys(kinds, clean_query(query))
    # The news item one beyond RANKED_MATCHES only tells that more matched: it is not shown.
    shown = [
        key for key in keys if key.result_kind != NEWS_KIND or key.result_position <= RANKED_MATCHES
    ]
    page = Paginator(shown, RESULTS_PER_PAGE).get_page(page_number)
    page.object_list = results_of(page.object_list, kinds, query)
    return SearchPage(page=page, news_limit=RANKED_MATCHES if len(shown) < len(keys) else None)


def ranked_keys(kinds, query):
    """(result_kind, pk, rank, result_position) of every ranked match, most relevant first, in
    one query: the kind is its index in kinds, the position its place in its own list (1 for
    the newest news item)."""
    ranked = []
    for number, (queryset, fields) in enumerate(kinds):
        matches = matching(queryset, query, fields)
        if isinstance(matches, EmptyQuerySet):  # nothing to search for in the query
            continue
        ranked.append(
            matches.order_by()
            .annotate(
                result_kind=Value(number),
                result_position=Window(RowNumber(), order_by=queryset.model._meta.ordering),
            )
            .values_list("result_kind", "pk", "rank", "result_position", named=True)
        )
    if not ranked:
        return []
    return list(
        ranked[0].union(*ranked[1:], all=True).order_by("-rank", "result_position", "result_kind")
    )


def results_of(keys, kinds, query):
    """The Result of each key, in the keys' order."""
    language = get_language()
    pks_of_kind = defaultdict(list)
    for key in keys:
        pks_of_kind[key.result_kind].append(key.pk)
    found = {}
    for kind, pks in pks_of_kind.items():
        queryset, fields = kinds[kind]
        for row, excerpt in rows_with_excerpts(queryset.filter(pk__in=pks), query, fields):
            found[kind, row.pk] = (row, excerpt, title_field(fields))
    results = []
    for key in keys:
        if (key.result_kind, key.pk) not in found:  # unpublished or deleted since the first query
            continue
        row, excerpt, title = found[key.result_kind, key.pk]
        results.append(
            Result(
                kind=row._meta.verbose_name,
                title=getattr(row, title),
                title_lang=(
                    "en" if language != "en" and not getattr(row, f"{title}_{language}") else ""
                ),
                url=row.get_absolute_url(),
                excerpt=highlighted(excerpt),
                rank=key.rank,
            )
        )
    return results


def rows_with_excerpts(queryset, query, fields):
    """(row, excerpt) for each row: the excerpt's words found are between START and STOP."""
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
        return [(row, row.headline) for row in queryset.annotate(headline=headline)]
    words = words_of(query)
    return [(row, marked_excerpt(plain_text(row, fields), words)) for row in queryset]


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


def searched_document(model, fields, language):
    """What PostgreSQL searches on pages in `language`: the stored column where the model has one
    (news), else the fields' search_vector(), computed for each row read."""
    stored = stored_search_field(model, language)
    return F(stored) if stored else search_vector(fields, language)


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
