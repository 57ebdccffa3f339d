import datetime
from unittest import mock

import pytest
import redis
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from api.throttling import AnonRateThrottle
from news.models import NewsItem
from programmes.models import Office, Programme, ThematicArea
from sources.models import SourceDocument
from tests.conftest import running_in_ci

pytestmark = pytest.mark.django_db

API = "/api/v1"
HIDDEN_STATES = {
    "draft": {"status": "draft"},
    "in review": {"status": "review"},
    "scheduled": {"status": "published", "publish_at": "future"},
    "expired": {"status": "published", "expire_at": "past"},
}


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    """The rate limit counts requests in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def hidden(state):
    """Model fields that keep an item off the public site in the given way."""
    now = timezone.now()
    fields = dict(HIDDEN_STATES[state])
    if fields.get("publish_at") == "future":
        fields["publish_at"] = now + datetime.timedelta(days=1)
    if fields.get("expire_at") == "past":
        fields["publish_at"] = now - datetime.timedelta(days=2)
        fields["expire_at"] = now - datetime.timedelta(days=1)
    return fields


def get_json(client, url, status=200, content_type="application/json", **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == content_type
    return response.json()


def slugs(data):
    return [record["slug"] for record in data["results"]]


@pytest.fixture
def office(kazakhstan):
    return Office.objects.create(
        status="published",
        name="Programme Office in Kazakhstan",
        slug="programme-office-kazakhstan",
        kind="programme",
        city="Astana",
        country=kazakhstan,
    )


# ------------------------------------------------------------------------------ every endpoint


@pytest.mark.parametrize(
    ("collection", "slug"),
    [
        ("news", "central-asia-new-regional-cooperation-platform"),
        ("programmes", "programme-for-central-asia-2015-2019"),
        ("countries", "kazakhstan"),
        ("offices", "regional-office-for-central-asia"),
        ("thematic-areas", "drugs"),
    ],
)
def test_every_endpoint_lists_and_shows_a_record_by_slug(client, seeded, collection, slug):
    listed = get_json(client, f"{API}/{collection}/?page_size=100")
    assert slug in slugs(listed)
    record = get_json(client, f"{API}/{collection}/{slug}/")
    assert record["slug"] == slug
    assert record == next(r for r in listed["results"] if r["slug"] == slug)
    assert get_json(client, f"{API}/{collection}/no-such-slug/", status=404)


def test_news_record_has_absolute_page_url_iso_dates_countries_and_provenance(client, seeded):
    item = get_json(client, f"{API}/news/central-asia-new-regional-cooperation-platform/")
    assert item["url"] == (
        "http://testserver/en/news/central-asia-new-regional-cooperation-platform/"
    )
    assert item["date"] == "2015-05-08"
    assert datetime.datetime.fromisoformat(item["updated_at"]).tzinfo is not None
    assert {"slug": "kazakhstan", "name": "Kazakhstan", "iso_code": "KZ"}.items() <= item[
        "countries"
    ][0].items()
    assert item["sources"] == [
        {
            "title": SourceDocument.objects.get(
                slug="new-regional-cooperation-platform-2015"
            ).title,
            "url": "http://testserver/en/sources/new-regional-cooperation-platform-2015/",
        }
    ]
    assert item["fallback_fields"] == []


def test_programme_budget_is_a_number_in_us_dollars(client, programme):
    record = get_json(client, f"{API}/programmes/{programme.slug}/")
    assert record["budget"] == {"amount": 70_000_000, "currency": "USD"}
    assert record["start_year"] == 2015
    assert record["countries"][0]["iso_code"] == "KZ"


def test_office_and_country_records(client, office):
    record = get_json(client, f"{API}/offices/{office.slug}/")
    assert record["city"] == "Astana"
    assert record["country"]["iso_code"] == "KZ"
    assert record["url"] == f"http://testserver{office.get_absolute_url()}"
    country = get_json(client, f"{API}/countries/kazakhstan/")
    assert country["iso_code"] == "KZ"
    assert country["url"] == "http://testserver/en/countries/kazakhstan/"


def test_thematic_area_links_to_its_news(client, drugs):
    record = get_json(client, f"{API}/thematic-areas/drugs/")
    assert record["news_url"] == "http://testserver/en/news/?theme=drugs"


# -------------------------------------------------------------------- only what the public sees


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_unpublished_news_is_absent_from_the_api_even_by_its_slug(client, make_news, state):
    make_news(slug="public-story")
    make_news(slug="hidden-story", **hidden(state))
    assert slugs(get_json(client, f"{API}/news/")) == ["public-story"]
    get_json(client, f"{API}/news/hidden-story/", status=404)


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_unpublished_programme_is_absent_everywhere_in_the_api(
    client, make_news, programme, kazakhstan, state
):
    secret = Programme.objects.create(
        title="Secret programme", slug="secret", start_year=2024, end_year=2026, **hidden(state)
    )
    secret.countries.add(kazakhstan)
    make_news(slug="story", programmes=[programme, secret])
    assert slugs(get_json(client, f"{API}/programmes/")) == [programme.slug]
    get_json(client, f"{API}/programmes/secret/", status=404)
    story = get_json(client, f"{API}/news/story/")
    assert [p["slug"] for p in story["programmes"]] == [programme.slug]
    assert list(get_json(client, f"{API}/news/?programme=secret", status=400)) == ["programme"]
    assert "Secret programme" not in client.get(f"{API}/countries/kazakhstan/").text


def test_source_of_a_draft_is_not_named_as_provenance(client, kazakhstan, make_news):
    document = SourceDocument.objects.create(
        title="Draft source", slug="draft-source", kind="news", filename="draft.docx", text="x"
    )
    make_news(status="draft", source=document)
    kazakhstan.sources.add(document)
    assert get_json(client, f"{API}/countries/kazakhstan/")["sources"] == []


# ------------------------------------------------------------------------------------- filters


def test_news_filters_are_those_of_the_public_list(client, make_news, kazakhstan, drugs, programme):
    make_news(slug="kz-2016", countries=[kazakhstan], date=datetime.date(2016, 3, 1))
    make_news(slug="drugs-2017", thematic_areas=[drugs], date=datetime.date(2017, 3, 1))
    make_news(slug="pca", programmes=[programme], title="Border cooperation", date=None)
    assert slugs(get_json(client, f"{API}/news/?country=kazakhstan")) == ["kz-2016"]
    assert slugs(get_json(client, f"{API}/news/?theme=drugs")) == ["drugs-2017"]
    assert slugs(get_json(client, f"{API}/news/?programme={programme.slug}")) == ["pca"]
    assert slugs(get_json(client, f"{API}/news/?year=2017")) == ["drugs-2017"]
    assert slugs(get_json(client, f"{API}/news/?q=border")) == ["pca"]
    assert slugs(get_json(client, f"{API}/news/?country=kazakhstan&year=2017")) == []


@pytest.mark.parametrize(
    "query",
    [
        "country=atlantis",
        "theme=nothing",
        "programme=none",
        "year=1066",
        "year=abc",
        "lang=fr",
        "page_size=0",
        "page_size=101",
        "page_size=many",
        "page_size=١٢",
        "cursor=not-a-cursor",
    ],
)
def test_an_invalid_parameter_gives_400_naming_it(client, make_news, query):
    make_news()
    name = query.split("=")[0]
    errors = get_json(client, f"{API}/news/?{query}", status=400)
    assert list(errors) == [name]
    assert isinstance(errors[name][0], str)


# ----------------------------------------------------------------------------------- languages


def test_russian_fields_with_english_fallback_named(client, make_news):
    make_news(slug="both", title_en="In English", title_ru="По-русски", summary_ru="Кратко")
    make_news(slug="english-only", title_en="Only English")
    data = get_json(client, f"{API}/news/?lang=ru")
    records = {record["slug"]: record for record in data["results"]}
    assert records["both"]["title"] == "По-русски"
    assert records["both"]["fallback_fields"] == ["body"]
    assert records["both"]["url"] == "http://testserver/ru/news/both/"
    assert records["english-only"]["title"] == "Only English"
    assert records["english-only"]["fallback_fields"] == ["title", "summary", "body"]


def test_accept_language_chooses_russian(client, kazakhstan):
    kazakhstan.name_ru = "Казахстан"
    kazakhstan.save()
    response = client.get(f"{API}/countries/kazakhstan/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.json()["name"] == "Казахстан"
    assert response["Content-Language"] == "ru"
    assert "Accept-Language" in response["Vary"]
    english = client.get(f"{API}/countries/kazakhstan/?lang=en", HTTP_ACCEPT_LANGUAGE="ru")
    assert english.json()["name"] == "Kazakhstan"


# ---------------------------------------------------------------------------------- pagination


def test_news_pages_by_cursor_newest_first_undated_last(client, make_news):
    for day in range(1, 6):
        make_news(slug=f"day-{day}", date=datetime.date(2020, 1, day))
    make_news(slug="undated-a", date=None)
    make_news(slug="undated-b", date=None)
    first = get_json(client, f"{API}/news/?page_size=3")
    assert slugs(first) == ["day-5", "day-4", "day-3"]
    assert first["previous"] is None
    second = get_json(client, first["next"])
    assert slugs(second) == ["day-2", "day-1", "undated-b"]
    third = get_json(client, second["next"])
    assert slugs(third) == ["undated-a"]
    assert third["next"] is None
    assert slugs(get_json(client, third["previous"])) == ["day-2", "day-1", "undated-b"]
    assert slugs(get_json(client, second["previous"])) == ["day-5", "day-4", "day-3"]


def test_page_size_is_20_and_at_most_100(client, make_news):
    for _ in range(101):
        make_news()
    assert len(get_json(client, f"{API}/news/")["results"]) == 20
    assert len(get_json(client, f"{API}/news/?page_size=100")["results"]) == 100
    get_json(client, f"{API}/programmes/?page_size=100")  # the numbered lists take 100 too
    assert list(get_json(client, f"{API}/programmes/?page_size=101", status=400)) == ["page_size"]


def test_an_empty_cursor_is_the_first_page(client, make_news):
    make_news(slug="newest", date=datetime.date(2024, 5, 2))
    make_news(slug="older", date=datetime.date(2024, 5, 1))
    assert slugs(get_json(client, f"{API}/news/?cursor=&page_size=1")) == ["newest"]


@pytest.mark.parametrize("collection", ["news", "programmes"])
def test_the_schema_gives_page_sizes_from_1_to_100_and_every_error_status(client, collection):
    schema = get_json(
        client, f"{API}/openapi.json", content_type="application/vnd.oai.openapi+json"
    )
    operation = schema["paths"][f"{API}/{collection}/"]["get"]
    page_size = next(p for p in operation["parameters"] if p["name"] == "page_size")
    assert page_size["schema"] == {"type": "integer", "minimum": 1, "maximum": 100}
    assert {"200", "400", "404", "414", "429", "503"} <= set(operation["responses"])


def test_numbered_pages_for_the_other_lists(client, db):
    for number in range(25):
        ThematicArea.objects.create(
            status="published", name=f"Area {number}", slug=f"area-{number}", position=number
        )
    first = get_json(client, f"{API}/thematic-areas/")
    assert first["count"] == 25 and len(first["results"]) == 20
    assert slugs(get_json(client, first["next"])) == [f"area-{n}" for n in range(20, 25)]


@pytest.mark.parametrize("items", [3, 50])
def test_news_list_makes_a_constant_number_of_queries(
    client, make_news, kazakhstan, drugs, programme, count_queries, items
):
    document = SourceDocument.objects.create(
        title="Doc", slug="doc", kind="news", filename="doc.docx", text="x"
    )
    for _ in range(items):
        make_news(
            countries=[kazakhstan], thematic_areas=[drugs], programmes=[programme], source=document
        )
    assert count_queries(lambda: client.get(f"{API}/news/?page_size=100")) == 4


@pytest.mark.parametrize("items", [3, 50])
def test_programme_list_makes_a_constant_number_of_queries(
    client, kazakhstan, drugs, count_queries, items
):
    for number in range(items):
        programme = Programme.objects.create(
            title=f"P{number}",
            slug=f"p{number}",
            start_year=2020,
            end_year=2021,
            status="published",
        )
        programme.countries.add(kazakhstan)
        programme.thematic_areas.add(drugs)
    assert count_queries(lambda: client.get(f"{API}/programmes/?page_size=100")) == 5


# ------------------------------------------------------------------------------------------ HTTP


def test_unchanged_record_answers_304_to_if_none_match(client, make_news):
    item = make_news(slug="story")
    response = client.get(f"{API}/news/story/")
    assert response["ETag"] and response["Last-Modified"]
    again = client.get(f"{API}/news/story/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    item.title = "Corrected title"
    item.save()
    changed = client.get(f"{API}/news/story/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert changed.status_code == 200


def test_news_record_answers_304_to_if_modified_since(client, make_news):
    make_news(slug="story")
    last_modified = client.get(f"{API}/news/story/")["Last-Modified"]
    again = client.get(f"{API}/news/story/", HTTP_IF_MODIFIED_SINCE=last_modified)
    assert again.status_code == 304


def test_lists_answer_304_too(client, make_news):
    make_news()
    etag = client.get(f"{API}/news/")["ETag"]
    assert client.get(f"{API}/news/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_responses_may_be_cached_publicly_for_a_minute(client, drugs):
    response = client.get(f"{API}/thematic-areas/")
    assert response["Cache-Control"] == "public, max-age=60"
    assert "Cache-Control" not in client.get(f"{API}/thematic-areas/missing/")


def test_any_site_may_read_the_api_but_not_the_pages(client, drugs):
    response = client.get(f"{API}/thematic-areas/", HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    page = client.get("/en/about/", HTTP_ORIGIN="https://example.org")
    assert "Access-Control-Allow-Origin" not in page


def test_only_reading_is_allowed(client, drugs):
    assert client.post(f"{API}/thematic-areas/", {}).status_code == 405
    assert client.delete(f"{API}/thematic-areas/drugs/").status_code == 405
    assert client.head(f"{API}/thematic-areas/drugs/").status_code == 200
    options = client.options(f"{API}/thematic-areas/")
    assert options.status_code == 200
    assert options["Allow"] == "GET, HEAD, OPTIONS"


def test_too_many_requests_get_429_with_retry_after(client, drugs, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute"},
    }
    assert client.get(f"{API}/thematic-areas/").status_code == 200
    assert client.get(f"{API}/thematic-areas/drugs/").status_code == 200
    response = client.get(f"{API}/thematic-areas/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "detail" in response.json()


@pytest.fixture
def live_redis(settings):
    """The cache in a Redis database of its own (Redis at 127.0.0.1:6379; required in CI)."""
    url = "redis://127.0.0.1:6379/14"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()
    except redis.RedisError as error:
        if running_in_ci():
            pytest.fail(f"Redis is required in CI: {error}", pytrace=False)
        pytest.skip(f"no Redis at {url}")
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": url}}
    yield redis.Redis.from_url(url)
    redis.Redis.from_url(url).flushdb()


def test_rate_limit_in_redis_counts_cached_answers_and_ends_with_its_window(
    client, drugs, settings, live_redis
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"},
    }
    url = f"{API}/thematic-areas/"
    # The second and third come from the page cache, in Redis too.
    assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
    [key] = live_redis.keys("*throttle*")
    assert int(live_redis.get(key)) == 4  # each once, by the page cache, the 429 too
    assert 0 < live_redis.ttl(key) <= 60


def test_a_cached_answer_costs_one_round_trip_to_redis_counted_or_not(
    client, drugs, settings, live_redis
):
    """The page, the content's generation and, for the API, the rate limit's count: a round trip
    is about a quarter of the CPU a cached answer costs."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/minute"},
    }
    for url in (f"{API}/thematic-areas/", "/en/news/"):
        assert client.get(url).status_code == 200  # stored
        with mock.patch.object(
            redis.connection.AbstractConnection,
            "send_packed_command",
            autospec=True,
            side_effect=redis.connection.AbstractConnection.send_packed_command,
        ) as sent:
            assert client.get(url).status_code == 200
        assert sent.call_count == 1, url
    [key] = live_redis.keys("*throttle*")
    assert int(live_redis.get(key)) == 2


