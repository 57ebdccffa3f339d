from functools import cached_property

from django.conf import settings
from django.core.paginator import Paginator
from django.views.generic import DetailView
from django_filters.views import FilterView

from editorial.addresses import GoneWhenExpiredMixin
from news.filters import NewsFilter
from news.models import NewsItem

# Querysets are built in get_queryset, per request: published() compares with the time now.


class NewsPaginator(Paginator):
    """At most MAX_PAGES pages, counted no further than their last item.

    Counting, and skipping over, all of 100,000 items would make every page slower the more news
    there is; older news is a filter away (the year, the country).
    """

    MAX_PAGES = 100

    @property
    def limit(self):
        return self.per_page * self.MAX_PAGES

    @cached_property
    def count(self):
        # Unordered: PostgreSQL may stop at limit + 1 matches instead of sorting all of them.
        return self.object_list.order_by()[: self.limit + 1].count()

    @property
    def is_capped(self):
        return self.count > self.limit

    @cached_property
    def num_pages(self):
        return min(super().num_pages, self.MAX_PAGES)


class NewsListView(FilterView):
    filterset_class = NewsFilter
    paginate_by = settings.NEWS_PER_PAGE
    paginator_class = NewsPaginator
    template_name = "news/newsitem_list.html"

    def get_queryset(self):
        return NewsItem.objects.published().for_listing()

    def render_to_response(self, context, **kwargs):
        if self.filterset.is_bound and not self.filterset.is_valid():
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)


class NewsDetailView(GoneWhenExpiredMixin, DetailView):
    def get_queryset(self):
        return NewsItem.objects.at_their_address().for_detail()
