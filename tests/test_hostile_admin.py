"""Hostile input in the admin: its login and forms, and its pages showing what editors typed.

hypothesis sends garbage to the login form and the news form (the same examples on every run);
then every payload in every field (tests/hostile.py), made once for the module, is read back on
the admin's lists, change forms, histories, comparisons and previews: only the admin's own
markup, no event handler, scripted style, script URL or script from elsewhere.
"""

from urllib.parse import urlencode

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from editorial.richtext import sanitize
from news.models import NewsItem
from programmes.models import Programme
from tests.hostile import (
    answer,
    any_text,
    assert_only_site_markup,
    fuzz,
    hostile_fixtures,
    long_text,
    next_urls,
    slug_text,
)
from tests.html_tree import parse_html
from tests.xss_payloads import PAYLOADS

SAMPLED = range(0, len(PAYLOADS), 20)  # the items whose every admin page is read


hostile, site = hostile_fixtures(images=True)


@pytest.fixture
def editor_site(site, hostile):
    site.force_login(hostile)
    return site


def assert_admin_page_shows_text_as_text(client, url):
    response = client.get(url)
    assert response.status_code == 200, f"{url}: status {response.status_code}"
    assert_only_site_markup(parse_html(response.text), url, admin=True)


@fuzz(30)
@given(username=st.one_of(any_text, long_text), password=any_text, next_url=next_urls)
def test_admin_login_refuses_garbage_without_failing_or_leaving_the_site(
    site, settings, username, password, next_url
):
    # An unknown user costs a password hash too (against timing attacks): a fast one here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    response = site.post(
        "/admin/login/?" + urlencode({"next": next_url}),
        {"username": username, "password": password, "next": next_url},
    )
    # The form again with its error (200), or, once logins are throttled, locked out.
    assert response.status_code in (200, 403, 429), (username, password, next_url)
    assert "_auth_user_id" not in site.session
    if response.status_code == 200:
        assert_only_site_markup(parse_html(response.text), "login page", admin=True)


@pytest.mark.parametrize("payload", [payload for payload in PAYLOADS if "\x00" in payload])
def test_admin_refuses_nul_characters_and_saves_nothing(editor_site, payload):
    count = NewsItem.objects.count()
    data = {"title_en": payload, "slug": "nul", "summary_en": payload, "body_en": payload}
    response = editor_site.post("/admin/news/newsitem/add/", {**data, "status": "published"})
    assert response.status_code == 200, repr(payload)
    assert "Null characters are not allowed." in response.text, repr(payload)
    assert NewsItem.objects.count() == count


dates = st.one_of(
    st.dates().map(str), any_text, st.sampled_from(["2020-02-30", "0000-00-00", "99999-01-01"])
)
admin_text = st.one_of(any_text, long_text, st.sampled_from(PAYLOADS))
# Links are chosen from lists in the browser: any number, but numbers.
record_ids = st.integers(-(2**63), 2**63 - 1).map(str)
news_fields = st.fixed_dictionaries(
    {
        "title_en": admin_text,
        "slug": st.one_of(slug_text, any_text),
        "summary_en": admin_text,
        "body_en": admin_text,
        "status": st.sampled_from(["draft", "review", "published", "deleted", ""]),
    },
    optional={
        "title_ru": admin_text,
        "summary_ru": admin_text,
        "body_ru": admin_text,
        "date": dates,
        "publish_at_0": dates,
        "publish_at_1": any_text,
        "expire_at_0": dates,
        "expire_at_1": any_text,
        "image": st.one_of(any_text, record_ids),
        "original_publisher": admin_text,
        "countries": st.lists(record_ids, max_size=3),
        "source": record_ids,
        "version": st.one_of(any_text, record_ids),
    },
)


@fuzz(40)
@given(fields=news_fields, change=st.booleans())
def test_news_admin_form_answers_fuzzed_text_with_errors_or_a_clean_save(
    editor_site, fields, change
):
    item = NewsItem.objects.get(slug="hostile-news-1")
    url = f"/admin/news/newsitem/{item.pk}/change/" if change else "/admin/news/newsitem/add/"
    # Each example starts from the same records: what one saves is rolled back after it.
    with transaction.atomic():
        before = NewsItem.objects.count(), item.version
        response = answer(
            editor_site,
            "POST",
            url,
            data=urlencode(fields, doseq=True),
            content_type="application/x-www-form-urlencoded",
        )
        item.refresh_from_db()
        if response.status_code == 200:  # the form with its errors: nothing was saved
            assert (NewsItem.objects.count(), item.version) == before
        else:
            assert response.status_code == 302
            saved = item if change else NewsItem.objects.latest("id")
            assert saved.body_en == sanitize(saved.body_en)
            if saved.is_public:
                answer(editor_site, "GET", saved.get_absolute_url())
        transaction.set_rollback(True)


@pytest.mark.parametrize(
    "model",
    [
        *["news/newsitem", "programmes/programme", "programmes/country", "programmes/office"],
        *["programmes/keyfigure", "programmes/thematicarea", "sources/sourcedocument"],
    ],
)
def test_admin_lists_show_hostile_text_as_text(editor_site, model):
    assert_admin_page_shows_text_as_text(editor_site, f"/admin/{model}/?all=")


@pytest.mark.parametrize("page", ["change/", "history/", "history/compare/", "preview/"])
@pytest.mark.parametrize("index", SAMPLED)
def test_admin_news_form_history_comparison_and_preview_show_hostile_text_as_text(
    editor_site, index, page
):
    item = NewsItem.objects.get(slug=f"hostile-news-{index}")
    # A second revision with another payload, for the comparison to show both.
    item.summary_en = PAYLOADS[-(index // 20)]
    item.save()
    assert_admin_page_shows_text_as_text(editor_site, f"/admin/news/newsitem/{item.pk}/{page}")


@pytest.mark.parametrize("index", SAMPLED)
def test_admin_programme_form_shows_hostile_text_as_text(editor_site, index):
    programme = Programme.objects.get(slug=f"hostile-programme-{index}")
    url = f"/admin/programmes/programme/{programme.pk}/change/"
    assert_admin_page_shows_text_as_text(editor_site, url)
