"""The scheduling calendar: a month of what goes live and what expires, by day."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from editorial.models import Status
from tests.html_tree import parse_html
from tests.test_workflow import at_tashkent_time, login, make_user

pytestmark = pytest.mark.django_db

CALENDAR = "/admin/calendar/"


def next_months_15th():
    first = (timezone.localdate().replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return first.replace(day=15)


def month_param(day):
    return f"{day.year:04}-{day.month:02}"


def day_cell(page, day):
    """The calendar cell of that day of the shown month."""
    for cell in parse_html(page).find("table", class_="schedule").find_all("td"):
        if "other-month" in cell.attrs.get("class", ""):
            continue
        if cell.children and cell.find("span").text().split()[0] == str(day.day):
            return cell
    raise AssertionError(f"no cell for {day}")


def test_the_calendar_shows_what_goes_live_and_expires_on_its_day(client, make_news, programme):
    day = next_months_15th()
    opening = make_news(title="Opening story", publish_at=at_tashkent_time(day, 9, 30))
    make_news(title="Closing story", expire_at=at_tashkent_time(day, 18, 0))
    programme.expire_at = at_tashkent_time(day + datetime.timedelta(days=1), 8, 0)
    programme.save()
    make_news(title="A draft with a date", status=Status.DRAFT, publish_at=at_tashkent_time(day, 9))
    make_news(title="Next year", publish_at=at_tashkent_time(day.replace(year=day.year + 1), 9))

    login(client, make_user("editor", "Editors"))
    response = client.get(CALENDAR, {"month": month_param(day)})
    assert response.status_code == 200
    page = response.content.decode()
    cell = day_cell(page, day).text()
    assert "09:30 Goes live: Opening story" in " ".join(cell.split())
    assert "18:00 Expires: Closing story" in " ".join(cell.split())
    next_day = " ".join(day_cell(page, day + datetime.timedelta(days=1)).text().split())
    assert f"08:00 Expires: {programme.title}" in next_day
    assert "A draft with a date" not in page and "Next year" not in page
    assert f'href="/admin/news/newsitem/{opening.pk}/change/"' in page
    assert "3 scheduled changes" in page


def test_the_calendar_lists_only_what_the_user_may_view(client, make_news, programme):
    day = next_months_15th()
    make_news(title="Opening story", publish_at=at_tashkent_time(day, 9, 30))
    programme.publish_at = at_tashkent_time(day, 10)
    programme.save()
    news_only = make_user("news-reader")
    news_only.user_permissions.add(Permission.objects.get(codename="view_newsitem"))
    page = login(client, news_only).get(CALENDAR, {"month": month_param(day)}).content.decode()
    assert "Opening story" in page and programme.title not in page


@pytest.mark.parametrize("month", ["2026-13", "garbage", "0000-01", "99999-01", ""])
def test_a_month_that_is_not_one_gives_400_and_this_month(client, month):
    login(client, make_user("editor", "Editors"))
    response = client.get(CALENDAR, {"month": month})
    assert response.status_code == 400
    assert "Choose a month as YYYY-MM" in response.content.decode()
    assert timezone.localdate().strftime("%B") in response.content.decode()


def test_the_calendar_is_for_staff_only(client):
    assert client.get(CALENDAR).status_code == 302  # to the login page


def test_the_calendar_query_count_does_not_grow_with_items(client, make_news, count_queries):
    day = next_months_15th()
    login(client, make_user("editor", "Editors"))
    counts = []
    for items in (2, 20):
        for index in range(items):
            make_news(publish_at=at_tashkent_time(day, 9, index % 60))
        counts.append(count_queries(lambda: client.get(CALENDAR, {"month": month_param(day)})))
    assert counts[0] == counts[1]


def test_the_admin_home_links_to_the_calendar(client):
    page = login(client, make_user("editor", "Editors")).get("/admin/").content.decode()
    assert 'href="/admin/calendar/"' in page
