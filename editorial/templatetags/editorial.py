from django import template
from django.urls import reverse

from editorial.models import Status
from news.models import NewsItem
from programmes.models import Programme

register = template.Library()


@register.simple_tag(takes_context=True)
def review_queue(context):
    """How many items of each kind await a publisher, for users who may view them."""
    user = context["request"].user
    queue = []
    for model in (NewsItem, Programme):
        opts = model._meta
        if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            continue
        count = model.objects.awaiting_review().count()
        if count:
            changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            queue.append(
                {
                    "name": opts.verbose_name_plural if count > 1 else opts.verbose_name,
                    "count": count,
                    "url": f"{changelist}?status__exact={Status.REVIEW}",
                }
            )
    return queue
