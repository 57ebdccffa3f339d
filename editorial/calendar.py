"""The scheduling calendar: a month of what goes live and what expires, by day (Wagtail has none).

Served by the admin site (unodc_site/security.py) for every publishable model its registry holds
and the user may view: one query per model, whatever the number of items.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial.models import Publishable

MONTH = re.compile(r"(\d{4})-(\d{2})")


@dataclass
class Event:
    moment: datetime.datetime  # in the site's time zone
    what: str  # editorial.models: GOES_LIVE, EXPIRES or CHANGES_GO_LIVE
    title: str
    kind: str
    url: str


def month_asked(text):
    """The first day of the month ?month=YYYY-MM names, or None if it names none."""
    match = MONTH.fullmatch(text)
    if not match:
        return None
    year, month = map(int, match.groups())
    if not (1 <= month <= 12 and datetime.MINYEAR < year < datetime.MAXYEAR):
        return None
    return datetime.date(year, month, 1)


def next_month(day):
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def events_between(request, admin_site, start, end):
    """What published items of every model this user may view go live or expire in [start, end)."""
    events = []
    for model, model_admin in admin_site._registry.items():
        if not (issubclass(model, Publishable) and model_admin.has_view_permission(request)):
            continue
        change = f"admin:{model._meta.app_label}_{model._meta.model_name}_change"
        for row, moment, what in model._default_manager.scheduled_changes(start, end):
            events.append(
                Event(
                    timezone.localtime(moment),
                    what,
                    str(row),
                    str(model._meta.verbose_name),
                    reverse(change, args=[row.pk]),
                )
            )
    return sorted(events, key=lambda event: (event.moment, event.title))


def schedule_calendar(request, admin_site):
    today = timezone.localdate()
    asked = request.GET.get("month")
    first = month_asked(asked) if asked is not None else today.replace(day=1)
    status = 200
    if first is None:
        first, status = today.replace(day=1), 400
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(next_month(first), datetime.time(), tzinfo=zone)
    by_day = {}
    for event in events_between(request, admin_site, start, end):
        by_day.setdefault(event.moment.date(), []).append(event)
    weeks = [
        [
            {"date": day, "in_month": day.month == first.month, "events": by_day.get(day, [])}
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    context = {
        **admin_site.each_context(request),
        "title": _("Scheduling calendar"),
        "month": first,
        "weeks": weeks,
        "weekdays": [week_day["date"] for week_day in weeks[0]],
        "today": today,
        "previous": f"{previous.year:04}-{previous.month:02}",
        "next": f"{next_month(first).year:04}-{next_month(first).month:02}",
        "bad_month": status == 400,
        "event_count": sum(len(events) for events in by_day.values()),
    }
    return TemplateResponse(request, "admin/editorial/calendar.html", context, status=status)
