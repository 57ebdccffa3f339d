import datetime
import re

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.utils import timezone, translation

from editorial import changes
from news.filters import NewsFilter
from news.models import NewsItem
from programmes.models import Office, Programme
from search import queries
from tests.shared_caches import read_menus

pytestmark = pytest.mark.django_db

SEARCH = "/en/search/"


def result_titles(response):
    return [result.title for result in response.context["results"]]


@pytest.mark.parametrize(
    ("address", "search_page"),
    [
        ("/en/", "/en/search/"),
        ("/en/news/", "/en/search/"),
        ("/en/countries/", "/en/search/"),
        ("/en/search/?q=drugs", "/en/search/"),
        ("/ru/about/", "/ru/search/"),
    ],
)
def test_search_box_is_on_every_page(client, db, address, search_page):
    html = client.get(address).text
    header = re.search(r"<header.*</header>", html, re.DOTALL).group()
    form = re.search(r'<form[^>]*role="search".*?</form>', header, re.DOTALL).group()
    assert f'action="{search_page}"' in form
    assert '<label for="site-search-q" class="visually-hidden">' in form
    assert '<input type="search" id="site-search-q" name="q">' in form
    assert re.search(r'<button type="submit">\w+</button>', form)


def test_empty_query_gives_the_form_and_no_results(client, make_news):
    make_news(title="Anything")
    response = client.get(SEARCH)
    assert response.status_code == 200
    assert '<input type="search" id="search-q" name="q" value="">' in response.text
    assert "results for" not in response.text
    assert response.context["results"] == []


def test_news_programmes_countries_and_offices_are_found_with_their_kind(
    client, make_news, programme, kazakhstan
):
    make_news(title="Drug seizures in Kazakhstan")
    Office.objects.create(
        status="published",
        name="Programme office in Kazakhstan",
        slug="kz",
        kind="programme",
        country=kazakhstan,
    )
    html = client.get(f"{SEARCH}?q=kazakhstan").text
    assert "3 results for “kazakhstan”" in html
    for kind, link in [
        ("News item", '<a href="/en/news/news-item-1/">Drug seizures in Kazakhstan</a>'),
        ("Country", '<a href="/en/countries/kazakhstan/">Kazakhstan</a>'),
        ("Office", '<a href="/en/offices/kz/">Programme office in Kazakhstan</a>'),
    ]:
        assert re.search(rf'<p class="search-kind">{kind}</p>\s*<h3>{link}</h3>', html)
    # The programme's own text does not name Kazakhstan.
    assert "Programme for Central Asia" not in html


def test_title_match_ranks_above_body_only_match(client, make_news):
    make_news(title="Annual report", body="<p>Border management in the region.</p>")
    make_news(title="Border management training", body="<p>A course.</p>")
    make_news(title="Unrelated", body="<p>Nothing here.</p>")
    response = client.get(f"{SEARCH}?q=border management")
    assert result_titles(response) == ["Border management training", "Annual report"]


def test_matching_words_are_highlighted_and_everything_else_escaped(client, make_news):
    make_news(
        title="Report <b>bold</b>",
        summary='Seizures of heroin & opium, "as reported". <script>alert(1)</script>',
        body="<p>More seizures.<script>alert(2)</script></p>",
    )
    html = client.get(f"{SEARCH}?q=heroin").text
    assert "Seizures of <mark>heroin</mark> &amp; opium, &quot;as reported&quot;." in html
    assert ">Report &lt;b&gt;bold&lt;/b&gt;</a>" in html
    assert "<script>" not in html and "<b>" not in html


def test_html_query_is_echoed_escaped(client, make_news):
    make_news(title="A <script> story")
    html = client.get(SEARCH, {"q": "<script>alert(1)</script>"}).text
    assert "<script>alert(1)</script>" not in html
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_rich_text_excerpt_shows_text_not_tags_or_entities(client, make_news):
    make_news(
        title="Training",
        summary="A course.",
        body='<p>Officers from <a href="https://example.org">Tajikistan</a> &amp; '
        "Afghanistan&#x27;s border.</p>",
    )
    html = client.get(f"{SEARCH}?q=tajikistan").text
    assert "<mark>Tajikistan</mark> &amp; Afghanistan&#x27;s border." in html
    assert "example.org" not in html and "&amp;amp;" not in html


def test_russian_page_finds_russian_titles_in_any_case(client, make_news):
    make_news(title="Drug seizures", title_ru="Изъятия наркотиков", slug="seizures")
    make_news(title="Annual report", title_ru="Годовой отчёт")
    response = client.get("/ru/search/?q=НАРКОТИКОВ")
    assert result_titles(response) == ["Изъятия наркотиков"]
    assert '<a href="/ru/news/seizures/">Изъятия наркотиков</a>' in response.text


def test_russian_page_finds_english_text_where_russian_is_missing(client, make_news):
    make_news(title="Border management training", summary="Officers of Tajikistan.", slug="b")
    html = client.get("/ru/search/?q=tajikistan").text
    assert '<a href="/ru/news/b/" lang="en">Border management training</a>' in html
    assert "Officers of <mark>Tajikistan</mark>." in html


