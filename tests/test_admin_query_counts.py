"""The editors' admin pages make a fixed number of SQL queries, whatever the number of items,
revisions and drafts in review: counted with 3 news items of 2 revisions each, then with 40 of
6 revisions each and a third of them in review (bench/admin_pages.py times them at 100,000)."""

import pytest

from editorial.models import Draft, Status
from news.models import NewsItem
from tests.test_workflow import login, make_user

pytestmark = pytest.mark.django_db


def add_news(count, revisions, editor, start):
    for number in range(start, start + count):
        item = NewsItem.objects.create(
            title=f"Admin item {number}",
            slug=f"admin-item-{number}",
            summary="Officers seized heroin.",
            body="<p>Officers seized heroin at the border.</p>",
            status=Status.PUBLISHED,
        )
        for revision in range(2, revisions + 1):
            item.body = f"<p>Officers seized heroin at the border, revision {revision}.</p>"
            item.save()
        if number % 3 == 0:
            item.summary = "Officers seized more heroin."
            draft = Draft(
                item=item, content=Draft.serialise(item, {}), state=Status.REVIEW, edited_by=editor
            )
            draft.save()


def admin_pages(item):
    change = f"/admin/news/newsitem/{item.pk}"
    return {
        "change list, by state": "/admin/news/newsitem/?status__exact=published",
        "change list, in review": "/admin/news/newsitem/?work=review",
        "change list, searched": "/admin/news/newsitem/?q=heroin",
        "change form": f"{change}/change/",
        "history": f"{change}/history/",
        "compare": f"{change}/history/compare/",
        "compare draft": f"{change}/draft/compare/",
        "dashboard": "/admin/",
        "calendar": "/admin/calendar/",
        "audit log": "/admin/editorial/auditentry/",
    }


@pytest.fixture
def counts(client, count_queries, settings):
    settings.PAGE_CACHE_SECONDS = 0
    editor = make_user("editor", "Editors")
    login(client, make_user("publisher", "Publishers"))
    add_news(3, revisions=2, editor=editor, start=1)
    item = NewsItem.objects.get(slug="admin-item-3")  # with a draft in review
    pages = admin_pages(item)

    def measure():
        found = {}
        for name, path in pages.items():
            response = None

            def get(path=path):
                nonlocal response
                response = client.get(path)

            found[name] = count_queries(get)
            assert response.status_code == 200, (name, response.status_code)
        return found

    measure()  # once first: what is read once per process (content types) is not counted
    small = measure()
    add_news(37, revisions=6, editor=editor, start=4)
    for revision in range(3, 7):  # the item itself: more revisions too
        item.refresh_from_db()
        item.title = f"Admin item 3, revision {revision}"
        item.save()
    return small, measure()


def test_admin_queries_do_not_grow_with_items_revisions_or_drafts(counts):
    small, large = counts
    grown = {name: (small[name], large[name]) for name in small if small[name] != large[name]}
    assert not grown, f"queries with 3 items, then with 40: {grown}"
