"""Old addresses keep working: a slug change redirects, what leaves the site answers 410."""

import datetime

import pytest
from django.utils import timezone

from editorial.models import Redirect, Status
from news.models import NewsItem
from programmes.models import Office
from tests.html_tree import parse_html
from tests.test_workflow import CHANGE_URL, form_data, login, make_user

pytestmark = pytest.mark.django_db


def moved_to(client, path):
    response = client.get(path)
    assert response.status_code == 301, (path, response.status_code)
    return response["Location"]


def test_a_slug_change_redirects_the_old_address_in_both_languages(client, make_news):
    item = make_news(slug="old-title")
    item.slug = "new-title"
    item.save()

    assert moved_to(client, "/en/news/old-title/") == "/en/news/new-title/"
    assert moved_to(client, "/ru/news/old-title/") == "/ru/news/new-title/"
    assert client.get("/en/news/new-title/").status_code == 200
    # The query string goes along (a link shared with tracking, say).
    assert moved_to(client, "/en/news/old-title/?from=mail") == "/en/news/new-title/?from=mail"


def test_chains_collapse_and_a_slug_given_back_is_live_again(client, make_news):
    item = make_news(slug="a")
    for slug in ("b", "c"):
        item.slug = slug
        item.save()
    assert moved_to(client, "/en/news/a/") == "/en/news/c/"
    assert moved_to(client, "/en/news/b/") == "/en/news/c/"

    item.slug = "a"
    item.save()
    assert client.get("/en/news/a/").status_code == 200
    assert not Redirect.objects.filter(old_path="/en/news/a/").exists()
    assert moved_to(client, "/en/news/c/") == "/en/news/a/"
    assert moved_to(client, "/en/news/b/") == "/en/news/a/"


def test_a_draft_that_was_never_public_leaves_no_redirect(client, make_news):
    item = make_news(slug="draft-title", status=Status.DRAFT)
    item.slug = "better-title"
    item.save()
    assert not Redirect.objects.exists()
    assert client.get("/en/news/draft-title/").status_code == 404


def test_an_unpublished_item_answers_410_with_the_sites_page(client, make_news):
    item = make_news(slug="taken-down")
    item.status = Status.DRAFT
    item.save()

    for language in ("en", "ru"):
        response = client.get(f"/{language}/news/taken-down/")
        assert response.status_code == 410
        tree = parse_html(response.content.decode())
        assert tree.find("html").attrs.get("lang") == language
        assert tree.find("nav").tag == "nav"  # the site's own page, with its navigation
    assert "This page has been removed" in client.get("/en/news/taken-down/").content.decode()

    item.status = Status.PUBLISHED
    item.save()
    assert client.get("/en/news/taken-down/").status_code == 200


def test_a_deleted_item_answers_410(client, make_news):
    make_news(slug="deleted").delete()
    assert client.get("/en/news/deleted/").status_code == 410
    assert client.get("/ru/news/deleted/").status_code == 410


def test_an_item_whose_schedule_ended_answers_410(client, make_news):
    make_news(slug="expired", expire_at=timezone.now() - datetime.timedelta(minutes=1))
    make_news(slug="draft", status=Status.DRAFT)
    assert client.get("/en/news/expired/").status_code == 410
    # Never public: still 404, and nothing says a draft exists.
    assert client.get("/en/news/draft/").status_code == 404


def test_an_editor_can_point_a_gone_address_at_another_page(client, make_news):
    make_news(slug="replacement")
    make_news(slug="withdrawn").delete()
    redirect = Redirect.objects.get(old_path="/en/news/withdrawn/")
    redirect.new_path = "/en/news/replacement/"
    redirect.full_clean()
    redirect.save()
    assert moved_to(client, "/en/news/withdrawn/") == "/en/news/replacement/"
    assert client.get("/ru/news/withdrawn/").status_code == 410


def test_programme_country_and_office_slug_changes_redirect(client, programme, kazakhstan):
    programme.slug = "pca-renamed"
    programme.save()
    kazakhstan.slug = "qazaqstan"
    kazakhstan.save()
    assert moved_to(client, "/en/programmes/pca-2015-2019/") == "/en/programmes/pca-renamed/"
    assert moved_to(client, "/ru/countries/kazakhstan/") == "/ru/countries/qazaqstan/"

    office = Office.objects.create(
        status="published",
        name="Programme office in Kazakhstan",
        slug="kz",
        kind="programme",
        country=kazakhstan,
    )
    office.slug = "astana"
    office.save()
    assert moved_to(client, "/en/offices/kz/") == "/en/offices/astana/"


def test_a_slug_changed_in_the_admin_redirects_and_the_form_says_it_will(client, make_news):
    publisher = make_user("publisher", "Publishers")
    item = make_news(slug="seizure", title="Seizure")
    login(client, publisher)
    form = client.get(CHANGE_URL.format(item.pk)).content.decode()
    assert "the old address redirects to the new one" in form

    response = client.post(
        CHANGE_URL.format(item.pk),
        form_data(item, slug="seizure-at-border", action="force-publish", comment="Typo."),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert NewsItem.objects.get().slug == "seizure-at-border"
    client.logout()
    assert moved_to(client, "/en/news/seizure/") == "/en/news/seizure-at-border/"


ADD_REDIRECT_URL = "/admin/editorial/redirect/add/"


@pytest.mark.parametrize(
    "new_path",
    [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/en/news/\nx",
    ],
)
def test_a_redirect_can_only_lead_inside_the_site(client, new_path):
    login(client, make_user("editor", "Editors"))
    response = client.post(ADD_REDIRECT_URL, {"old_path": "/en/old/", "new_path": new_path})
    assert response.status_code == 200
    assert "A redirect can only lead to a page of this site" in response.content.decode()
    assert not Redirect.objects.exists()


def test_editors_add_list_and_delete_redirects_in_the_admin(client, make_news):
    make_news(slug="target")
    login(client, make_user("editor", "Editors"))
    response = client.post(
        ADD_REDIRECT_URL, {"old_path": "/en/campaign/", "new_path": "/en/news/target/"}
    )
    assert response.status_code == 302
    listing = client.get("/admin/editorial/redirect/").content.decode()
    assert "/en/campaign/" in listing
    redirect = Redirect.objects.get()
    client.logout()
    assert moved_to(client, "/en/campaign/") == "/en/news/target/"

    login(client, make_user("other-editor", "Editors"))
    response = client.post(f"/admin/editorial/redirect/{redirect.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Redirect.objects.exists()


def test_a_redirect_that_would_loop_is_refused(client):
    Redirect.objects.create(old_path="/en/b/", new_path="/en/a/")
    login(client, make_user("editor", "Editors"))
    response = client.post(ADD_REDIRECT_URL, {"old_path": "/en/a/", "new_path": "/en/b/"})
    assert "the two would loop" in response.content.decode()
    response = client.post(ADD_REDIRECT_URL, {"old_path": "/en/c/", "new_path": "/en/c/"})
    assert "cannot lead to its own address" in response.content.decode()
    assert Redirect.objects.count() == 1


def test_staff_without_the_permission_cannot_add_redirects(client):
    login(client, make_user("visitor"))
    response = client.post(ADD_REDIRECT_URL, {"old_path": "/en/x/", "new_path": "/en/"})
    assert response.status_code == 403
    assert not Redirect.objects.exists()


@pytest.mark.parametrize("path", ["/en/news/a%00b/", "/en/news/" + "x" * 400 + "/"])
def test_an_address_no_redirect_can_hold_is_a_plain_404(client, path):
    assert client.get(path).status_code == 404