def test_english_page_does_not_search_russian_text(client, make_news):
    make_news(title="Drug seizures", title_ru="Изъятия наркотиков")
    assert result_titles(client.get(f"{SEARCH}?q=наркотиков")) == []


@pytest.mark.postgresql
def test_words_are_found_in_other_forms_by_their_stem(client, make_news):
    make_news(title="Drug seizures", title_ru="Изъятия наркотиков", slug="seizures")
    assert result_titles(client.get(f"{SEARCH}?q=drugs seizure")) == ["Drug seizures"]
    assert result_titles(client.get("/ru/search/?q=наркотики")) == ["Изъятия наркотиков"]


@pytest.mark.postgresql
def test_websearch_syntax_quotes_and_minus(client, make_news):
    make_news(title="Drug trafficking routes")
    make_news(title="Human trafficking and drug use")
    assert result_titles(client.get(f'{SEARCH}?q="drug trafficking"')) == [
        "Drug trafficking routes"
    ]
    assert result_titles(client.get(f"{SEARCH}?q=trafficking -human")) == [
        "Drug trafficking routes"
    ]


def test_only_what_the_public_may_see_is_found(client, make_news, kazakhstan):
    now = timezone.now()
    make_news(title="Secret published")
    make_news(title="Secret draft", status=NewsItem.Status.DRAFT)
    make_news(title="Secret in review", status=NewsItem.Status.REVIEW)
    make_news(title="Secret scheduled", publish_at=now + datetime.timedelta(days=1))
    make_news(title="Secret expired", expire_at=now - datetime.timedelta(days=1))
    Programme.objects.create(
        title="Secret draft programme", slug="secret", start_year=2020, end_year=2024
    )
    html = client.get(f"{SEARCH}?q=secret").text
    assert "1 result for “secret”" in html
    assert "Secret published" in html
    for hidden in ["Secret draft", "Secret in review", "Secret scheduled", "Secret expired"]:
        assert hidden not in html


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        "drug" * 2_500,
        "a " * 5_000,
        "Наркотики " * 1_000,
        "drug\x00s",
        "\x00",
        "'",
        '"',
        '"unclosed phrase',
        "' OR 1=1 --",
        "'; DROP TABLE news_newsitem; --",
        "<script>alert(1)</script>",
        "&|!:*()",
        "a & b | !c <-> d:* (e",
        "-",
        "or",
        "😀 drugs 💊",
        "   ",
        "\u200b",
        "\\",
        "%",
        "_",
        "[a-z]+.*",
    ],
)
@pytest.mark.parametrize("language", ["en", "ru"])
def test_any_query_gives_a_page(client, make_news, query, language):
    make_news(title="Drug seizures")
    response = client.get(f"/{language}/search/", {"q": query})
    assert response.status_code == 200
    assert 'id="search-q"' in response.text


def test_query_is_trimmed_to_200_characters(client, make_news):
    response = client.get(SEARCH, {"q": "x" * 10_000})
    assert len(response.context["query"]) == 200


def test_news_list_words_combine_with_the_other_filters(client, make_news, kazakhstan):
    make_news(title="Seizures in Kazakhstan", countries=[kazakhstan])
    make_news(title="Report", summary="Seizures elsewhere.")
    make_news(title="Training in Kazakhstan", countries=[kazakhstan])
    response = client.get("/en/news/?q=seizures&country=kazakhstan")
    assert response.status_code == 200
    assert [item.title for item in response.context["object_list"]] == ["Seizures in Kazakhstan"]


def test_news_list_words_are_ordered_by_relevance(client, make_news):
    make_news(title="Report", summary="Border management.", date=datetime.date(2020, 1, 1))
    make_news(title="Border management", date=datetime.date(2010, 1, 1))
    response = client.get("/en/news/?q=border management")
    assert [item.title for item in response.context["object_list"]] == [
        "Border management",
        "Report",
    ]


@pytest.mark.parametrize("query", ["' OR 1=1 --", "<script>", "&|!:*()", "😀", "-", '"'])
def test_news_list_any_short_query_gives_a_page(client, make_news, query):
    make_news(title="Drug seizures")
    assert client.get("/en/news/", {"q": query}).status_code == 200


def test_search_page_query_count_does_not_grow_with_items(
    client, make_news, kazakhstan, count_queries
):
    def add(count):
        for _ in range(count):
            make_news(countries=[kazakhstan])

    add(3)
    with_3 = count_queries(lambda: client.get(f"{SEARCH}?q=item"))
    add(47)
    assert count_queries(lambda: client.get(f"{SEARCH}?q=item")) == with_3
    assert with_3 <= 4


