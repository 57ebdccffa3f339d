from django.shortcuts import render

from news.models import NewsItem
from programmes.charts import budget_chart, key_figure_charts
from programmes.models import KeyFigure, Office, Programme, ThematicArea

HOME_NEWS_COUNT = 3


def home(request):
    programmes = Programme.objects.published().prefetch_related("sources")
    charts = key_figure_charts(KeyFigure.objects.select_related("source"))
    if budgets := budget_chart(programmes):
        charts.append(budgets)
    return render(
        request,
        "home.html",
        {
            "news": NewsItem.objects.published().for_listing()[:HOME_NEWS_COUNT],
            "programmes": programmes,
            "offices": Office.objects.filter(is_open=True).select_related("country"),
            "charts": charts,
        },
    )


def about(request):
    return render(
        request,
        "about.html",
        {
            "regional_office": Office.objects.filter(kind=Office.Kind.REGIONAL)
            .prefetch_related("sources")
            .first(),
            "thematic_areas": ThematicArea.objects.prefetch_related("sources"),
            "offices": Office.objects.select_related("country"),
        },
    )
