"""The rich-text editor's "Link to an item of this site": a search of every kind of item a body
may link to, in a pop-up of the admin (editorial/static/editorial/site_link.js opens it)."""

from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from editorial.richtext import linkable_models

SHOWN_PER_KIND = 8


def name_field(model):
    return "title" if any(field.name == "title" for field in model._meta.fields) else "name"


def matching(model, words):
    """The model's items whose name, in either language, holds every word (any state)."""
    base = name_field(model)
    columns = [f.name for f in model._meta.fields if f.name.startswith(f"{base}_")] or [base]
    items = model._default_manager.all()
    for word in words.split():
        query = Q()
        for column in columns:
            query |= Q(**{f"{column}__icontains": word})
        items = items.filter(query)
    return items[:SHOWN_PER_KIND]


def link_picker(request, admin_site):
    words = " ".join(request.GET.get("q", "").split())[:200]
    kinds = []
    for model in linkable_models():
        if not request.user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
            continue
        items = list(matching(model, words))
        if items:
            kinds.append((model._meta.verbose_name_plural.capitalize(), items))
    return TemplateResponse(
        request,
        "admin/editorial/link_picker.html",
        {
            **admin_site.each_context(request),
            "title": _("Link to an item of this site"),
            "is_popup": True,
            "q": words,
            "key": request.GET.get("key", "")[:12],
            "kinds": kinds,
        },
    )
