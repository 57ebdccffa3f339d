"""The filters every public list offers (news, publications): words, and by country,
programme, thematic area and year. Each list gives their choices."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _


class WordsFilterSet(django_filters.FilterSet):
    """A list's filters with `q`, the site search's words: applied last, so that search() ranks
    the newest matches among what the other filters leave, not among all matches."""

    q = django_filters.CharFilter(
        label=_("Words"), method="filter_words", max_length=200, widget=forms.SearchInput
    )

    def filter_queryset(self, queryset):
        data = dict(self.form.cleaned_data)
        words = data.pop("q", "")
        for name, value in data.items():
            queryset = self.filters[name].filter(queryset, value)
        return self.filters["q"].filter(queryset, words)

    def filter_words(self, queryset, name, value):
        """The site search's match, most relevant first; the other filters narrow it further."""
        return queryset.search(value)


def country_filter():
    return django_filters.ChoiceFilter(
        label=_("Country"),
        field_name="countries__slug",
        empty_label=_("All countries"),
        error_messages={
            "invalid_choice": _("There is no such country on this site. Choose one from the list.")
        },
    )


def programme_filter():
    return django_filters.ChoiceFilter(
        label=_("Programme"),
        field_name="programmes__slug",
        empty_label=_("All programmes"),
        error_messages={
            "invalid_choice": _(
                "There is no such programme on this site. Choose one from the list."
            )
        },
    )


def theme_filter():
    return django_filters.ChoiceFilter(
        label=_("Thematic area"),
        field_name="thematic_areas__slug",
        empty_label=_("All thematic areas"),
        error_messages={
            "invalid_choice": _(
                "There is no such thematic area on this site. Choose one from the list."
            )
        },
    )


def year_filter(invalid_choice):
    return django_filters.ChoiceFilter(
        label=_("Year"),
        field_name="date__year",
        empty_label=_("All years"),
        error_messages={"invalid_choice": invalid_choice},
    )


def years_between(dates):
    """[(year, year), …] from the last to the first of {"first": date, "last": date}, as the
    aggregate of a dated list gives them (read off its date index, not every row)."""
    if dates["first"] is None:
        return []
    return [
        (str(year), str(year)) for year in range(dates["last"].year, dates["first"].year - 1, -1)
    ]
