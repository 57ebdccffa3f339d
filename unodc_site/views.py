from django.shortcuts import render

from news.models import NewsItem
from programmes.models import KeyFigure, Office, Programme, ThematicArea

HOME_NEWS_COUNT = 3


def home(request):
    return render(
        request,
        "home.html",
        {
            "news": NewsItem.objects.published().for_listing()[:HOME_NEWS_COUNT],
            "programmes": Programme.objects.published(),
            "offices": Office.objects.filter(is_open=True).select_related("country"),
            "key_figures": KeyFigure.objects.select_related("source"),
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