def test_news_list_query_count_does_not_grow_with_items(
    client, make_news, kazakhstan, count_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0

    def add(count):
        for _ in range(count):
            make_news(countries=[kazakhstan])

    def queries_for(path):
        changes.invalidate()  # as after a change: the filters' choices are read again
        read_menus()
        return count_queries(lambda: client.get(path))

    add(3)
    with_3 = queries_for("/en/news/?q=item")
    add(47)
    assert queries_for("/en/news/?q=item") == with_3
    assert queries_for("/en/news/?q=item&page=5") == with_3
    assert with_3 <= 6


def test_results_come_ten_a_page(client, make_news):
    for _ in range(15):
        make_news()
    response = client.get(f"{SEARCH}?q=item")
    assert len(response.context["results"]) == 10
    assert "15 results for “item”" in response.text
    assert "Page 1 of 2" in response.text
    assert 'href="/en/news/?q=item"' in response.text
    second = client.get(f"{SEARCH}?q=item&page=2")
    assert len(second.context["results"]) == 5
    assert '<ol class="search-results" start="11">' in second.text
    assert client.get(f"{SEARCH}?q=item&page=99").context["results"] == second.context["results"]


@pytest.fixture
def ranked_matches(monkeypatch):
    """Only the newest 5 matches are ranked: the bound of 1,000 with 5 items instead."""
    monkeypatch.setattr(queries, "RANKED_MATCHES", 5)
    return 5


def test_only_the_newest_matches_are_ranked_and_the_page_says_so(client, make_news, ranked_matches):
    make_news(title="Border report from long ago", date=datetime.date(2001, 1, 1))
    for _ in range(6):
        make_news(summary="Border management.")
    response = client.get(f"{SEARCH}?q=border")
    titles = result_titles(response)
    assert len(titles) == ranked_matches
    assert "Border report from long ago" not in titles
    assert "More than 5 news items match: the newest 5 of them are shown" in response.text
    news_list = client.get("/en/news/?q=border")
    # One more, by which the news list can tell that there are more than it lists.
    assert len(news_list.context["object_list"]) == ranked_matches + 1
    assert "Border report from long ago" not in news_list.text


def test_among_the_newest_matches_a_title_match_ranks_first(client, make_news, ranked_matches):
    for _ in range(3):
        make_news(summary="Border management.")
    make_news(title="Border management training", date=datetime.date(2015, 1, 1))
    response = client.get(f"{SEARCH}?q=border management")
    assert result_titles(response)[0] == "Border management training"
    assert "More than" not in response.text
    news_list = client.get("/en/news/?q=border management")
    assert news_list.context["object_list"][0].title == "Border management training"


def test_other_filters_narrow_the_ranked_matches(client, make_news, kazakhstan, ranked_matches):
    make_news(title="Border post in Kazakhstan", countries=[kazakhstan])
    for _ in range(4):
        make_news(title="Border post")
    response = client.get("/en/news/?q=border&country=kazakhstan")
    assert [item.title for item in response.context["object_list"]] == ["Border post in Kazakhstan"]


@pytest.mark.postgresql
def test_search_vectors_are_filled_on_save_and_follow_edits(make_news):
    item = make_news(title="Border management", title_ru="Пограничный контроль")

    def found(words, language="english", vector="search_en"):
        query = SearchQuery(words, config=language)
        return NewsItem.objects.filter(pk=item.pk, **{vector: query}).exists()

    assert found("borders")
    assert found("пограничного", "russian", "search_ru") and found("border", vector="search_ru")
    item.title = "Drug seizures"
    item.save()
    assert found("seizure") and not found("border")


@pytest.mark.postgresql
def test_bulk_created_and_updated_items_are_searchable_at_once(client, make_news, settings):
    settings.PAGE_CACHE_SECONDS = 0  # update() sends no signal that would refresh cached pages
    NewsItem.objects.bulk_create(
        NewsItem(
            title_en=f"Heroin seizure {number}",
            slug=f"bulk-{number}",
            summary_en="Summary.",
            body_en="<p>Body.</p>",
            status=NewsItem.Status.PUBLISHED,
        )
        for number in range(3)
    )
    assert len(result_titles(client.get(f"{SEARCH}?q=heroin"))) == 3
    NewsItem.objects.filter(slug="bulk-0").update(title_en="Opium seizure")
    assert result_titles(client.get(f"{SEARCH}?q=opium")) == ["Opium seizure"]
    assert len(result_titles(client.get(f"{SEARCH}?q=heroin"))) == 2


@pytest.mark.postgresql
def test_news_list_with_words_can_be_answered_without_reading_the_whole_table(make_news):
    make_news(summary="Border crossing.")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: else it would
    for language in ["en", "ru"]:
        with translation.override(language):
            queryset = NewsFilter({"q": "border"}, queryset=NewsItem.objects.published()).qs
            assert "Seq Scan on news_newsitem" not in queryset[:10].explain()


def test_search_is_a_queryset_method_that_later_filters_narrow(make_news, kazakhstan):
    make_news(title="Annual report", summary="Border management.", countries=[kazakhstan])
    make_news(title="Border management training")
    make_news(title="Unrelated")

    def titles(queryset):
        return [item.title for item in queryset]

    assert titles(NewsItem.objects.published().search("border management")) == [
        "Border management training",
        "Annual report",
    ]
    assert titles(NewsItem.objects.search("border").filter(countries=kazakhstan)) == [
        "Annual report"
    ]
    assert titles(Office.objects.search("border")) == []
    assert not NewsItem.objects.search(" \x00 ").exists()
