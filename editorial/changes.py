"""When public content last changed: a *generation* in the shared cache, for what is kept until
the content changes (whole pages, in unodc_site/page_cache.py; the news filters' choices).

Any change to the models of an app whose AppConfig says `public_content = True` (a save,
publish, unpublish or delete, in the admin or anywhere else through the ORM) moves the counter
on, on every app server. So does the moment a published item is scheduled to appear or leave:
the state holds the time of the next scheduled change, and the first reader after it moves the
counter on. Changes made with QuerySet.update() or raw SQL send no signal: call invalidate().
"""

import time

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from editorial.models import Draft, Publishable, Status
from editorial.schedule import publish_due_drafts

STATE_KEY = "pages:state"
# The longest kept_until_content_changes() keeps a value (a new generation replaces it sooner).
DATA_SECONDS = 3600


def next_scheduled_change():
    """When the next published item appears or leaves by its schedule, or scheduled draft
    changes go live, as a timestamp or None.

    One query however many publishable models there are: the soonest of each, in a union."""
    now = timezone.now()
    soonest = [
        model._default_manager.filter(status=Status.PUBLISHED, **{f"{name}__gt": now})
        .values("status")  # one group: the soonest moment
        .annotate(moment=Min(name))
        .order_by()
        .values_list("moment", flat=True)
        for model in apps.get_models()
        if issubclass(model, Publishable)
        for name in ("publish_at", "expire_at")
    ]
    # Draft changes scheduled over live items: one overdue (no worker ran it) is due now.
    soonest.append(
        Draft.objects.filter(state=Draft.SCHEDULED)
        .values("state")
        .annotate(moment=Min("publish_at"))
        .order_by()
        .values_list("moment", flat=True)
    )
    moments = soonest[0].union(*soonest[1:], all=True).order_by()
    moment = min(moments, default=None)
    return moment.timestamp() if moment else None


def invalidate(schedule_changed=True):
    """Make everything kept until the content changes stale, on every app server.

    The state is a new generation (a fresh number, so nothing stored before is read again) and
    the time of the next scheduled change, looked up again when a schedule may have changed.
    """
    state = cache.get(STATE_KEY)
    next_change = next_scheduled_change() if schedule_changed or state is None else state[1]
    state = (time.time_ns(), next_change)
    cache.set(STATE_KEY, state, timeout=None)
    return state


def current_state():
    """(generation, next scheduled change) — a new generation once the scheduled time has come,
    after the draft changes due by then have gone live."""
    state = cache.get(STATE_KEY)
    if state is None or (state[1] is not None and state[1] <= time.time()):
        publish_due_drafts()
        state = invalidate()
    return state


def seconds_until(next_change, longest):
    """Until the next scheduled change, and at most `longest`."""
    if next_change is None:
        return longest
    return max(0, min(longest, int(next_change - time.time())))


def kept_until_content_changes(name, compute):
    """compute(), kept in the cache until the content next changes (a new generation), for what
    many pages need that only the content decides, such as the news filters' choices."""
    generation, next_change = current_state()
    key = f"data:{generation}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=max(1, seconds_until(next_change, DATA_SECONDS)))
    return value


def kept_each_until_content_changes(name, keys, compute):
    """{key: value} for the keys, each kept in the cache until the content next changes, like
    kept_until_content_changes(); compute(missing) gives those not kept, in one call."""
    generation, next_change = current_state()
    cache_keys = {f"data:{generation}:{name}:{key}": key for key in keys}
    found = {cache_keys[k]: value for k, value in cache.get_many(list(cache_keys)).items()}
    if missing := set(keys) - set(found):
        computed = compute(missing)
        found.update(computed)
        cache.set_many(
            {k: computed[key] for k, key in cache_keys.items() if key in computed},
            timeout=max(1, seconds_until(next_change, DATA_SECONDS)),
        )
    return found


def content_changed(sender, action=None, **kwargs):
    """The receiver of post_save, post_delete and m2m_changed, for every model."""
    public = getattr(sender._meta.app_config, "public_content", False)
    if not public or sender.__name__.startswith("Historical"):
        return
    if action is not None and not action.startswith("post_"):  # m2m_changed's pre_* calls
        return
    schedule_changed = hasattr(sender, "expire_at")
    invalidate(schedule_changed)
    # Again after the commit: a page rendered in between still read the old rows.
    transaction.on_commit(lambda: invalidate(schedule_changed))
