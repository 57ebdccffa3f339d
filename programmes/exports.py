"""The table of programmes as CSV or JSON."""

from django.db.models import Prefetch

from programmes.downloads import csv_download, json_download
from programmes.models import Country, Programme, Signatory, ThematicArea
from sources.models import SourceDocument

COLUMNS = [
    "title",
    "period",
    "status",
    "budget",
    "currency",
    "countries",
    "thematic_areas",
    "signatories",
    "sources",
    "source_urls",
    "url",
]
CHUNK_SIZE = 500
CURRENCY = "USD"  # Programme.budget_usd


def published_programmes():
    # With plain lists, as in news/exports.py: no reference cycles.
    return Programme.objects.published().prefetch_related(
        Prefetch("countries", queryset=Country.objects.published(), to_attr="country_list"),
        Prefetch(
            "thematic_areas",
            queryset=ThematicArea.objects.published(),
            to_attr="thematic_area_list",
        ),
        Prefetch(
            "signatories",
            queryset=Signatory.objects.select_related("country"),
            to_attr="signatory_list",
        ),
        Prefetch("sources", queryset=SourceDocument.objects.public(), to_attr="source_list"),
    )


def signatory_text(signatory):
    return f"{signatory.name}, {signatory.title} ({signatory.represents})"


def records(request):
    # "status" is the phase (planned, active, completed); the publishing state is left out, since
    # only published programmes are exported.
    for programme in published_programmes().iterator(chunk_size=CHUNK_SIZE):
        sources = programme.source_list
        yield {
            "title": programme.title,
            "period": programme.period,
            "status": str(programme.get_phase_display()),
            "budget": programme.budget_usd,
            "currency": CURRENCY if programme.budget_usd is not None else None,
            "countries": [country.name for country in programme.country_list],
            "thematic_areas": [area.name for area in programme.thematic_area_list],
            "signatories": [signatory_text(s) for s in programme.signatory_list],
            "sources": [source.title for source in sources],
            "source_urls": [
                request.build_absolute_uri(source.get_absolute_url()) for source in sources
            ],
            "url": request.build_absolute_uri(programme.get_absolute_url()),
        }


def programmes_csv(request):
    return csv_download("programmes", COLUMNS, records(request))


def programmes_json(request):
    return json_download("programmes", records(request))
