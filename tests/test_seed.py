import datetime
import hashlib
import re
from decimal import Decimal
from html import unescape

import pycountry
import pytest
from django.core.management import call_command

from news.models import NewsItem
from pages.models import MenuItem, Page
from programmes.models import Country, KeyFigure, Office, Programme, Signatory, ThematicArea
from publications.models import Publication
from sources.models import SourceDocument
from unodc_site.seed import DOCUMENTS_DIR, MAPPING_FILE, SeedError, load_mapping, seed

pytestmark = pytest.mark.django_db

MODELS = [
    SourceDocument,
    ThematicArea,
    Country,
    Office,
    Programme,
    Signatory,
    KeyFigure,
    NewsItem,
    Publication,
    Page,
    MenuItem,
]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_seed_builds_every_record_from_the_five_documents(seeded):
    assert counts() == {
        "SourceDocument": 5,
        "ThematicArea": 5,
        "Country": 12,
        "Office": 7,
        "Programme": 3,
        "Signatory": 6,
        "KeyFigure": 3,
        "NewsItem": 3,
        "Publication": 1,
        "Page": 1,
        "MenuItem": 8,
    }


def test_shipped_documents_are_the_shared_seed_files_kept_whole(seeded):
    for document in SourceDocument.objects.all():
        text = (DOCUMENTS_DIR / document.filename).read_text(encoding="utf-8")
        assert document.text == text
        assert document.sha256 == hashlib.sha256(text.encode()).hexdigest()


def test_eight_countries_are_covered_five_in_central_asia_three_in_the_south_caucasus(seeded):
    covered = Country.objects.covered()
    assert set(covered.values_list("iso_code", flat=True)) == {
        "KZ",
        "KG",
        "TJ",
        "TM",
        "UZ",
        "AM",
        "AZ",
        "GE",
    }
    assert covered.filter(sub_region=Country.SubRegion.CENTRAL_ASIA).count() == 5
    assert covered.filter(sub_region=Country.SubRegion.SOUTH_CAUCASUS).count() == 3
    others = Country.objects.filter(covered_by_roca=False).values_list("name", flat=True)
    assert set(others) == {"Afghanistan", "Iran", "Pakistan", "Russian Federation"}


def test_country_codes_are_real_iso_codes_for_the_named_country(seeded):
    for country in Country.objects.all():
        record = pycountry.countries.get(alpha_2=country.iso_code)
        assert record is not None
        assert country.name.split()[0] in (record.name + getattr(record, "common_name", ""))


def test_regional_office_is_in_tashkent_since_1993(seeded):
    roca = Office.objects.get(kind=Office.Kind.REGIONAL)
    assert (roca.name, roca.city, roca.country.iso_code, roca.year_established) == (
        "Regional Office for Central Asia",
        "Tashkent",
        "UZ",
        1993,
    )
    assert roca.description.startswith("UNODC began its presence in Central Asia in 1993")
    assert "alt text is missing" not in roca.description


def test_programme_offices_are_the_five_the_about_page_lists_plus_azerbaijan_closed(seeded):
    open_offices = Office.objects.filter(kind=Office.Kind.PROGRAMME, is_open=True)
    assert sorted(open_offices.values_list("city", flat=True)) == [
        "Almaty",
        "Ashgabat",
        "Astana",
        "Bishkek",
        "Dushanbe",
    ]
    azerbaijan = Office.objects.get(country__iso_code="AZ")
    assert azerbaijan.is_open is False
    assert azerbaijan.city == ""  # no document names it
    assert azerbaijan.year_established is None


def test_programme_2015_2019_has_its_budget_and_six_signatories(seeded):
    programme = Programme.objects.get(slug="programme-for-central-asia-2015-2019")
    assert programme.budget_usd == Decimal("70000000")
    assert (programme.start_year, programme.end_year) == (2015, 2019)
    assert programme.signed_on is None  # the article says "in the past days", not a date
    assert "8 May 2015" in programme.date_note
    signatories = {s.name: s.represents for s in programme.signatories.select_related("country")}
    assert signatories == {
        "Erlan Abdyldayev": "Kyrgyzstan",
        "Sirojidin Aslov": "Tajikistan",
        "Rashid Meredov": "Turkmenistan",
        "Yerbolat Sembaev": "Kazakhstan",
        "Djavhar Izamov": "Uzbekistan",
        "Aldo Lale-Demoz": "UNODC",
    }
    assert set(programme.countries.values_list("iso_code", flat=True)) == {
        "KZ",
        "KG",
        "TJ",
        "TM",
        "UZ",
    }


def test_programme_2022_2025_was_launched_on_24_november_2021_with_its_vision(seeded):
    programme = Programme.objects.get(slug="programme-for-central-asia-2022-2025")
    assert programme.launched_on == datetime.date(2021, 11, 24)
    assert programme.budget_usd is None
    assert programme.vision.startswith("a healthy, safe, and secure community")


