import datetime

import pytest
from django.urls import reverse

from news.models import NewsItem
from news.views import NewsPaginator
from programmes.models import ThematicArea
from tests.html_tree import parse_html
from tests.shared_caches import read_menus

pytestmark = pytest.mark.django_db

NEWS_LIST = "/en/news/"


def titles(response):
    return [item.title for item in response.context["object_list"]]


def test_news_list_shows_published_items_newest_first_undated_last(client, make_news):
    make_news(title="Older", date=datetime.date(2011, 6, 15))
    make_news(title="Undated", date=None)
    make_news(title="Newer", date=datetime.date(2015, 5, 8))
    response = client.get(NEWS_LIST)
    assert response.status_code == 200
    assert titles(response) == ["Newer", "Older", "Undated"]
    assert "Date not given in the source" in response.text


def test_draft_news_is_not_listed_and_its_page_is_404(client, make_news):
    make_news(title="Public story")
    draft = make_news(title="Secret draft", status=NewsItem.Status.DRAFT)
    response = client.get(NEWS_LIST)
    assert "Public story" in response.text
    assert "Secret draft" not in response.text
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_news_detail_shows_body_paragraphs_links_and_source(client, seeded):
    item = NewsItem.objects.get(slug="central-asia-new-regional-cooperation-platform")
    response = client.get(item.get_absolute_url())
    assert response.status_code == 200
    html = response.text
    assert html.count("<h1>") == 1
    assert f"<h1>{item.title}</h1>" in html
    assert '<time datetime="2015-05-08">May 8, 2015</time>' in html
    assert "<p>In the past days, UNODC and five countries" in html
    assert 'href="/en/programmes/programme-for-central-asia-2015-2019/"' in html
    assert 'href="/en/countries/kazakhstan/"' in html
    assert (
        "Source:" in html and 'href="/en/sources/new-regional-cooperation-platform-2015/"' in html
    )


def test_repost_says_who_first_published_it(client, seeded):
    response = client.get("/en/news/regional-cooperation-key-in-countering-drug-routes/")
    assert "First published by UNODC" in response.text


def test_news_body_html_is_escaped(client, make_news):
    item = make_news(title="<script>alert(1)</script>", body="<img src=x onerror=alert(1)>")
    html = client.get(item.get_absolute_url()).text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "<img src=x" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=kazakhstan", {"Fedotov in Kazakhstan", "Signing in Ashgabat"}),
        ("theme=drugs", {"Fedotov in Kazakhstan"}),
        ("programme=pca-2015-2019", {"Signing in Ashgabat"}),
        ("year=2011", {"Fedotov in Kazakhstan"}),
        ("q=signing", {"Signing in Ashgabat"}),
        ("q=KAZAKHSTAN fedotov", {"Fedotov in Kazakhstan"}),
        ("country=kazakhstan&theme=drugs&year=2011", {"Fedotov in Kazakhstan"}),
        ("country=kazakhstan&theme=drugs&year=2015", set()),
        ("", {"Fedotov in Kazakhstan", "Signing in Ashgabat", "Report"}),
    ],
)
def test_filters_combine_and_live_in_the_url(
    client, make_news, kazakhstan, drugs, programme, query, expected
):
    make_news(
        title="Fedotov in Kazakhstan",
        date=datetime.date(2011, 6, 15),
        countries=[kazakhstan],
        thematic_areas=[drugs],
    )
    make_news(
        title="Signing in Ashgabat",
        date=datetime.date(2015, 5, 8),
        countries=[kazakhstan],
        programmes=[programme],
    )
    make_news(title="Report", date=None)
    make_news(title="Draft in Kazakhstan", countries=[kazakhstan], status="draft")
    response = client.get(f"{NEWS_LIST}?{query}")
    assert response.status_code == 200
    assert set(titles(response)) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("country=atlantis", "There is no such country on this site."),
        ("theme=%3Cscript%3E", "There is no such thematic area on this site."),
        ("programme=1", "There is no such programme on this site."),
        ("year=abc", "There is no news from that year."),
        ("year=1900", "There is no news from that year."),
        ("q=" + "x" * 201, "Ensure this value has at most 200 characters"),
        ("q=a%00b", "Null characters are not allowed"),
    ],
)
def test_invalid_filter_value_gives_a_message_and_400_not_a_500(
    client, make_news, kazakhstan, query, message
):
    make_news(title="Anything", date=datetime.date(2011, 1, 1))
    response = client.get(f"{NEWS_LIST}?{query}")
    assert response.status_code == 400
    assert "Some filters could not be used" in response.text
    assert message in response.text
    assert 'role="alert"' in response.text


