"""The news index as CSV or JSON, with the filters of the news list."""

from django.db.models import Prefetch
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext

from news.filters import NewsFilter
from news.models import NewsItem
from programmes.downloads import csv_download, json_download
from programmes.models import Country, Programme

COLUMNS = ["title", "date", "countries", "programmes", "url"]
CHUNK_SIZE = 500  # rows per query; the peak memory of an export is about two chunks


def news_filter(request):
    """The filters of the news list, over the published news with what the columns need."""
    # No reference cycles (querysets that refer back to their item), so that each chunk is
    # freed as soon as it is written; docs/deploy.md has the memory figures.
    queryset = NewsItem.objects.published().prefetch_related(
        Prefetch("countries", queryset=Country.objects.published(), to_attr="country_list"),
        Prefetch("programmes", queryset=Programme.objects.published(), to_attr="programme_list"),
    )
    return NewsFilter(request.GET, queryset=queryset, request=request)


def records(request, news):
    for item in news.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "title": item.title,
            "date": item.date.isoformat() if item.date else None,
            "countries": [country.name for country in item.country_list],
            "programmes": [programme.title for programme in item.programme_list],
            "url": request.build_absolute_uri(item.get_absolute_url()),
        }


def invalid_filters(news):
    lines = [f"{name}: {' '.join(messages)}" for name, messages in news.errors.items()]
    return HttpResponseBadRequest(
        "\n".join([gettext("Some filters could not be used") + ":", *lines]) + "\n",
        content_type="text/plain; charset=utf-8",
    )


def news_csv(request):
    news = news_filter(request)
    if not news.is_valid():
        return invalid_filters(news)
    return csv_download("news", COLUMNS, records(request, news.qs))


def news_json(request):
    news = news_filter(request)
    if not news.is_valid():
        return invalid_filters(news)
    return json_download("news", records(request, news.qs))
