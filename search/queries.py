"""Full-text search as a queryset method, on PostgreSQL and, plainly, on SQLite.

A model's queryset mixes in SearchQuerySet and names its `searched_fields`; then
`Model.objects.search(text)` gives the matches, most relevant first. On PostgreSQL words are
stemmed in the page's language ("drugs" finds "drug"), ranked by their fields' weights (the
title counts most), found through GIN indexes (search/indexes.py) and highlighted by ts_headline.
On SQLite (for development) every word must occur somewhere, in any case; title matches come
first; Python highlights.

Anything a visitor types is safe: websearch_to_tsquery accepts any text, the SQLite patterns are
escaped, and clean_query() drops the NUL bytes neither database accepts.

A model with stored search vectors (news, thousands of rows) ranks only its newest
RANKED_MATCHES + 1 matches, found in the order of its lists off the date index: ranking every
match of a common word is far too slow (docs/deploy.md, "Search"). The extra one tells the
pages that more matched.
"""

import html
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connections, models
from django.db.models import Case, F, Func, Q, TextField, Value, When, Window
from django.db.models.functions import Coalesce, Concat, NullIf, Replace, RowNumber
from django.db.models.query import EmptyQuerySet
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django_prose_editor.fields import ProseEditorField
from modeltranslation.utils import get_language