def test_unknown_parameters_are_ignored(client, make_news):
    make_news(title="Anything")
    response = client.get(f"{NEWS_LIST}?utm_source=newsletter&fbclid=1")
    assert response.status_code == 200
    assert titles(response) == ["Anything"]


def test_news_list_is_paginated_and_pages_keep_the_filters(client, make_news, kazakhstan, settings):
    for _ in range(12):
        make_news(countries=[kazakhstan])
    make_news(title="Elsewhere")
    first = client.get(f"{NEWS_LIST}?country=kazakhstan")
    assert len(first.context["object_list"]) == 10
    assert "12 news items" in first.text
    assert 'href="?country=kazakhstan&amp;page=2"' in first.text
    second = client.get(f"{NEWS_LIST}?country=kazakhstan&page=2")
    assert len(second.context["object_list"]) == 2
    assert "Elsewhere" not in second.text


@pytest.mark.parametrize("page", ["99", "abc", "-1", "0"])
def test_page_out_of_range_or_not_a_number_is_404(client, make_news, page):
    make_news()
    assert client.get(f"{NEWS_LIST}?page={page}").status_code == 404


def test_unknown_news_slug_is_404_in_the_site_design(client, db):
    response = client.get("/en/news/no-such-story/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "Skip to main content" in response.text


def test_news_list_query_count_does_not_grow_with_items(
    client, make_news, kazakhstan, drugs, count_queries
):
    def add(count):
        for _ in range(count):
            make_news(countries=[kazakhstan], thematic_areas=[drugs])

    add(3)
    with_3 = count_queries(lambda: client.get(NEWS_LIST))
    filtered_3 = count_queries(lambda: client.get(f"{NEWS_LIST}?country=kazakhstan&q=item"))
    add(47)
    assert count_queries(lambda: client.get(NEWS_LIST)) == with_3
    assert count_queries(lambda: client.get(f"{NEWS_LIST}?country=kazakhstan&q=item")) == filtered_3
    assert with_3 <= 8


def test_news_detail_query_count_is_fixed(client, make_news, kazakhstan, drugs, count_queries):
    item = make_news(countries=[kazakhstan], thematic_areas=[drugs])
    read_menus()
    assert count_queries(lambda: client.get(item.get_absolute_url())) <= 5


def test_news_urls_are_named_and_language_prefixed():
    assert reverse("news:list") == "/en/news/"
    assert reverse("news:detail", args=["a-story"]) == "/en/news/a-story/"


def test_pages_stop_at_the_cap_and_say_how_to_find_older_news(client, make_news, monkeypatch):
    monkeypatch.setattr(NewsPaginator, "MAX_PAGES", 2)
    for number in range(25):
        make_news(date=datetime.date(2001 if number < 5 else 2020, 1, 1 + number))
    first = client.get(NEWS_LIST)
    assert "More than 20 news items: the newest 20 are listed." in first.text
    assert "Page 1 of 2" in first.text
    last = client.get(f"{NEWS_LIST}?page=2")
    assert last.status_code == 200 and 'rel="next"' not in last.text
    assert client.get(f"{NEWS_LIST}?page=3").status_code == 404
    assert "5 news items" in client.get(f"{NEWS_LIST}?year=2001").text


def test_russian_filters_list_names_in_russian_or_english(client, seeded):
    response = client.get("/ru/news/?country=kazakhstan")
    assert response.status_code == 200
    assert "Казахстан" in response.text


def test_filter_choices_are_kept_until_the_content_changes(
    client, make_news, settings, count_queries
):
    settings.PAGE_CACHE_SECONDS = 0  # the page itself rendered each time
    make_news(date=datetime.date(2014, 3, 1))
    read_menus()
    first = count_queries(lambda: client.get(NEWS_LIST))
    assert count_queries(lambda: client.get(NEWS_LIST)) == first - 2  # choices and years kept
    ThematicArea.objects.create(status="published", name="Maritime crime", slug="maritime-crime")
    make_news(date=datetime.date(2009, 3, 1))
    response = client.get(NEWS_LIST)
    assert '<option value="maritime-crime">Maritime crime</option>' in response.text
    assert '<option value="2009">2009</option>' in response.text
    assert client.get(f"{NEWS_LIST}?theme=maritime-crime").status_code == 200


def test_news_page_leads_with_the_summary_unless_the_body_begins_with_it(client, make_news):
    make_news(slug="own-summary", summary="Officers seized 40 kg.", body="<p>On Monday…</p>")
    make_news(slug="repeated", summary="On Monday officers", body="<p>On Monday officers met.</p>")

    lead = parse_html(client.get("/en/news/own-summary/").content.decode()).find("p", class_="lead")
    assert lead.text() == "Officers seized 40 kg."
    page = client.get("/en/news/repeated/").content.decode()
    assert parse_html(page).find("p", class_="lead").tag == "missing"
