"""RSS and Atom feeds of the published publications, newest first."""

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from publications.models import Publication

FEED_LENGTH = 20
# Characters XML 1.0 cannot carry (as news/feeds.py): left out of every text.
NOT_IN_XML = dict.fromkeys([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])


class PublicationFeed(Feed):
    author_name = "UNODC Regional Office for Central Asia"  # an Atom feed must name an author

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed = {name: xml_text(value) for name, value in feed.feed.items()}
        feed.items = [{name: xml_text(value) for name, value in i.items()} for i in feed.items]
        return feed

    def title(self):
        return _("UNODC Regional Office for Central Asia: publications")

    def description(self):
        return _(
            "Reports and studies of the United Nations Office on Drugs and Crime in Central Asia."
        )

    def subtitle(self):
        return self.description()

    def link(self):
        return reverse("publications:list")

    def items(self):
        return Publication.objects.published()[:FEED_LENGTH]

    def item_description(self, item):
        return escape(item.summary)  # plain text; a feed's description is HTML

    def item_pubdate(self, item):
        if item.date:
            return datetime.datetime.combine(item.date, datetime.time())
        return item.created_at  # no date in the document: when it came onto the site

    def item_updateddate(self, item):
        return item.last_major_change_at or self.item_pubdate(item)


class AtomPublicationFeed(PublicationFeed):
    feed_type = Atom1Feed

    def item_title(self, item):
        return item.title


def xml_text(value):
    if isinstance(value, str):
        return value.translate(NOT_IN_XML)
    return value
