from django.conf import settings
from django.views.generic import DetailView
from django_filters.views import FilterView

from news.filters import NewsFilter
from news.models import NewsItem

# Querysets are built in get_queryset, per request: published() compares with the time now.


class NewsListView(FilterView):
    filterset_class = NewsFilter
    paginate_by = settings.NEWS_PER_PAGE
    template_name = "news/newsitem_list.html"

    def get_queryset(self):
        return NewsItem.objects.published().for_listing()

    def render_to_response(self, context, **kwargs):
        if self.filterset.is_bound and not self.filterset.is_valid():
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)


class NewsDetailView(DetailView):
    def get_queryset(self):
        return NewsItem.objects.published().for_detail()