def test_rate_limit_counts_per_window_and_says_when_the_next_one_starts(client, drugs, settings):
    def at(seconds):
        return mock.patch.object(AnonRateThrottle, "timer", lambda self: seconds)

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute"},
    }
    url = f"{API}/thematic-areas/"
    with at(600_030.0):  # 30 s into a minute
        assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
        assert client.get(url)["Retry-After"] == "30"
        # Another address has its own count.
        assert client.get(url, REMOTE_ADDR="192.0.2.7").status_code == 200
    with at(600_060.0):  # the next minute
        assert client.get(url).status_code == 200


# ----------------------------------------------------------------------------- schema and docs


def test_openapi_schema_is_served_and_valid(client, tmp_path):
    schema = get_json(
        client, f"{API}/openapi.json", content_type="application/vnd.oai.openapi+json"
    )
    assert schema["openapi"].startswith("3.")
    assert f"{API}/news/" in schema["paths"]
    news_parameters = {p["name"] for p in schema["paths"][f"{API}/news/"]["get"]["parameters"]}
    assert {"q", "country", "programme", "theme", "year", "lang", "cursor"} <= news_parameters
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "schema.yml")


def test_docs_page_lists_endpoints_parameters_and_an_example(client, seeded):
    response = client.get("/api/")
    assert response.status_code == 200
    html = response.text
    assert "<h1>Public API</h1>" in html
    for collection in ["news", "programmes", "countries", "offices", "thematic-areas"]:
        assert f"GET {API}/{collection}/{{slug}}/" in html
    assert "<code>country</code>" in html and "<code>page_size</code>" in html
    assert "central-asia-new-regional-cooperation-platform" in html
    assert "<script" not in html  # no third-party viewer: the page is plain HTML


