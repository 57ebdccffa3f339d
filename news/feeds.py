"""RSS and Atom feeds of the published news, narrowed by the news list's filters.

/en/news/feed/?country=kazakhstan gives the news the list /en/news/?country=kazakhstan shows,
newest first: the same filter names, the same validation, the same published() queryset.
"""

import datetime
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.core.exceptions import BadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from news.filters import NewsFilter
from news.models import NewsItem
from programmes.models import public_links

FEED_LENGTH = 20
# Characters XML 1.0 cannot carry. An editor can paste one into a title (forms let them through)
# and a visitor can type one into ?q=; Django then fails to write the whole feed, so they are
# left out of every text instead.
NOT_IN_XML = dict.fromkeys([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])


def xml_text(value):
    if isinstance(value, str):
        return value.translate(NOT_IN_XML)
    if isinstance(value, list | tuple):
        return [xml_text(part) for part in value]
    return value


def filter_query(news_filter):
    """'?country=…&theme=…' with the filters in use, '' without any or with an invalid one.

    Other parameters (page, tracking ones) are left out. The feeds' own addresses use it, and so
    do the news list's canonical address and its link to the feed (template tags in seo.py).
    """
    if not news_filter.is_valid():
        return ""
    data = news_filter.data
    used = {name: data[name] for name in news_filter.filters if data.get(name)}
    return f"?{urlencode(used)}" if used else ""


class NewsFeed(Feed):
    author_name = "UNODC Regional Office for Central Asia"  # an Atom feed must name an author

    def get_object(self, request):
        # Built per request: published() compares with the time now.
        news_filter = NewsFilter(
            request.GET,
            queryset=NewsItem.objects.published().prefetch_related(
                *public_links("countries", "thematic_areas")
            ),
            request=request,
        )
        if not news_filter.is_valid():
            raise BadRequest("Invalid news filter.")
        return news_filter

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed = {name: xml_text(value) for name, value in feed.feed.items()}
        feed.items = [{name: xml_text(value) for name, value in i.items()} for i in feed.items]
        return feed

    def title(self, news_filter):
        # Escaped once more than XML needs, as the items' titles are (see item_title below):
        # readers show an RSS title as HTML, and this one repeats the search words and names.
        return escape(self.plain_title(news_filter))

    def plain_title(self, news_filter):
        used = [
            f"{news_filter.form.fields[name].label}: {news_filter.choice_label(name, value)}"
            for name, value in news_filter.form.cleaned_data.items()
            if value
        ]
        if not used:
            return _("UNODC Regional Office for Central Asia: news")
        return _("UNODC Regional Office for Central Asia: news (%(filters)s)") % {
            "filters": "; ".join(used)
        }

    def description(self, news_filter):
        return _("News of the United Nations Office on Drugs and Crime in Central Asia.")

    def subtitle(self, news_filter):
        return self.description(news_filter)

    def link(self, news_filter):
        return reverse("news:list") + filter_query(news_filter)

    def feed_url(self, news_filter):
        return news_filter.request.path + filter_query(news_filter)

    def items(self, news_filter):
        # Newest first even when q is given (the news list orders q results by relevance).
        return news_filter.qs.order_by(*NewsItem._meta.ordering)[:FEED_LENGTH]

    # item_title: Syndication escapes the title once more than XML needs, since readers show an
    # RSS title as HTML; an Atom title is plain text (AtomNewsFeed below).

    def item_description(self, item):
        return escape(item.summary)  # the summary is plain text; a feed's description is HTML

    def item_pubdate(self, item):
        if item.date:
            return datetime.datetime.combine(item.date, datetime.time())
        # The source gives no date: readers need one, and when the item came onto the site is
        # the nearest true date there is.
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_for_readers

    def item_categories(self, item):
        return [country.name for country in item.countries.all()] + [
            area.name for area in item.thematic_areas.all()
        ]


class AtomNewsFeed(NewsFeed):
    feed_type = Atom1Feed

    def title(self, news_filter):
        return self.plain_title(news_filter)

    def item_title(self, item):
        return item.title
