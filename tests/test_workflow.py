import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format

from editorial.models import Draft, Status
from news.models import NewsItem
from programmes.models import Programme
from tests.html_tree import parse_html

pytestmark = pytest.mark.django_db

CHANGE_URL = "/admin/news/newsitem/{}/change/"
ADD_URL = "/admin/news/newsitem/add/"


def make_user(name, group=None, **extra):
    user = get_user_model().objects.create_user(
        name, f"{name}@unodc.example", None, is_staff=True, **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(client):
    return make_user("editor", "Editors")


@pytest.fixture
def publisher():
    return make_user("publisher", "Publishers")


def login(client, user):
    client.force_login(user)
    return client


def days_from_today(days):
    """The site's date (Tashkent) that many days from today."""
    return timezone.localdate() + datetime.timedelta(days=days)


def at_tashkent_time(day, hour, minute=0):
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


def form_data(item=None, **overrides):
    data = {
        "title": item.title if item else "Seizure on the border",
        "slug": item.slug if item else "seizure-on-the-border",
        "date": item.date.isoformat() if item and item.date else days_from_today(-11).isoformat(),
        "summary": item.summary if item else "Officers seized heroin.",
        "body": item.body if item else "<p>Officers seized heroin.</p>",
        "action": "save",
        "version": item.version if item else "",
        "original_publisher": "",
    }
    data.update(overrides)
    # The admin edits each language side by side: title_en, title_ru, …
    for field in ["title", "summary", "body"]:
        data[f"{field}_en"] = data.pop(field)
    return data


def test_groups_come_from_a_migration_with_the_publish_permission_only_for_publishers():
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    publishers = set(
        Group.objects.get(name="Publishers").permissions.values_list("codename", flat=True)
    )
    assert {"add_newsitem", "change_newsitem", "change_programme", "add_office"} <= editors
    assert not {codename for codename in editors if codename.startswith("publish_")}
    assert {
        f"publish_{model}"
        for model in ("newsitem", "programme", "office", "country", "thematicarea", "keyfigure")
    } <= publishers
    # Editors may delete what is not public yet: the admin refuses the rest (tests/test_admin.py).
    assert "delete_country" in editors
    assert editors < publishers


def buttons(response):
    page = parse_html(response.content.decode())
    return [button.attrs["value"] for button in page.find_all("button", name="action")]


@pytest.mark.parametrize("action", ["publish", "force-publish", "schedule", "request-changes"])
def test_editor_is_not_offered_publish_and_a_crafted_post_is_refused(client, editor, action):
    login(client, editor)
    page = client.get(ADD_URL)
    assert buttons(page) == ["save", "submit"]
    assert 'name="publish_at"' not in page.text  # scheduling is for publishers

    yesterday = days_from_today(-1).isoformat()
    response = client.post(
        ADD_URL,
        form_data(action=action, comment="Urgent", publish_at_0=yesterday, publish_at_1="00:00"),
    )
    assert response.status_code == 200
    assert "Only publishers can publish" in response.text
    assert not NewsItem.objects.exists()


def test_editor_cannot_publish_with_the_bulk_action(client, editor, make_news):
    draft = make_news(status=Status.REVIEW)
    login(client, editor)
    assert "Publish the selected items" not in client.get("/admin/news/newsitem/").text
    client.post("/admin/news/newsitem/", {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Status.REVIEW


def test_editor_edits_a_published_item_as_a_draft_but_cannot_delete_it(client, editor, make_news):
    item = make_news(title="Live story")
    login(client, editor)
    page = client.get(CHANGE_URL.format(item.pk))
    assert 'name="title_en"' in page.text
    assert buttons(page) == ["save", "submit"]
    response = client.post(CHANGE_URL.format(item.pk), form_data(item, title="Corrected story"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Live story"  # the public still reads the live version
    assert "Live story" in client.get(item.get_absolute_url()).text
    assert 'value="Corrected story"' in client.get(CHANGE_URL.format(item.pk)).text
    assert (
        client.post(f"/admin/news/newsitem/{item.pk}/delete/", {"post": "yes"}).status_code == 403
    )


def test_editor_submits_for_review_and_publishers_are_emailed(
    client, editor, publisher, django_capture_on_commit_callbacks
):
    make_user("other-editor", "Editors")
    login(client, editor)
    with django_capture_on_commit_callbacks(execute=True):  # the mail goes once the save commits
        response = client.post(ADD_URL, form_data(action="submit"))
    assert response.status_code == 302
    item = NewsItem.objects.get()
    assert item.status == Status.REVIEW
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["publisher@unodc.example"]
    assert "Seizure on the border" in mail.outbox[0].subject
    assert f"/admin/news/newsitem/{item.pk}/change/" in mail.outbox[0].body


def test_saving_a_draft_sends_no_email(
    client, editor, publisher, django_capture_on_commit_callbacks
):
    login(client, editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ADD_URL, form_data())
    assert mail.outbox == []


def test_publishers_see_what_awaits_review_on_the_admin_index(client, publisher, make_news):
    make_news(status=Status.REVIEW)
    make_news(status=Status.REVIEW)
    make_news(status=Status.DRAFT)
    live = make_news(title="Live story")  # a draft over it, in review, counts too
    Draft.objects.create(item=live, content=Draft.serialise(live, {}), state=Status.REVIEW)
    login(client, publisher)
    page = client.get("/admin/").text
    assert "3 news items await review" in page
    assert "/admin/news/newsitem/?work=review" in page
    listed = client.get("/admin/news/newsitem/?work=review")
    assert len(listed.context["cl"].result_list) == 3


def test_publisher_schedules_an_item_that_appears_and_expires_on_time(client, editor, publisher):
    opening, closing = days_from_today(2), days_from_today(32)
    login(client, editor).post(ADD_URL, form_data(action="submit"))
    item = NewsItem.objects.get()
    login(client, publisher)
    client.post(
        CHANGE_URL.format(item.pk),
        form_data(
            item,
            action="schedule",
            publish_at_0=opening.isoformat(),
            publish_at_1="09:00:00",
            expire_at_0=closing.isoformat(),
            expire_at_1="18:00:00",
        ),
    )
    item = NewsItem.objects.get()
    client.logout()
    moments = [
        (at_tashkent_time(opening, 8, 59), 404),
        (at_tashkent_time(opening, 9, 0), 200),
        (at_tashkent_time(closing, 17, 59), 200),
        (at_tashkent_time(closing, 18, 0), 410),  # it was public: gone, not "not found"
    ]
    for moment, status in moments:
        with time_machine.travel(moment, tick=False):
            assert client.get(item.get_absolute_url()).status_code == status, moment
            listed = "Seizure on the border" in client.get("/en/news/").text
            assert listed == (status == 200), moment


def test_expiry_before_publish_time_is_refused(client, publisher, settings):
    settings.EDITORIAL_SECOND_PAIR_OF_EYES = False  # one publisher, scheduling their own news
    login(client, publisher)
    response = client.post(
        ADD_URL,
        form_data(
            action="schedule",
            publish_at_0=days_from_today(2).isoformat(),
            publish_at_1="09:00:00",
            expire_at_0=days_from_today(1).isoformat(),
            expire_at_1="09:00:00",
        ),
    )
    assert "The expiry time must come after the publish time." in response.text
    assert not NewsItem.objects.exists()


def test_preview_shows_a_draft_with_a_banner_to_staff_only(client, editor, make_news):
    draft = make_news(title="Not yet public", status=Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    preview_url = f"/admin/news/newsitem/{draft.pk}/preview/"
    anonymous = client.get(preview_url)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]

    login(client, editor)
    response = client.get(preview_url)
    assert response.status_code == 200
    assert "Preview — not published" in response.text
    assert "<h1>Not yet public</h1>" in response.text
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert f'href="{preview_url}"' in client.get(CHANGE_URL.format(draft.pk)).text


def test_programme_preview_renders_the_public_template(client, publisher, programme):
    programme.status = Status.DRAFT
    programme.save()
    login(client, publisher)
    response = client.get(f"/admin/programmes/programme/{programme.pk}/preview/")
    assert response.status_code == 200
    assert "Preview — not published" in response.text
    assert "US$70 million" in response.text


def test_every_save_keeps_a_revision_with_who_and_when(client, publisher, make_news):
    item = make_news(title="First title", status=Status.DRAFT)
    login(client, publisher)
    client.post(CHANGE_URL.format(item.pk), form_data(item, title="Second title"))
    item.refresh_from_db()
    latest = item.history.first()
    assert latest.title == "Second title"
    assert latest.history_user == publisher
    assert item.history.count() == 2
    history_page = client.get(f"/admin/news/newsitem/{item.pk}/history/").text
    assert "First title" in history_page and "Second title" in history_page


def test_a_revision_can_be_restored_from_the_admin(client, publisher, make_news):
    item = make_news(title="Original title", status=Status.DRAFT)
    login(client, publisher)
    client.post(CHANGE_URL.format(item.pk), form_data(item, title="Mistaken title"))
    original = item.history.earliest()
    revert_url = f"/admin/news/newsitem/{item.pk}/history/{original.history_id}/"
    assert client.get(revert_url).status_code == 200
    item.refresh_from_db()
    response = client.post(revert_url, form_data(item, title="Original title", version=""))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Original title"
    assert item.history.count() == 3


def test_a_save_on_a_stale_copy_is_refused_and_says_what_changed(client, editor, make_news):
    item = make_news(title="Starting title", status=Status.DRAFT)
    opened_version = item.version
    other = make_user("colleague", "Editors")
    login(client, other)
    client.post(CHANGE_URL.format(item.pk), form_data(item, title="Colleague's title"))

    login(client, editor)
    stale = client.post(
        CHANGE_URL.format(item.pk),
        form_data(item, title="My title", summary="My summary", version=opened_version),
    )
    assert stale.status_code == 200
    assert "Your changes were not saved: colleague saved this item" in stale.text
    # At the site's time (UTC+5), saying so, not the database's UTC.
    saved_at = timezone.localtime(item.history.first().history_date)
    assert f"at {date_format(saved_at, 'DATETIME_FORMAT')} Tashkent time" in stale.text
    assert "They changed: title [en]." in stale.text
    assert 'value="My summary"' in stale.text or "My summary" in stale.text  # nothing lost
    item.refresh_from_db()
    assert item.title == "Colleague's title"

    # Saving again, knowingly, replaces their version.
    again = client.post(
        CHANGE_URL.format(item.pk),
        form_data(item, title="My title", version=stale.context["adminform"].form.data["version"]),
    )
    assert again.status_code == 302
    item.refresh_from_db()
    assert item.title == "My title"


@pytest.mark.parametrize(
    ("url", "lookup"),
    [
        ("/admin/programmes/country/", {"iso_code": "KZ"}),
        ("/admin/programmes/thematicarea/", {"slug": "drugs"}),
        ("/admin/programmes/programme/", {"slug": "programme-for-central-asia-2015-2019"}),
    ],
)
def test_deleting_what_news_links_to_is_refused(client, seeded, url, lookup):
    model = {
        "country": "programmes.Country",
        "thematicarea": "programmes.ThematicArea",
        "programme": "programmes.Programme",
    }[url.rstrip("/").rsplit("/", 1)[1]]
    from django.apps import apps

    obj = apps.get_model(model).objects.get(**lookup)
    login(client, make_user("root", is_superuser=True))
    response = client.post(
        url, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )
    assert response.status_code == 200
    assert "News item “" in response.text and "links to" in response.text
    assert apps.get_model(model).objects.filter(pk=obj.pk).exists()


def test_draft_programmes_are_hidden_everywhere(client, seeded):
    programme = Programme.objects.get(slug="programme-for-central-asia-2022-2025")
    programme.status = Status.DRAFT
    programme.save()
    gone = client.get(programme.get_absolute_url())
    assert gone.status_code == 410  # it was public: gone, not "not found"
    assert programme.title not in gone.text
    for url in ["/en/", "/en/programmes/", "/en/countries/kazakhstan/", "/en/news/"]:
        assert programme.title not in client.get(url).text, url


def test_two_revisions_can_be_compared_field_by_field(client, publisher, make_news):
    item = make_news(title="First title", summary="Same summary", status=Status.DRAFT)
    login(client, publisher)
    client.post(CHANGE_URL.format(item.pk), form_data(item, title="Second title"))
    older, newer = item.history.earliest(), item.history.latest()
    history = client.get(f"/admin/news/newsitem/{item.pk}/history/").text
    assert "Compare two revisions" in history
    response = client.get(
        f"/admin/news/newsitem/{item.pk}/history/compare/",
        {"older": older.history_id, "newer": newer.history_id},
    )
    assert response.status_code == 200
    assert [c["field"] for c in response.context["changes"]] == ["title [en]"]
    assert "<td><del>First</del> title</td><td><ins>Second</ins> title</td>" in response.text
    assert "#1 · " in response.text and "#2 · " in response.text  # numbered, oldest first
    bad = client.get(f"/admin/news/newsitem/{item.pk}/history/compare/", {"older": "x' OR 1"})
    assert bad.status_code == 200  # an unknown revision falls back to the oldest


def test_a_new_news_items_date_defaults_to_today(client, editor):
    form = login(client, editor).get(ADD_URL).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in form


def test_view_on_site_opens_the_preview_of_what_is_not_public(client, editor, make_news):
    login(client, editor)

    def view_on_site(item):
        page = parse_html(client.get(CHANGE_URL.format(item.pk)).content.decode())
        return page.find("a", class_="viewsitelink").attrs["href"]

    draft = make_news(status=Status.DRAFT)
    assert view_on_site(draft) == f"/admin/news/newsitem/{draft.pk}/preview/"
    assert view_on_site(make_news()).startswith("/admin/r/")  # Django's link to the public page


def test_the_admin_says_its_times_are_tashkent_time(client, editor, make_news):
    page = login(client, editor).get(CHANGE_URL.format(make_news().pk)).content.decode()
    assert "Every date and time in the admin is Tashkent time (UTC+5)" in page


def test_compare_shows_rich_text_as_words_with_what_changed_marked(client, publisher, make_news):
    item = make_news(
        body="<p>Officers seized <strong>40 kg</strong> of heroin.</p>", status="draft"
    )
    login(client, publisher)
    client.post(
        CHANGE_URL.format(item.pk),
        form_data(
            item, body="<p>Officers seized <strong>45 kg</strong> of heroin at the border.</p>"
        ),
    )
    page = client.get(f"/admin/news/newsitem/{item.pk}/history/compare/").text
    assert "<td>Officers seized <del>40</del> kg of <del>heroin.</del></td>" in page
    assert "<td>Officers seized <ins>45</ins> kg of <ins>heroin at the border.</ins></td>" in page
    assert "&lt;p&gt;" not in page and "&lt;strong&gt;" not in page  # no raw HTML


def test_compare_of_an_item_without_revisions_says_so(client, publisher):
    # Made in bulk (as the benchmark's data is): no revision was ever saved.
    [item] = NewsItem.objects.bulk_create([NewsItem(title="Bulk", slug="bulk", summary="s")])
    login(client, publisher)
    response = client.get(f"/admin/news/newsitem/{item.pk}/history/compare/", follow=True)
    assert response.redirect_chain[-1][0] == f"/admin/news/newsitem/{item.pk}/history/"
    assert "no saved revisions to compare yet" in response.content.decode()


def test_the_news_change_list_searches_drafts_and_live_items_by_their_words(
    client, publisher, make_news
):
    draft = make_news(title="Draft", status=Status.DRAFT, body="<p>Heroin seized at Dostyk.</p>")
    live = make_news(title="Live", summary="Officers seized heroin.")
    make_news(title="Other", body="<p>A training course.</p>")
    response = login(client, publisher).get("/admin/news/newsitem/", {"q": "heroin"})
    assert {item.pk for item in response.context["cl"].result_list} == {draft.pk, live.pk}