def test_key_figures_are_the_portfolio_and_delivery_amounts(seeded):
    figures = {(f.label, f.year): (f.amount_usd, f.is_lower_bound) for f in KeyFigure.objects.all()}
    assert figures == {
        ("Programme portfolio", 2004): (Decimal("26000000"), False),
        ("Programme portfolio", 2013): (Decimal("90000000"), True),
        ("Technical assistance delivered", 2018): (Decimal("14500000"), True),
    }


def test_news_items_keep_their_dates_or_say_they_have_none(seeded):
    dates = dict(NewsItem.objects.values_list("source__filename", "date"))
    assert dates == {
        "003_535ae06191ad6c5e.txt": datetime.date(2015, 5, 8),
        "004_7b8f7a9bce9e88a5.txt": datetime.date(2011, 6, 15),
        "000_19aaeb14bb96f99d.txt": None,
    }
    assert NewsItem.objects.published().count() == 3


def test_repost_names_its_original_publisher(seeded):
    item = NewsItem.objects.get(slug="regional-cooperation-key-in-countering-drug-routes")
    assert item.original_publisher == "UNODC"
    assert item.body.startswith("<p>On 14th June 2011")
    assert "Click here" not in item.body  # the reposting site's links are not part of the story


def test_every_seeded_record_points_to_a_source_document(seeded):
    for model in [ThematicArea, Country, Office, Programme, Page]:
        for record in model.objects.all():
            assert record.sources.exists(), f"{model.__name__} {record} has no source"
    assert not NewsItem.objects.filter(source=None).exists()


def html_paragraphs(html):
    paragraphs = re.findall(r"<p>(.*?)</p>", html)
    assert paragraphs, html
    return [unescape(p) for p in paragraphs]


def test_every_seeded_text_is_found_word_for_word_in_its_document(seeded):
    def flat(text):
        return " ".join(text.split())

    texts = {d.pk: flat(d.text) for d in SourceDocument.objects.all()}
    for item in NewsItem.objects.all():
        for paragraph in [item.title, item.summary, *html_paragraphs(item.body)]:
            assert flat(paragraph) in texts[item.source_id]
    for programme in Programme.objects.prefetch_related("sources"):
        corpus = " ".join(texts[s.pk] for s in programme.sources.all())
        for paragraph in [
            programme.title,
            programme.vision,
            *html_paragraphs(programme.description),
        ]:
            assert flat(paragraph) in corpus
    for model in [Country, Office, ThematicArea]:
        for record in model.objects.prefetch_related("sources"):
            corpus = " ".join(texts[s.pk] for s in record.sources.all())
            for paragraph in record.description.split("\n\n"):
                assert flat(paragraph) in corpus, record
    about = Page.objects.prefetch_related("sources").get(slug="about")
    corpus = " ".join(texts[s.pk] for s in about.sources.all())
    for paragraph in [about.title_en, *html_paragraphs(about.body_en)]:
        assert flat(paragraph) in corpus
    for report in Publication.objects.all():
        [document] = report.sources.all()
        for paragraph in [report.title_en, report.summary_en, *html_paragraphs(report.body_en)]:
            assert flat(paragraph) in texts[document.pk], report


def test_seeding_twice_changes_nothing(seeded):
    before = counts()
    assert not any(seed().values())
    assert counts() == before


def test_seed_never_overwrites_an_editors_change(seeded):
    item = NewsItem.objects.get(slug="central-asia-new-regional-cooperation-platform")
    item.title = "Edited by the communications team"
    item.save()
    item.countries.clear()
    seed()
    item.refresh_from_db()
    assert item.title == "Edited by the communications team"
    assert item.countries.count() == 0


def test_a_quote_missing_from_its_document_stops_the_seed_and_saves_nothing(db):
    mapping = load_mapping()
    mapping["key_figures"][0]["quote"] = "the portfolio grew to $999 million"
    before = counts()  # the menus' links, which a migration lays down
    with pytest.raises(SeedError, match="Not found word for word"):
        seed(mapping)
    assert counts() == before
    assert before["SourceDocument"] == before["NewsItem"] == before["Page"] == 0


def test_seed_command_reports_what_it_created_then_that_nothing_changed(db, capsys):
    call_command("seed")
    assert "created 5 documents" in capsys.readouterr().out
    call_command("seed")
    assert "nothing changed" in capsys.readouterr().out


def test_mapping_file_cites_only_shipped_documents():
    mapping = load_mapping(MAPPING_FILE)
    shipped = {path.name for path in DOCUMENTS_DIR.glob("*.txt")}
    assert {entry["file"] for entry in mapping["documents"]} == shipped
