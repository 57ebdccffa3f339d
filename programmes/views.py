from django.db.models import Prefetch
from django.views.generic import DetailView, ListView

from editorial.addresses import GoneWhenExpiredMixin
from programmes.charts import budget_chart
from programmes.models import Country, Office, Programme, Signatory, public_links

RELATED_NEWS_LIMIT = 10

# Querysets are built in get_queryset, per request: published() compares with the time now.


def latest_news(related_manager, with_countries=True):
    news = related_manager.published()
    return (news.for_listing() if with_countries else news)[:RELATED_NEWS_LIMIT]


class ProgrammeListView(ListView):
    def get_queryset(self):
        return Programme.objects.published().with_related().prefetch_related("sources")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["budgets"] = budget_chart(context["object_list"])
        return context


class ProgrammeDetailView(GoneWhenExpiredMixin, DetailView):
    def get_queryset(self):
        return (
            Programme.objects.at_their_address()
            .with_related()
            .select_related("image")
            .prefetch_related(
                Prefetch("signatories", queryset=Signatory.objects.select_related("country")),
                "sources",
            )
        )

    def get_context_data(self, **kwargs):
        # Without each item's countries: the programme page names its countries once, above.
        news = latest_news(self.object.news_items, with_countries=False)
        return super().get_context_data(news=news, **kwargs)


class CountryListView(ListView):
    def get_queryset(self):
        return (
            Country.objects.published()
            .by_sub_region()
            .prefetch_related(
                Prefetch("offices", queryset=Office.objects.published().filter(is_open=True))
            )
        )


class CountryDetailView(GoneWhenExpiredMixin, DetailView):
    def get_queryset(self):
        return Country.objects.at_their_address().prefetch_related(
            *public_links("offices"),
            Prefetch("programmes", queryset=Programme.objects.published()),
            "sources",
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(news=latest_news(self.object.news_items), **kwargs)


class OfficeListView(ListView):
    def get_queryset(self):
        return Office.objects.published().select_related("country")


class OfficeDetailView(GoneWhenExpiredMixin, DetailView):
    def get_queryset(self):
        return (
            Office.objects.at_their_address().select_related("country").prefetch_related("sources")
        )
