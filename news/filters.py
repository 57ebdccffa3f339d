from django import forms
from django.db.models import CharField, F, Max, Min, Value
from django.db.models.functions import Coalesce, NullIf
from django.forms.renderers import Jinja2
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from editorial.changes import kept_until_content_changes
from news.models import NewsItem
from programmes.filters import (
    WordsFilterSet,
    country_filter,
    programme_filter,
    theme_filter,
    year_filter,
    years_between,
)
from programmes.models import Country, Programme, ThematicArea


def once(compute):
    """compute(), called at most once: a filter's choices are read for the form and again to
    check a value, and each reading would otherwise be a query."""
    result = []

    def value():
        if not result:
            result.append(compute())
        return result[0]

    return value


def in_language(field):
    """The field in the active language, English where the translation is empty."""
    language = get_language()
    if language == "en":
        return F(f"{field}_en")
    return Coalesce(
        NullIf(f"{field}_{language}", Value("")), f"{field}_en", output_field=CharField()
    )


def filter_choices():
    """The countries, programmes and thematic areas to filter by, read in one query.

    {"country": [(slug, name), …], "programme": […], "theme": […]}, each in the order of its
    own list page.
    """
    kinds = [
        ("country", Country.objects.published(), "name", Value(0)),
        ("programme", Programme.objects.published(), "title", -F("start_year")),
        ("theme", ThematicArea.objects.published(), "name", F("position")),
    ]
    rows = [
        queryset.order_by()
        .annotate(kind=Value(kind), label=in_language(field), sort_key=sort_key)
        .values_list("kind", "sort_key", "label", "slug")
        for kind, queryset, field, sort_key in kinds
    ]
    choices = {kind: [] for kind, *_rest in kinds}
    for kind, _sort_key, label, slug in sorted(rows[0].union(*rows[1:], all=True).order_by()):
        choices[kind].append((slug, label))
    return choices


def years_with_news():
    """Every year from the first to the last dated published item, newest first.

    From the first and last dates, read off the date index, instead of the distinct years of
    every item (which reads the whole table).
    """
    return years_between(
        NewsItem.objects.published().aggregate(first=Min("date"), last=Max("date"))
    )


class NewsFilterForm(forms.Form):
    # Jinja2 renders the filters' long lists of options faster (docs/deploy.md), with the same
    # markup: Django ships its form templates for both. The rest of the site keeps Django's.
    default_renderer = Jinja2()  # one for the process: it keeps its compiled templates


class NewsFilter(WordsFilterSet):
    """The filters of the public news list; their names are the query-string parameters."""

    country = country_filter()
    programme = programme_filter()
    theme = theme_filter()
    year = year_filter(_("There is no news from that year. Choose a year from the list."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read only if used (the API checks a value only when one is given), from the cache
        # until the content changes: a new generation also comes when a scheduled programme
        # or news item appears or leaves, as published() would see it.
        choices = once(
            lambda: kept_until_content_changes(
                f"news-filter-choices:{get_language()}",
                lambda: {**filter_choices(), "year": years_with_news()},
            )
        )
        for name in ["country", "programme", "theme", "year"]:
            self.filters[name].extra["choices"] = lambda name=name: choices()[name]

    def choice_label(self, name, value):
        """The name shown for a filter's value (a country's name for its slug)."""
        field = self.form.fields[name]
        return dict(field.choices).get(value, value) if hasattr(field, "choices") else value

    class Meta:
        model = NewsItem
        fields = ["q", "country", "programme", "theme", "year"]
        form = NewsFilterForm
