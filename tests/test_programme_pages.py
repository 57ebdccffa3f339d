import datetime

import pytest

from news.models import NewsItem
from pages.models import Page
from programmes.models import Country, Office, Programme

pytestmark = pytest.mark.django_db


def test_programme_list_shows_period_status_budget_and_countries(client, seeded):
    response = client.get("/en/programmes/")
    html = response.text
    assert response.status_code == 200
    assert html.count("<h1>") == 1
    assert "UNODC Programme for Central Asia 2015-2019" in html
    assert "2015–2019" in html
    assert "US$70 million" in html
    assert "Completed" in html


def test_programme_detail_shows_every_fact_signatories_news_and_source(client, seeded):
    response = client.get("/en/programmes/programme-for-central-asia-2015-2019/")
    html = response.text
    assert response.status_code == 200
    assert "<h1>UNODC Programme for Central Asia 2015-2019</h1>" in html
    for text in [
        "2015–2019",
        "Completed",
        "US$70 million",
        "Signed in the days before 8 May 2015",
        "Organized crime",
        "Terrorism",
        '<th scope="row">Erlan Abdyldayev</th><td>Minister of Foreign Affairs</td>'
        "<td>Kyrgyzstan</td>",
        '<th scope="row">Aldo Lale-Demoz</th><td>Deputy Executive Director</td><td>UNODC</td>',
        "Central Asia: new regional cooperation platform",
        'href="/en/sources/new-regional-cooperation-platform-2015/"',
    ]:
        assert text in html, text


def test_programme_without_budget_says_so(client, seeded):
    html = client.get("/en/programmes/programme-for-central-asia-2022-2025/").text
    assert "Not given in the sources" in html
    assert '<time datetime="2021-11-24">Nov. 24, 2021</time>' in html


def test_programme_page_hides_draft_news(client, programme, make_news):
    make_news(title="Published about it", programmes=[programme])
    make_news(title="Draft about it", programmes=[programme], status=NewsItem.Status.DRAFT)
    html = client.get(programme.get_absolute_url()).text
    assert "Published about it" in html
    assert "Draft about it" not in html


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (datetime.date(2014, 12, 31), Programme.Phase.PLANNED),
        (datetime.date(2015, 1, 1), Programme.Phase.ACTIVE),
        (datetime.date(2019, 12, 31), Programme.Phase.ACTIVE),
        (datetime.date(2020, 1, 1), Programme.Phase.COMPLETED),
    ],
)
def test_programme_status_follows_the_calendar(programme, monkeypatch, today, status):
    monkeypatch.setattr("programmes.models.timezone.localdate", lambda: today)
    assert programme.phase == status


def test_country_list_groups_countries_by_sub_region(client, seeded):
    html = client.get("/en/countries/").text
    central, caucasus, other = (html.index(s) for s in ["Central Asia", "South Caucasus", "Other"])
    assert central < caucasus < other
    assert (
        html.index("Kazakhstan") < caucasus < html.index("Georgia") < other < html.index("Pakistan")
    )


def test_country_detail_lists_offices_programmes_and_news(client, seeded):
    html = client.get("/en/countries/kazakhstan/").text
    assert "<h1>Kazakhstan</h1>" in html
    assert "is situated on an important route of Afghan heroin" in html
    assert "Programme Office in Astana" in html and "Programme Office in Almaty" in html
    assert "UNODC Programme for Central Asia 2022-2025" in html
    assert "Regional cooperation key in countering drug routes" in html


def test_country_without_office_says_so(client, seeded):
    html = client.get("/en/countries/pakistan/").text
    assert "No UNODC office in this country." in html


def test_office_list_and_detail(client, seeded):
    html = client.get("/en/offices/").text
    assert html.count("<tr>") == 1 + Office.objects.count()
    detail = client.get("/en/offices/regional-office-for-central-asia/").text
    assert "<h1>Regional Office for Central Asia</h1>" in detail
    assert "Tashkent" in detail and "1993" in detail
    closed = client.get("/en/offices/programme-office-azerbaijan/").text
    assert "Not given in the sources" in closed


def test_about_page_shows_the_about_text_areas_and_offices(client, seeded):
    html = client.get("/en/about/").text
    assert "<h1>About UNODC in Central Asia</h1>" in html
    assert "UNODC began its presence in Central Asia in 1993" in html
    assert "Tackling corruption and its catastrophic impact on societies." in html
    assert 'href="/en/news/?theme=corruption"' in html
    assert "alt text is missing" not in html


def test_home_shows_latest_news_programmes_offices_and_key_figures(client, seeded):
    html = client.get("/en/").text
    assert html.count("<h1>") == 1
    assert "Central Asia: new regional cooperation platform" in html
    assert "UNODC Programme for Central Asia 2022-2025" in html
    assert "Programme Office in Bishkek" in html
    assert "US$26 million" in html
    assert "more than US$90 million" in html
    assert "more than US$14.5 million" in html
    assert "Programme Office in Azerbaijan" not in html  # closed offices are not on the home page


def test_source_documents_are_public_whole(client, seeded):
    assert client.get("/en/sources/").status_code == 200
    html = client.get("/en/sources/regional-cooperation-key-2011/").text
    assert "Yury Fedotov" in html
    assert "Related Profiles" in html  # kept whole, as received


@pytest.mark.parametrize(
    "url",
    ["/en/programmes/nope/", "/en/countries/nope/", "/en/offices/nope/", "/en/sources/nope/"],
)
def test_unknown_slugs_are_404(client, seeded, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url", ["/en/", "/en/programmes/", "/en/countries/", "/en/offices/", "/en/about/"]
)
def test_list_pages_query_count_does_not_grow(client, make_news, count_queries, url):
    def add(start, count):
        for n in range(start, start + count):
            country = Country.objects.create(
                status="published",
                name=f"Country {n}",
                iso_code=f"{chr(65 + n // 26)}{chr(65 + n % 26)}",
                slug=f"country-{n}",
                sub_region="other",
            )
            Office.objects.create(
                status="published",
                name=f"Office {n}",
                slug=f"office-{n}",
                kind="programme",
                country=country,
            )
            programme = Programme.objects.create(
                title=f"Programme {n}",
                slug=f"programme-{n}",
                start_year=2020,
                end_year=2024,
                status="published",
            )
            programme.countries.add(country)
            make_news(countries=[country], programmes=[programme])

    if url == "/en/about/":  # a page editors own, seeded from the documents
        Page.objects.create(title="About", slug="about", status="published")
    add(0, 3)
    with_3 = count_queries(lambda: client.get(url))
    add(3, 47)
    assert count_queries(lambda: client.get(url)) == with_3
    assert with_3 <= 8
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/en/programmes/programme-for-central-asia-2015-2019/",
        "/en/countries/kazakhstan/",
        "/en/offices/regional-office-for-central-asia/",
    ],
)
def test_detail_pages_query_count_is_small(client, seeded, count_queries, url):
    assert count_queries(lambda: client.get(url)) <= 8


def test_a_document_behind_a_draft_is_not_public(client, seeded):
    item = NewsItem.objects.get(slug="regional-cooperation-key-in-countering-drug-routes")
    document = item.source
    assert client.get(document.get_absolute_url()).status_code == 200
    item.status = "draft"
    item.save()
    assert client.get(document.get_absolute_url()).status_code == 404
    assert document.title not in client.get("/en/sources/").text
    assert client.get("/en/sources/about-unodc-in-central-asia/").status_code == 200