def test_docs_page_speaks_russian_to_a_russian_browser(client, db):
    response = client.get("/api/", HTTP_ACCEPT_LANGUAGE="ru")
    assert "<h1>Открытый API</h1>" in response.text


@pytest.mark.parametrize(
    "path", ["/api/v1/countries/a.b/", "/api/v1/nothing/", "/api/v1/news/x/y/"]
)
def test_unknown_api_addresses_answer_json_404(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("page_size", [1, 2, 3, 7])
def test_cursor_pages_walk_the_whole_list_both_ways(client, make_news, page_size):
    dates = [datetime.date(2020, 1, 1), datetime.date(2020, 1, 1), None, datetime.date(2019, 5, 1)]
    dates += [None, datetime.date(2021, 3, 3), datetime.date(2020, 1, 1), None]
    for number, date in enumerate(dates):
        make_news(slug=f"item-{number}", date=date)
    expected = [item.slug for item in NewsItem.objects.order_by(*NewsItem._meta.ordering)]
    pages = [get_json(client, f"{API}/news/?page_size={page_size}")]
    while pages[-1]["next"]:
        pages.append(get_json(client, pages[-1]["next"]))
    assert [slug for page in pages for slug in slugs(page)] == expected
    backwards = [pages[-1]]
    while backwards[-1]["previous"]:
        backwards.append(get_json(client, backwards[-1]["previous"]))
    assert [slug for page in reversed(backwards) for slug in slugs(page)] == expected


# ------------------------------------------------------------------------------ pages


def test_pages_endpoint_lists_reachable_pages_and_shows_one_by_path(client, editor):
    from editorial.models import Draft
    from pages.models import Page
    from tests.test_pages import change, page
    from tests.test_workflow import login

    about = page("about", title="About us")
    page("partners", parent=about, title="Partners")
    hidden_parent = page("office-life", status="draft")
    page("vacancies", parent=hidden_parent)
    page("scheduled", **hidden("scheduled"))
    login(client, editor)
    assert change(client, about, title_en="Leaked draft title").status_code == 302
    assert Draft.of(about) is not None
    client.logout()

    listed = get_json(client, f"{API}/pages/")
    assert [record["path"] for record in listed["results"]] == ["about", "about/partners"]
    record = get_json(client, f"{API}/pages/about/partners/?lang=ru")
    assert record["url"] == "http://testserver/ru/about/partners/"
    assert record["parent"] == "about" and record["fallback_fields"] == ["title", "body"]
    assert get_json(client, f"{API}/pages/about/")["title"] == "About us"
    for path in ("office-life", "office-life/vacancies", "scheduled", "partners", "a/b/c/d"):
        get_json(client, f"{API}/pages/{path}/", status=404)
    everything = client.get(f"{API}/pages/").content.decode()
    assert "Leaked draft title" not in everything and "vacancies" not in everything
    assert Page.objects.count() == 5
