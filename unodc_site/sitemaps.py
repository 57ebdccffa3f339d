"""The sitemap: every public page in English and Russian, each with its other-language twin.

Drafts, scheduled and expired items are left out by the same published() querysets the pages use;
items() runs per request, so an item enters and leaves on time.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from news.models import NewsItem
from pages.models import Page
from programmes.models import Country, Office, Programme
from publications.models import Publication


class BothLanguagesSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class FixedPagesSitemap(BothLanguagesSitemap):
    def items(self):
        return [
            "home",
            "news:list",
            "publications:list",
            "programmes:list",
            "programmes:country_list",
            "programmes:office_list",
        ]

    def location(self, url_name):
        return reverse(url_name)


class NewsSitemap(BothLanguagesSitemap):
    def items(self):
        return NewsItem.objects.published()

    def lastmod(self, item):
        return item.updated_for_readers


class PublicationSitemap(BothLanguagesSitemap):
    def items(self):
        return Publication.objects.published()

    def lastmod(self, publication):
        return publication.updated_at


class ProgrammeSitemap(BothLanguagesSitemap):
    def items(self):
        return Programme.objects.published()


class CountrySitemap(BothLanguagesSitemap):
    def items(self):
        return Country.objects.published()


class OfficeSitemap(BothLanguagesSitemap):
    def items(self):
        return Office.objects.published()


class PageSitemap(BothLanguagesSitemap):
    def items(self):
        # A page under one that is not published is not public: published() alone would list it.
        return [
            page
            for page in Page.objects.published().with_ancestors()
            if all(above.is_public for above in page.ancestors())
        ]

    def lastmod(self, page):
        return page.updated_at


SITEMAPS = {
    "pages": FixedPagesSitemap,
    "news": NewsSitemap,
    "publications": PublicationSitemap,
    "programmes": ProgrammeSitemap,
    "countries": CountrySitemap,
    "offices": OfficeSitemap,
    "editable-pages": PageSitemap,
}