from search.indexes import (
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


def clean_query(text):
    """The query as searched: NUL bytes dropped, spaces collapsed, at most 200 characters."""
    return " ".join(text.replace("\x00", " ").split())[:MAX_QUERY_LENGTH].strip()


class SearchQuerySet(models.QuerySet):
    """search() and with_excerpts() for a model whose texts are translated (`title_en`, …).

    searched_fields: {field: weight}, "A" for the title (one field), "B" and "C" for the rest. A
    page searches the fields of its language and the English ones, which it shows where a
    translation is missing.
    """

    searched_fields = {}

    def search(self, text):
        """The rows matching text, most relevant first, each with its `rank`.

        Filters added to the result narrow these rows; those applied before choose which rows
        are the newest (where only the newest are ranked).
        """
        text = clean_query(text)
        language = get_language()
        stored_vector = stored_search_field(self.model, language)
        if not text:
            return self.none()
        if uses_postgresql(self):
            query = text_search_query(text, language)
            if stored_vector:
                document = F(stored_vector)
            else:  # computed for each row read
                document = search_vector(self.searched_fields, language)
            queryset = self.alias(document=document)
            matches = queryset.filter(document=query)
            rank = SearchRank(F("document"), query)
        else:
            words = words_of(text)
            if not words:
                return self.none()
            queryset = self
            matches = self.filter(contains_every_word(self.searched_fields, language, words))
            title_matches = contains_every_word([self.title_field()], language, words)
            rank = Case(When(title_matches, then=Value(1.0)), default=0.5)
        ordering = self.model._meta.ordering
        if not stored_vector:  # a small table: every match is ranked
            return matches.annotate(rank=rank).order_by("-rank", *ordering)
        newest = matches.order_by(*ordering).values("pk")[: RANKED_MATCHES + 1]
        return queryset.filter(pk__in=newest).annotate(rank=rank).order_by("-rank", *ordering)

    def with_excerpts(self, text):
        """The rows, each with `excerpt`: HTML of its text (the title aside) around the words
        found, each in <mark>."""
        language = get_language()
        if uses_postgresql(self):
            headline = SearchHeadline(
                self.excerpt_text(language),
                text_search_query(clean_query(text), language),
                config=TEXT_SEARCH_CONFIGS[language],
                start_sel=START,
                stop_sel=STOP,
                min_words=EXCERPT_WORDS // 2,
                max_words=EXCERPT_WORDS,
            )
            rows = list(self.annotate(excerpt=headline))
        else:
            words = words_of(clean_query(text))
            rows = list(self.defer(None))  # the texts a manager defers are read here
            for row in rows:
                row.excerpt = marked_excerpt(self.plain_text(row), words)
        for row in rows:
            row.excerpt = highlighted(row.excerpt)
        return rows

    def title_field(self):
        return next(name for name, weight in self.searched_fields.items() if weight == "A")

    def excerpt_fields(self):
        """All searched fields but the title, which a result shows as its link."""
        return [name for name, weight in self.searched_fields.items() if weight != "A"]

    def excerpt_text(self, language):
        """The excerpt fields as the page shows them, in SQL: in its language, in English where
        the translation is missing, rich text reduced to its text."""
        texts = []
        for name in self.excerpt_fields():
            text = F(f"{name}_en")
            if language != "en":
                translated = NullIf(F(f"{name}_{language}"), Value(""), output_field=TextField())
                text = Coalesce(translated, text, output_field=TextField())
            if is_rich_text(self.model, name):
                text = html_text(text)
            texts.append(text)
        if len(texts) == 1:
            return Coalesce(texts[0], Value(""), output_field=TextField())
        return reduce(
            lambda left, right: Concat(left, Value(" "), right, output_field=TextField()), texts
        )

    def plain_text(self, row):
        """As excerpt_text(), in Python: the row's translated attributes fall back to English."""
        texts = []
        for name in self.excerpt_fields():
            text = getattr(row, name) or ""
            if is_rich_text(self.model, name):
                text = html.unescape(re.sub(HTML_TAG, " ", text))
            texts.append(text)
        return " ".join(texts)


def uses_postgresql(queryset):
    return connections[queryset.db].vendor == "postgresql"


def is_rich_text(model, name):
    return isinstance(model._meta.get_field(name), ProseEditorField)


def highlighted(marked_text):
    """The text HTML-escaped, with <mark> where START…STOP were."""
    escaped = MARKED.sub(r"<mark>\1</mark>", escape(" ".join(marked_text.split())))
    return mark_safe(escaped.replace(START, "").replace(STOP, ""))


def text_search_query(text, language):
    """The query read in each language the page searches.

    "websearch" syntax takes any text: quotes make a phrase, "or" an alternative, "-" excludes,
    and everything else is read as words.
    """
    return reduce(
        or_,
        (
            SearchQuery(text, search_type="websearch", config=TEXT_SEARCH_CONFIGS[code])
            for code in searched_languages(language)
        ),
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


def words_of(text):
    return re.findall(r"\w+", text)


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


# ---------------------------------------------------------------- several models at once


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
    ranked_limit: int | None  # RANKED_MATCHES if more of a kind matched (and are not shown)


def search_all(querysets, text, page_number=1):
    """A page of the rows of every queryset (each a SearchQuerySet) that match text, most
    relevant first, as Results.

    One query ranks the matches of every kind; one more for each kind on the page reads its rows
    and makes their excerpts, so the excerpts are made for the page's rows only.
    """
    keys = ranked_keys(querysets, text)
    # A kind's match beyond RANKED_MATCHES only tells that more matched: it is not shown.
    shown = [key for key in keys if key.result_position <= RANKED_MATCHES]
    page = Paginator(shown, RESULTS_PER_PAGE).get_page(page_number)
    page.object_list = results_of(page.object_list, querysets, text)
    return SearchPage(page=page, ranked_limit=RANKED_MATCHES if len(shown) < len(keys) else None)


def ranked_keys(querysets, text):
    """(result_kind, pk, rank, result_position) of every ranked match, most relevant first, in
    one query: the kind is the queryset's index, the position the row's place in its own list."""
    ranked = []
    for kind, queryset in enumerate(querysets):
        matches = queryset.search(text)
        if isinstance(matches, EmptyQuerySet):  # nothing to search for in the text
            continue
        ranked.append(
            matches.order_by()
            .annotate(
                result_kind=Value(kind),
                result_position=Window(RowNumber(), order_by=queryset.model._meta.ordering),
            )
            .values_list("result_kind", "pk", "rank", "result_position", named=True)
        )
    if not ranked:
        return []
    return list(
        ranked[0].union(*ranked[1:], all=True).order_by("-rank", "result_position", "result_kind")
    )


def results_of(keys, querysets, text):
    """The Result of each key, in the keys' order."""
    language = get_language()
    pks_of_kind = defaultdict(list)
    for key in keys:
        pks_of_kind[key.result_kind].append(key.pk)
    found = {}
    for kind, pks in pks_of_kind.items():
        queryset = querysets[kind]
        title = queryset.title_field()
        for row in queryset.filter(pk__in=pks).with_excerpts(text):
            found[kind, row.pk] = (row, title)
    results = []
    for key in keys:
        if (key.result_kind, key.pk) not in found:  # unpublished or deleted since the first query
            continue
        row, title = found[key.result_kind, key.pk]
        untranslated = language != "en" and not getattr(row, f"{title}_{language}")
        results.append(
            Result(
                kind=row._meta.verbose_name,
                title=getattr(row, title),
                title_lang="en" if untranslated else "",
                url=row.get_absolute_url(),
                excerpt=row.excerpt,
                rank=key.rank,
            )
        )
    return results
