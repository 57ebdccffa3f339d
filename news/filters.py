import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from news.models import NewsItem
from programmes.models import Country, Programme, ThematicArea
from search.indexes import NEWS_FIELDS
from search.queries import matching


def years_with_news():
    dates = NewsItem.objects.published().dates("date", "year", order="DESC")
    return [(str(d.year), str(d.year)) for d in dates]


class NewsFilter(django_filters.FilterSet):
    """The filters of the public news list; their names are the query-string parameters."""

    q = django_filters.CharFilter(
        label=_("Words"), method="filter_words", max_length=200, widget=forms.SearchInput
    )
    country = django_filters.ModelChoiceFilter(
        label=_("Country"),
        field_name="countries",
        to_field_name="slug",
        queryset=Country.objects.all(),
        empty_label=_("All countries"),
        error_messages={
            "invalid_choice": _("There is no such country on this site. Choose one from the list.")
        },
    )
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"),
        field_name="programmes",
        to_field_name="slug",
        queryset=lambda request: Programme.objects.published(),
        empty_label=_("All programmes"),
        error_messages={
            "invalid_choice": _(
                "There is no such programme on this site. Choose one from the list."
            )
        },
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Thematic area"),
        field_name="thematic_areas",
        to_field_name="slug",
        queryset=ThematicArea.objects.all(),
        empty_label=_("All thematic areas"),
        error_messages={
            "invalid_choice": _(
                "There is no such thematic area on this site. Choose one from the list."
            )
        },
    )
    year = django_filters.ChoiceFilter(
        label=_("Year"),
        field_name="date__year",
        choices=years_with_news,
        empty_label=_("All years"),
        error_messages={
            "invalid_choice": _("There is no news from that year. Choose a year from the list.")
        },
    )

    class Meta:
        model = NewsItem
        fields = ["q", "country", "programme", "theme", "year"]

    def filter_words(self, queryset, name, value):
        """The site search's match, most relevant first; the other filters narrow it further."""
        return matching(queryset, value, NEWS_FIELDS)
