"""The read-only public API, version 1 (see the docs page at /api/).

Only what the public site shows: published news and programmes (querysets built per request,
since published() compares with the time now), all countries, offices and thematic areas, and the
source documents the public may read.
"""

import json

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.middleware.http import ConditionalGetMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.decorators import decorator_from_middleware, method_decorator
from django.utils.http import http_date
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.pagination import PAGE_SIZE, NewsCursorPagination, NumberedPagination
from api.serializers import (
    CountrySerializer,
    NewsItemSerializer,
    OfficeSerializer,
    PageSerializer,
    ProgrammeSerializer,
    PublicationDetailSerializer,
    PublicationSerializer,
    ThematicAreaSerializer,
)
from news.filters import NewsFilter
from news.models import NewsItem
from pages.models import Page
from programmes.models import Country, Office, Programme, ThematicArea, public_links
from publications.filters import PublicationFilter
from publications.models import Publication, attach_files
from sources.models import SourceDocument

CACHE_SECONDS = 60
# A page's path: up to three slugs (pages/converters.py).
PAGE_PATH = r"[-\w]+(?:/[-\w]+){0,2}"

# The lists' "year" offers the years that have items: tell the schema these are integers.
extend_schema_field(OpenApiTypes.INT)(NewsFilter.base_filters["year"])
extend_schema_field(OpenApiTypes.INT)(PublicationFilter.base_filters["year"])

LANG_PARAMETER = OpenApiParameter(
    "lang",
    str,
    enum=[code for code, name in settings.LANGUAGES],
    description="Language of the texts and page URLs; without it, the Accept-Language header.",
)
SLUG_PARAMETER = OpenApiParameter(
    "slug", str, OpenApiParameter.PATH, description="The last part of the page's address."
)


NEWS_FILTERS = [
    OpenApiParameter(
        "q", str, description="Words to search for, as in the site search; still newest first."
    ),
    OpenApiParameter("country", str, description="A country's slug, for example kazakhstan."),
    OpenApiParameter("programme", str, description="A published programme's slug."),
    OpenApiParameter("theme", str, description="A thematic area's slug, for example drugs."),
    OpenApiParameter("year", int, description="A year that has news, for example 2015."),
]
PUBLICATION_FILTERS = [
    OpenApiParameter(
        "q",
        str,
        description="Words to search for in the publications and their files' text.",
    ),
    OpenApiParameter("country", str, description="A country's slug, for example kazakhstan."),
    OpenApiParameter("theme", str, description="A thematic area's slug, for example drugs."),
    OpenApiParameter("year", int, description="A year that has publications."),
    OpenApiParameter(
        "language", str, enum=["en", "ru"], description="Only those with a file in it."
    ),
]


def described(plural, singular, list_parameters=()):
    """The schema's (and the docs page's) words for a collection and one of its records."""
    return extend_schema_view(
        list=extend_schema(
            description=f"The {plural}, {PAGE_SIZE} a page.",
            parameters=[LANG_PARAMETER, *list_parameters],
        ),
        retrieve=extend_schema(
            description=f"One {singular}, by its slug; 404 if the public site does not show it.",
            parameters=[LANG_PARAMETER, SLUG_PARAMETER],
        ),
    )


def public_sources():
    return Prefetch("sources", queryset=SourceDocument.objects.public())


# Read-only (GET, HEAD, OPTIONS) by slug. ConditionalGetMiddleware, on these views only, gives
# every answer an ETag from its content and answers 304 to a matching If-None-Match.
@method_decorator(decorator_from_middleware(ConditionalGetMiddleware), name="dispatch")
class PublicViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    pagination_class = NumberedPagination

    def shown(self, records):
        """What is published; one record's address also answers for a withdrawn one, which
        says so (no list has it)."""
        if getattr(self, "action", None) == "retrieve":
            return records.at_their_address()
        return records.published()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        language = request.query_params.get("lang")
        if language is not None:
            if language not in dict(settings.LANGUAGES):
                raise ValidationError({"lang": ["Choose en or ru."]})
            translation.activate(language)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Language"] = translation.get_language()
        patch_vary_headers(response, ["Accept-Language"])
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
        return response


