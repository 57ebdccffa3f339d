from django import template
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count

from editorial.dashboard import dashboard
from editorial.models import Draft, Publishable, Status

register = template.Library()


@register.simple_tag(takes_context=True)
def review_queue(context):
    """How many items of each publishable kind await a publisher, among the models the admin
    index lists for this user (so the shared app needs to know no content model). The drafts
    in review are counted in one query for all of them."""
    queue = []
    drafts = dict(
        Draft.objects.filter(state=Status.REVIEW)
        .values("content_type")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("content_type", "count")
    )
    for app in context["available_apps"]:
        for entry in app["models"]:
            model = entry["model"]
            if not (issubclass(model, Publishable) and entry["perms"].get("view")):
                continue
            kind = ContentType.objects.get_for_model(model).pk
            count = model._default_manager.filter(status=Status.REVIEW).count()
            count += drafts.get(kind, 0)
            if count:
                opts = model._meta
                queue.append(
                    {
                        "name": opts.verbose_name_plural if count > 1 else opts.verbose_name,
                        "count": count,
                        "url": f"{entry['admin_url']}?work={Status.REVIEW}",
                    }
                )
    return queue


@register.simple_tag(takes_context=True)
def editorial_dashboard(context):
    """The admin home's sections (editorial/dashboard.py) for the models it lists for this user."""
    return dashboard(context["request"], context["available_apps"])
