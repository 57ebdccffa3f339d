"""Drafts over live content and the review loop: an edit of something live is a draft the public
never sees until a second person approves it; "request changes" and approval carry a comment
and a mail; a publisher may publish without review, saying why, and the item is listed until
someone else approves it."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from editorial.models import AuditEntry, Draft, Redirect, Status
from editorial.workflow import publish_draft
from news.models import NewsItem
from programmes.models import Country, Programme
from tests.test_workflow import CHANGE_URL, buttons, form_data, login, make_user

pytestmark = pytest.mark.django_db

MARKER = "Zanzibarquux"  # a word no public page may show while it is only in a draft


@pytest.fixture
def editor():
    return make_user("editor", "Editors", first_name="Dilnoza", last_name="Karimova")


@pytest.fixture
def publisher():
    return make_user("publisher", "Publishers")


def post(client, item, **fields):
    item.refresh_from_db()
    return client.post(CHANGE_URL.format(item.pk), form_data(item, **fields))


def public_texts(client):
    urls = [
        "/en/",
        "/en/news/",
        "/en/news/heroin-seized/",
        "/en/news/?q=heroin",
        "/en/news/feed/",
        "/sitemap.xml",
        "/api/v1/news/",
        "/api/v1/news/heroin-seized/",
        "/en/news/export.csv",
    ]
    client.logout()
    return {url: text_of(client.get(url)) for url in urls}


def text_of(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_an_editors_correction_of_live_news_is_a_draft_the_public_never_sees(client, editor, live):
    login(client, editor)
    response = post(client, live, summary=f"Officers seized 45 kg of heroin. {MARKER}")
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.status == Status.PUBLISHED and MARKER not in live.summary
    assert Draft.of(live).edited_by == editor

    page = client.get(CHANGE_URL.format(live.pk)).content.decode()
    assert MARKER in page  # the form shows the draft
    assert "You are editing the draft over the live version" in page
    preview = client.get(f"/admin/news/newsitem/{live.pk}/preview/").content.decode()
    assert MARKER in preview
    compare = client.get(f"/admin/news/newsitem/{live.pk}/draft/compare/")
    assert [str(change["field"]) for change in compare.context["changes"]] == ["summary [en]"]
    assert "<ins>45</ins>" in compare.content.decode()

    for url, text in public_texts(client).items():
        assert MARKER not in text, url


def test_links_in_a_draft_stay_out_of_the_live_page_until_published(
    client, editor, publisher, live, kazakhstan
):
    login(client, editor)
    post(client, live, countries=[kazakhstan.pk], action="submit")
    assert list(live.countries.all()) == []
    client.logout()
    assert "Kazakhstan" not in client.get("/en/news/heroin-seized/").content.decode()

    login(client, publisher)
    response = post(client, live, countries=[kazakhstan.pk], action="publish")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(live.countries.all()) == [kazakhstan]
    assert not Draft.objects.exists()


def test_the_whole_review_loop_with_comments_mail_and_a_change_note(
    client, editor, publisher, live, django_capture_on_commit_callbacks
):
    login(client, editor)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, live, title="Heroin seized at the Dostyk border", action="submit")
    assert [message.to for message in mail.outbox] == [["publisher@unodc.example"]]
    assert Draft.of(live).state == Status.REVIEW

    login(client, publisher)
    page = client.get(CHANGE_URL.format(live.pk))
    assert "request-changes" in buttons(page) and "publish" in buttons(page)
    empty = post(client, live, title="Heroin seized at the Dostyk border", action="request-changes")
    assert "Say what should change" in empty.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        post(
            client,
            live,
            title="Heroin seized at the Dostyk border",
            action="request-changes",
            comment="Give the weight as in the press release.",
        )
    assert Draft.of(live).state == Status.CHANGES
    returned = mail.outbox[-1]
    assert returned.to == ["editor@unodc.example"]
    assert "Changes requested" in returned.subject
    assert "Give the weight as in the press release." in returned.body
    assert f"/admin/news/newsitem/{live.pk}/change/" in returned.body

    login(client, editor)
    dashboard = client.get("/admin/").content.decode()
    assert "Changes requested of me" in dashboard and "Dostyk border" in dashboard
    timeline = client.get(CHANGE_URL.format(live.pk)).content.decode()
    assert "Give the weight as in the press release." in timeline
    post(
        client,
        live,
        title="Heroin seized at the Dostyk border",
        slug="heroin-seized-dostyk",
        summary="Officers seized 42 kg of heroin.",
        action="submit",
    )

    login(client, publisher)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            live,
            title="Heroin seized at the Dostyk border",
            slug="heroin-seized-dostyk",
            summary="Officers seized 42 kg of heroin.",
            action="publish",
            change_kind="major",
            change_note_en="Corrected the weight seized.",
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert "Published" in mail.outbox[-1].subject and mail.outbox[-1].to == ["editor@unodc.example"]
    client.logout()
    page = client.get("/en/news/heroin-seized-dostyk/").content.decode()
    assert "42 kg" in page and "Corrected the weight seized." in page and "Last updated" in page
    old = client.get("/en/news/heroin-seized/")
    assert (old.status_code, old["Location"]) == (301, "/en/news/heroin-seized-dostyk/")
    logged = AuditEntry.objects.exclude(action="redirect").order_by("at", "id")
    assert list(logged.values_list("action", flat=True)) == [
        "submitted",
        "changes-requested",
        "submitted",
        "published",
        "major-change",
    ]


def test_whoever_made_the_changes_cannot_approve_them(client, publisher, live):
    login(client, publisher)
    post(client, live, title="Changed by the publisher", action="submit")
    response = post(client, live, title="Changed by the publisher", action="publish")
    assert "a second person must approve them" in response.content.decode()
    assert NewsItem.objects.get().title == "Heroin seized at the border"
    in_one_go = post(client, live, title="Changed again", action="publish")
    assert "a second person must review your changes" in in_one_go.content.decode()


def test_a_forced_publication_needs_a_reason_and_is_listed_until_someone_else_approves(
    client, publisher, live
):
    login(client, publisher)
    refused = post(client, live, title="Urgent correction", action="force-publish")
    assert "Give the reason to publish without review" in refused.content.decode()
    post(
        client,
        live,
        title="Urgent correction",
        action="force-publish",
        comment="The weight was wrong.",
    )
    live.refresh_from_db()
    assert live.title == "Urgent correction" and live.forced_by == publisher
    assert "not yet reviewed by a second person" in client.get("/admin/news/newsitem/").text
    assert "Urgent correction" in section(client.get("/admin/").text, "published-without-review")
    assert "You published this without review" in (
        post(client, live, action="approve-later").content.decode()
    )

    login(client, make_user("second", "Publishers"))
    post(client, live, action="approve-later", comment="Checked against the release.")
    live.refresh_from_db()
    assert live.forced_at is None
    assert "Urgent correction" not in section(
        client.get("/admin/").text, "published-without-review"
    )
    assert AuditEntry.objects.filter(action="approved", comment__contains="Checked").exists()


def section(page, element_id):
    start = page.index(f'id="{element_id}"')
    return page[start : page.index("</div>", start)]


def test_a_one_person_office_turns_the_second_pair_of_eyes_off(client, publisher, live, settings):
    settings.EDITORIAL_SECOND_PAIR_OF_EYES = False
    login(client, publisher)
    assert "force-publish" not in buttons(client.get(CHANGE_URL.format(live.pk)))
    post(client, live, title="Corrected by the only publisher", action="save")
    response = post(client, live, title="Corrected by the only publisher", action="publish")
    assert response.status_code == 302
    assert NewsItem.objects.get().title == "Corrected by the only publisher"


@pytest.mark.parametrize(
    "action", ["publish", "force-publish", "approve-later", "withdraw", "unpublish", "schedule"]
)
def test_an_editors_crafted_post_to_a_publishers_action_is_refused(client, editor, live, action):
    login(client, editor)
    response = post(
        client, live, action=action, comment="Please", withdrawal_reason_en="Old", title="X"
    )
    assert response.status_code == 200
    assert "Only publishers can" in response.content.decode()
    live.refresh_from_db()
    assert (live.status, live.title) == (Status.PUBLISHED, "Heroin seized at the border")
    assert not Draft.objects.exists()


def test_unpublishing_can_send_readers_to_another_page_in_both_languages(
    client, publisher, live, make_news
):
    make_news(slug="newer-story")
    login(client, publisher)
    bad = post(client, live, action="unpublish", unpublish_to="https://elsewhere.example/")
    assert "Give a page of this site" in bad.content.decode()
    post(client, live, action="unpublish", unpublish_to="/en/news/newer-story/")
    live.refresh_from_db()
    assert live.status == Status.UNPUBLISHED
    client.logout()
    assert client.get("/en/news/heroin-seized/")["Location"] == "/en/news/newer-story/"
    assert client.get("/ru/news/heroin-seized/")["Location"] == "/ru/news/newer-story/"
    assert Redirect.objects.get(old_path="/en/news/heroin-seized/").automatic is False


def test_restoring_a_revision_of_live_news_makes_a_draft_not_a_live_change(client, publisher, live):
    first = live.history.earliest()
    login(client, publisher)
    post(client, live, title="Mistaken title", action="force-publish", comment="Urgent.")
    restore = f"/admin/news/newsitem/{live.pk}/history/{first.history_id}/"
    assert client.get(restore).status_code == 200
    response = client.post(
        restore, form_data(live, title="Heroin seized at the border", version="")
    )
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.title == "Mistaken title"  # still live as it was
    assert Draft.of(live) is not None
    assert 'value="Heroin seized at the border"' in client.get(CHANGE_URL.format(live.pk)).text


def test_a_stale_save_of_a_draft_is_refused(client, editor, live):
    opened = live.version
    login(client, make_user("colleague", "Editors"))
    post(client, live, title="Colleague's draft")
    login(client, editor)
    stale = client.post(
        CHANGE_URL.format(live.pk), form_data(live, title="My draft", version=opened)
    )
    assert "Your changes were not saved" in stale.content.decode()
    assert str(Draft.of(live)) == "Colleague's draft"


def test_the_change_list_says_when_draft_changes_are_pending(client, editor, live):
    login(client, editor)
    post(client, live, title="Draft title", action="submit")
    page = client.get("/admin/news/newsitem/").content.decode()
    assert "Live · draft changes pending (submitted for review)" in page


def test_a_live_programmes_edit_is_a_draft_too(client, editor, publisher, programme):
    kyrgyzstan = Country.objects.create(
        status="published",
        name="Kyrgyzstan",
        iso_code="KG",
        slug="kyrgyzstan",
        sub_region="central-asia",
    )
    login(client, editor)
    url = f"/admin/programmes/programme/{programme.pk}/change/"
    data = {
        "title_en": f"Programme for Central Asia {MARKER}",
        "slug": programme.slug,
        "start_year": "2015",
        "end_year": "2019",
        "budget_usd": "70000000",
        "countries": [kyrgyzstan.pk],
        "thematic_areas": [area.pk for area in programme.thematic_areas.all()],
        "version": programme.version,
        "action": "submit",
        "signatories-TOTAL_FORMS": "0",
        "signatories-INITIAL_FORMS": "0",
    }
    assert client.post(url, data).status_code == 302
    client.logout()
    public = client.get(programme.get_absolute_url()).content.decode()
    assert MARKER not in public and "Kazakhstan" in public

    login(client, publisher)
    data.update(action="publish", version=Programme.objects.get().version)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    programme.refresh_from_db()
    assert MARKER in programme.title
    assert list(programme.countries.all()) == [kyrgyzstan]


@pytest.mark.parametrize("links", [1, 20])
def test_publishing_a_draft_is_one_transaction_of_at_most_20_queries(
    make_news, editor, links, kazakhstan
):
    countries = [kazakhstan] + [
        Country.objects.create(
            status="published",
            name=f"Country {n}",
            iso_code=f"A{chr(65 + n)}",
            slug=f"country-{n}",
            sub_region="other",
        )
        for n in range(links - 1)
    ]
    item = make_news(title="Live")
    edited = NewsItem.objects.get(pk=item.pk)
    edited.title_en = "Corrected"
    draft = Draft(item=item, edited_by=editor)
    draft.content = Draft.serialise(
        edited,
        {"countries": [c.pk for c in countries], "programmes": [], "thematic_areas": []},
    )
    draft.save()
    item = NewsItem.objects.get(pk=item.pk)
    with CaptureQueriesContext(connection) as queries:
        publish_draft(item, Draft.objects.get())
    assert len(queries.captured_queries) <= 20, [q["sql"] for q in queries.captured_queries]
    item.refresh_from_db()
    assert item.title == "Corrected" and item.countries.count() == links