@described(
    "published news items, newest first (undated last), filtered as on the news page",
    "published news item",
    NEWS_FILTERS,
)
class NewsItemViewSet(PublicViewSet):
    serializer_class = NewsItemSerializer
    pagination_class = NewsCursorPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = NewsFilter

    def get_queryset(self):
        return self.shown(NewsItem.objects).for_detail()

    def retrieve(self, request, *args, **kwargs):
        item = self.get_object()
        response = Response(self.get_serializer(item).data)
        response["Last-Modified"] = http_date(item.updated_at.timestamp())
        return response


@described("published programmes, latest first", "published programme")
class ProgrammeViewSet(PublicViewSet):
    serializer_class = ProgrammeSerializer

    def get_queryset(self):
        return self.shown(Programme.objects).prefetch_related(
            *public_links("countries", "thematic_areas"), public_sources()
        )


@described("countries, Central Asia first", "country")
class CountryViewSet(PublicViewSet):
    serializer_class = CountrySerializer

    def get_queryset(self):
        return self.shown(Country.objects).by_sub_region().prefetch_related(public_sources())


@described("offices, the regional office first", "office")
class OfficeViewSet(PublicViewSet):
    serializer_class = OfficeSerializer

    def get_queryset(self):
        return (
            self.shown(Office.objects).select_related("country").prefetch_related(public_sources())
        )


@described("thematic areas", "thematic area")
class ThematicAreaViewSet(PublicViewSet):
    serializer_class = ThematicAreaSerializer

    def get_queryset(self):
        return self.shown(ThematicArea.objects).prefetch_related(public_sources())


@extend_schema_view(
    list=extend_schema(
        description=f"The published pages the public can open, {PAGE_SIZE} a page.",
        parameters=[LANG_PARAMETER],
    ),
    retrieve=extend_schema(
        description="One page, by its path (about, or about/partners); 404 if the public site "
        "does not show it.",
        parameters=[
            LANG_PARAMETER,
            OpenApiParameter(
                "path",
                str,
                OpenApiParameter.PATH,
                pattern=PAGE_PATH,
                description="The page's place in the tree, as in its address: about/partners.",
            ),
        ],
    ),
)
class PageViewSet(PublicViewSet):
    serializer_class = PageSerializer
    lookup_field = "path"
    lookup_value_regex = PAGE_PATH

    def get_queryset(self):
        # A page under one that is not public is not public either (PageDetailView).
        if self.action == "retrieve":
            pages = Page.objects.at_their_address()
        else:
            pages = Page.objects.reachable()
        return pages.with_ancestors().prefetch_related(public_sources())

    def get_object(self):
        page = self.get_queryset().at_public_path(self.kwargs["path"])
        if page is None:
            raise Http404
        return page


@described(
    "published publications, newest first (undated last), filtered as on the publications page",
    "published publication",
    PUBLICATION_FILTERS,
)
class PublicationViewSet(PublicViewSet):
    serializer_class = PublicationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = PublicationFilter

    def get_serializer_class(self):
        # One record also gives its files' text (for search engines and readers alike).
        if self.action == "retrieve":
            return PublicationDetailSerializer
        return PublicationSerializer

    def get_queryset(self):
        return self.shown(Publication.objects).for_detail()

    def get_object(self):
        publication = super().get_object()
        attach_files([publication])
        return publication

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return attach_files(page) if page is not None else page


def not_found(request):
    return JsonResponse({"detail": "Not found."}, status=404)


def docs(request):
    """The API described for people, from the same OpenAPI schema that /api/v1/openapi.json
    serves, with a real record as the example."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    endpoints = [
        {"path": path, **operation, "parameters": operation.get("parameters", [])}
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if method == "get"
    ]
    example = None
    item = NewsItemViewSet().get_queryset().first()
    if item is not None:
        data = NewsItemSerializer(item, context={"request": request}).data
        example = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return render(
        request,
        "api/docs.html",
        {"endpoints": endpoints, "example": example, "version": schema["info"]["version"]},
    )
