"""Anonymous pages come from the shared cache, and are never stale for readers."""

import datetime
import gzip
import threading

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.utils import timezone

from editorial import changes
from news.models import NewsItem
from unodc_site import page_cache

pytestmark = pytest.mark.django_db

NEWS_LIST = "/en/news/"


@pytest.fixture
def staff_client(db):
    client = Client()
    user = get_user_model().objects.create_superuser("publisher", "p@example.org", None)
    client.force_login(user)
    return client


def test_second_anonymous_request_is_served_from_the_cache(client, make_news, count_queries):
    make_news(title="Cached story")
    assert count_queries(lambda: client.get(NEWS_LIST)) > 0
    assert count_queries(lambda: client.get(NEWS_LIST)) == 0
    assert "Cached story" in client.get(NEWS_LIST).text


def test_each_language_and_query_string_is_its_own_page(client, make_news, kazakhstan):
    make_news(title="About Kazakhstan", countries=[kazakhstan])
    make_news(title="Elsewhere")
    assert "Elsewhere" in client.get(NEWS_LIST).text
    filtered = client.get(f"{NEWS_LIST}?country=kazakhstan").text
    assert "About Kazakhstan" in filtered and "Elsewhere" not in filtered
    assert client.get("/ru/news/")["Content-Language"] == "ru"


def test_a_save_shows_on_the_next_request(client, make_news):
    item = make_news(title="First title")
    assert "First title" in client.get(item.get_absolute_url()).text
    assert "First title" in client.get(NEWS_LIST).text
    item.title = "Corrected title"
    item.save()
    assert "Corrected title" in client.get(item.get_absolute_url()).text
    assert "Corrected title" in client.get(NEWS_LIST).text


def test_a_change_of_links_alone_shows_on_the_next_request(client, make_news, kazakhstan):
    item = make_news(title="Story")
    assert "Story" not in client.get(f"{NEWS_LIST}?country=kazakhstan").text
    item.countries.add(kazakhstan)
    assert "Story" in client.get(f"{NEWS_LIST}?country=kazakhstan").text


def test_publish_unpublish_and_delete_in_the_admin_show_at_once(client, staff_client, make_news):
    item = make_news(title="Draft story", status=NewsItem.Status.DRAFT)
    assert "Draft story" not in client.get(NEWS_LIST).text
    changelist = "/admin/news/newsitem/"
    staff_client.post(changelist, {"action": "publish", "_selected_action": [item.pk]})
    assert "Draft story" in client.get(NEWS_LIST).text
    assert client.get(item.get_absolute_url()).status_code == 200
    staff_client.post(changelist, {"action": "unpublish", "_selected_action": [item.pk]})
    assert "Draft story" not in client.get(NEWS_LIST).text
    assert client.get(item.get_absolute_url()).status_code == 410  # it was public: gone

    item.status = NewsItem.Status.PUBLISHED
    item.save()
    assert client.get(item.get_absolute_url()).status_code == 200
    staff_client.post(f"/admin/news/newsitem/{item.pk}/delete/", {"post": "yes"})
    assert not NewsItem.objects.filter(pk=item.pk).exists()
    assert client.get(item.get_absolute_url()).status_code == 410
    assert "Draft story" not in client.get(NEWS_LIST).text


def test_a_scheduled_item_appears_and_leaves_at_its_time(client, make_news):
    now = timezone.now()
    appears, leaves = now + datetime.timedelta(hours=2), now + datetime.timedelta(hours=5)
    make_news(title="Scheduled story", publish_at=appears, expire_at=leaves)
    make_news(title="Standing story")
    assert "Scheduled story" not in client.get(NEWS_LIST).text
    with time_machine.travel(appears - datetime.timedelta(seconds=1), tick=False):
        assert "Scheduled story" not in client.get(NEWS_LIST).text
    with time_machine.travel(appears, tick=False):
        assert "Scheduled story" in client.get(NEWS_LIST).text
    with time_machine.travel(leaves - datetime.timedelta(seconds=1), tick=False):
        assert "Scheduled story" in client.get(NEWS_LIST).text
    with time_machine.travel(leaves, tick=False):
        assert "Scheduled story" not in client.get(NEWS_LIST).text


