import django_filters
from django.db.models import Max, Min
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from editorial.changes import kept_until_content_changes
from programmes.filters import (
    WordsFilterSet,
    country_filter,
    theme_filter,
    year_filter,
    years_between,
)
from programmes.models import Country, ThematicArea
from publications.models import Publication

FILE_LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]


def filter_choices():
    """{"country": [(slug, name), …], "theme": […]}: the published ones, in their lists' order."""
    return {
        "country": [(c.slug, c.name) for c in Country.objects.published()],
        "theme": [(a.slug, a.name) for a in ThematicArea.objects.published()],
    }


def years_with_publications():
    """Every year from the first to the last dated published publication, newest first."""
    return years_between(
        Publication.objects.published().aggregate(first=Min("date"), last=Max("date"))
    )


class PublicationFilter(WordsFilterSet):
    """The filters of the public publications list; their names are the query's parameters."""

    country = country_filter()
    theme = theme_filter()
    year = year_filter(_("There is no publication from that year. Choose a year from the list."))
    language = django_filters.ChoiceFilter(
        label=_("File in"),
        choices=FILE_LANGUAGES,
        method="filter_language",
        empty_label=_("Any language"),
        error_messages={"invalid_choice": _("Choose English or Russian.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # From the cache until the content changes: one read for the form and the check alike.
        choices = kept_until_content_changes(
            f"publication-filter-choices:{get_language()}",
            lambda: {**filter_choices(), "year": years_with_publications()},
        )
        for name in ["country", "theme", "year"]:
            self.filters[name].extra["choices"] = choices[name]

    class Meta:
        model = Publication
        fields = ["q", "country", "theme", "year", "language"]

    def filter_language(self, queryset, name, value):
        """The publications with a file in that language."""
        return queryset.exclude(**{f"file_{value}": ""})
