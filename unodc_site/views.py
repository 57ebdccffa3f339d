import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import FileResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import cache_control

from news.models import NewsItem
from pages.models import Page
from programmes.charts import key_figure_charts
from programmes.models import Country, KeyFigure, Office, Programme
from publications.models import Publication
from search.queries import clean_query, search_all

HOME_NEWS_COUNT = 3
# Browsers and feed readers ask for /favicon.ico whatever the page links; it rarely changes.
FAVICON = settings.BASE_DIR / "static" / "favicon.ico"
FAVICON_MAX_AGE = 30 * 24 * 60 * 60
# Seconds after which a reader (or a crawler) may try again when the database is down.
RETRY_AFTER_SECONDS = 120


@cache_control(public=True, max_age=FAVICON_MAX_AGE)
def favicon(request):
    return FileResponse(FAVICON.open("rb"), content_type="image/x-icon")


def home(request):
    # The programmes' budgets are charted on the programme list.
    programmes = Programme.objects.published()
    charts = key_figure_charts(KeyFigure.objects.published().select_related("source"))
    return render(
        request,
        "home.html",
        {
            "news": NewsItem.objects.published().for_listing()[:HOME_NEWS_COUNT],
            "programmes": programmes,
            "offices": Office.objects.published().filter(is_open=True).select_related("country"),
            "charts": charts,
        },
    )


def search(request):
    query = clean_query(request.GET.get("q", ""))
    found = search_all(
        [
            NewsItem.objects.published(),
            Programme.objects.published(),
            Country.objects.published(),
            Office.objects.published(),
            Page.objects.reachable(),
            Publication.objects.published(),
        ],
        query,
        request.GET.get("page"),
    )
    context = {
        "query": query,
        "results": found.page.object_list,
        "page_obj": found.page,
        "news_limit": found.ranked_limit,  # only the news has more matches than are ranked
    }
    return render(request, "search.html", context)


def page_not_found(request, exception):
    """The site's 404 page, or the API's JSON one under /api/ (urls.handler404)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """Django's 500 page, or a 503 when the database could not be reached (urls.handler500).

    Django hands every unhandled exception here, wherever it was raised (a view, a template, a
    middleware); the exception is still the one being handled. The 503 page needs no database,
    says when to come back and is never cached, so the page is fresh as soon as it is back.
    """
    database_down = isinstance(sys.exc_info()[1], (OperationalError, InterfaceError))
    if request.path.startswith("/api/"):  # the API's clients read JSON, its errors included
        if database_down:
            response = JsonResponse({"detail": _("The service is unavailable for a moment.")})
            response.status_code = 503
        else:
            response = JsonResponse({"detail": _("A server error occurred.")}, status=500)
    elif database_down:
        response = render(request, "503.html", status=503)
    else:
        return defaults.server_error(request)
    if database_down:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response
