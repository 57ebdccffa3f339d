from django.conf import settings
from django.db.models import Prefetch
from django.views.generic import DetailView
from django_filters.views import FilterView

from news.filters import NewsFilter
from news.models import NewsItem
from programmes.models import Programme


class NewsListView(FilterView):
    filterset_class = NewsFilter
    queryset = NewsItem.objects.published().for_listing()
    paginate_by = settings.NEWS_PER_PAGE
    template_name = "news/newsitem_list.html"

    def render_to_response(self, context, **kwargs):
        if self.filterset.is_bound and not self.filterset.is_valid():
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)


class NewsDetailView(DetailView):
    queryset = (
        NewsItem.objects.published()
        .select_related("source")
        .prefetch_related(
            "countries",
            Prefetch("programmes", queryset=Programme.objects.published()),
            "thematic_areas",
        )
    )