def test_no_page_is_kept_past_the_next_scheduled_change(settings, make_news):
    appears = timezone.now() + datetime.timedelta(seconds=90)
    make_news(publish_at=appears)
    _generation, next_change = changes.current_state()
    assert next_change == appears.timestamp()
    assert 0 < page_cache.seconds_to_keep(next_change) <= 90
    assert page_cache.seconds_to_keep(None) == settings.PAGE_CACHE_SECONDS


def test_logged_in_editors_always_get_a_fresh_private_page(
    client, staff_client, make_news, count_queries
):
    make_news(title="Story")
    client.get(NEWS_LIST)  # cached for anonymous readers
    assert count_queries(lambda: staff_client.get(NEWS_LIST)) > 0
    response = staff_client.get(NEWS_LIST)
    assert "private" in response["Cache-Control"]


def test_pages_carry_headers_a_shared_cache_can_use(client, make_news):
    make_news()
    response = client.get(NEWS_LIST)
    assert response["Cache-Control"] == "public, no-cache"
    assert response["ETag"]
    assert not response.cookies
    again = client.get(NEWS_LIST, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_pages_are_sent_gzipped_to_browsers_and_plain_to_other_clients(client, make_news):
    make_news(title="Compressed story")
    for _ in range(2):  # rendered, then from the cache
        plain = client.get(NEWS_LIST)
        zipped = client.get(NEWS_LIST, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert "Content-Encoding" not in plain
        assert zipped["Content-Encoding"] == "gzip"
        assert gzip.decompress(zipped.content) == plain.content
        assert "Compressed story" in plain.text
        assert int(zipped["Content-Length"]) == len(zipped.content) < len(plain.content) / 3
        assert "Accept-Encoding" in zipped["Vary"] and "Accept-Encoding" in plain["Vary"]
        assert zipped["ETag"] == "W/" + plain["ETag"]
    again = client.get(NEWS_LIST, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=zipped["ETag"])
    assert again.status_code == 304


def test_what_the_page_cache_does_not_send_goes_gzipped_too(client, staff_client, make_news):
    make_news(title="Compressed story")
    for reader, path in [(staff_client, "/admin/news/newsitem/"), (client, "/en/news/export.csv")]:
        plain = reader.get(path)
        zipped = reader.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        body = zipped.content if not zipped.streaming else b"".join(zipped.streaming_content)
        assert zipped["Content-Encoding"] == "gzip", path
        assert "Compressed story" in gzip.decompress(body).decode()
        assert "Content-Encoding" not in plain


def cache_key_of(path):
    key, _seconds, _kept = page_cache.lookup(RequestFactory().get(path))
    return key


def test_a_page_another_process_is_rendering_is_waited_for_not_rendered_again(
    client, make_news, count_queries
):
    make_news(title="Rendered here")
    client.get("/en/")  # the cache's state is set
    key = cache_key_of(NEWS_LIST)
    cache.add(page_cache.render_claim_key(key), 1)  # another worker started on the page
    other_worker = threading.Timer(
        0.05,
        cache.set,
        (key, page_cache.StoredPage([("Content-Type", "text/html")], b"By the other", False)),
    )
    other_worker.start()
    response_and_queries = []
    queries = count_queries(lambda: response_and_queries.append(client.get(NEWS_LIST)))
    other_worker.join()
    assert response_and_queries[0].content == b"By the other"
    assert queries == 0


def test_a_page_is_rendered_here_when_the_other_process_stores_nothing(
    client, make_news, monkeypatch
):
    make_news(title="Rendered here")
    client.get("/en/")
    key = cache_key_of(NEWS_LIST)
    sleeps = []
    monkeypatch.setattr(page_cache.time, "sleep", sleeps.append)
    # The other process finished without storing the page (a 404, say): its claim is gone.
    monkeypatch.setattr(page_cache, "claim_render", lambda key: False)
    assert "Rendered here" in client.get(NEWS_LIST).text
    assert len(sleeps) == 1
    # It holds its claim but never stores: the wait ends, and the page is rendered here.
    cache.add(page_cache.render_claim_key(key), 1)
    monkeypatch.setattr(page_cache, "RENDER_WAIT_SECONDS", 0.05)
    monkeypatch.setattr(page_cache, "RENDER_POLL_SECONDS", 0)
    monkeypatch.setattr(page_cache.time, "sleep", lambda seconds: None)
    assert "Rendered here" in client.get(NEWS_LIST).text


def test_a_render_leaves_no_claim_behind(client, make_news):
    item = make_news()
    for path in (NEWS_LIST, "/en/news/no-such-story/", item.get_absolute_url()):
        client.get(path)
        assert cache.get(page_cache.render_claim_key(cache_key_of(path))) is None


def test_drafts_and_errors_are_not_stored(client, staff_client, make_news):
    draft = make_news(status=NewsItem.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    draft.status = NewsItem.Status.PUBLISHED
    draft.save()
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert client.get("/en/news/?year=nonsense").status_code == 400
    response = client.get("/api/v1/news/")
    assert response["Cache-Control"] == "public, max-age=60"


def test_page_cache_can_be_switched_off(client, make_news, settings, count_queries):
    settings.PAGE_CACHE_SECONDS = 0
    make_news()
    client.get(NEWS_LIST)
    assert count_queries(lambda: client.get(NEWS_LIST)) > 0


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_made_during_a_render_is_not_kept(make_news):
    """A page rendered while a save was in progress is stored under a generation nobody reads."""
    make_news(title="Story")
    generation_before, _ = changes.current_state()
    item = NewsItem.objects.get()
    item.title = "Changed"
    item.save()  # autocommit: the signal and the commit hook both move the generation on
    generation_after, _ = changes.current_state()
    assert generation_after != generation_before


def test_api_answers_are_kept_too_and_fresh_after_a_save(client, make_news, count_queries):
    item = make_news(title="API story", slug="api-story")
    assert count_queries(lambda: client.get("/api/v1/news/")) > 0
    assert count_queries(lambda: client.get("/api/v1/news/")) == 0
    detail = client.get("/api/v1/news/api-story/")
    assert client.get("/api/v1/news/api-story/")["Last-Modified"] == detail["Last-Modified"]
    item.title = "API story, corrected"
    item.save()
    assert client.get("/api/v1/news/").json()["results"][0]["title"] == "API story, corrected"
    assert client.get("/api/v1/news/api-story/").json()["title"] == "API story, corrected"


def test_each_host_has_its_own_pages(client, make_news, settings):
    settings.ALLOWED_HOSTS = ["a.example.org", "b.example.org"]
    make_news()
    client.get("/en/news/", HTTP_HOST="a.example.org")
    page = client.get("/en/news/", HTTP_HOST="b.example.org").text
    assert 'href="http://b.example.org/en/news/"' in page


def test_with_the_database_down_cached_pages_are_still_served(make_news):
    from tests.outages import database_down

    reader = Client(raise_request_exception=False)
    make_news(title="Story kept in the cache")
    assert reader.get(NEWS_LIST).status_code == 200
    with database_down():
        kept = reader.get(NEWS_LIST)
        not_kept = reader.get("/en/programmes/")
    assert kept.status_code == 200 and "Story kept in the cache" in kept.text
    assert not_kept.status_code == 503


def test_api_answers_from_the_cache_still_count_against_the_rate_limit(client, settings, drugs):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"},
    }
    statuses = [client.get("/api/v1/thematic-areas/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
