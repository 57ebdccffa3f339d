"""Addresses that keep working: when something public changes its address (a new slug), the old
address redirects to the new one in every language; when it leaves the site (unpublished,
deleted), its address answers 410 Gone, or leads where an editor points it.

A content app registers each model with a public page from its AppConfig.ready():
keep_addresses(Model). Only a 404 consults the redirects (RedirectMiddleware), so a live page
is never redirected; an item whose schedule ended answers 410 through GoneWhenExpiredMixin.
"""

from django.conf import settings
from django.db.models.signals import post_save, pre_delete, pre_save
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.utils import timezone, translation

from editorial.models import AuditEntry, Publishable, Redirect, Status

MAX_PATH_LENGTH = Redirect._meta.get_field("old_path").max_length


def public_addresses(model, pk):
    """{language: path} of the stored row's public page; {} if the public cannot see it."""
    if pk is None:
        return {}
    rows = model._default_manager.filter(pk=pk)
    if issubclass(model, Publishable):
        rows = rows.at_their_address()
    row = rows.first()
    if row is None:
        return {}
    addresses = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            addresses[language] = row.get_absolute_url()
    return addresses


def in_language(path, language):
    """The same page in another language: /en/news/x/ → /ru/news/x/ (other paths as they are)."""
    for code, _name in settings.LANGUAGES:
        if path.startswith(f"/{code}/"):
            return f"/{language}/{path.removeprefix(f'/{code}/')}"
    return path


# {model: a function of a row giving the rows whose addresses follow from its own}
DEPENDENTS = {}


def remember_addresses(sender, instance, raw=False, **kwargs):
    instance._addresses_before_save = {} if raw else public_addresses(sender, instance.pk)
    dependents = DEPENDENTS.get(sender)
    instance._dependent_addresses = (
        {row.pk: public_addresses(sender, row.pk) for row in dependents(instance)}
        if dependents and instance.pk and not raw
        else {}
    )


def follow_addresses(sender, instance, raw=False, **kwargs):
    if raw:
        return
    follow(getattr(instance, "_addresses_before_save", {}), public_addresses(sender, instance.pk))
    for pk, before in getattr(instance, "_dependent_addresses", {}).items():
        follow(before, public_addresses(sender, pk))


def follow(before, after):
    """Redirect each old address (by language) to the new one, or mark it gone."""
    # A live address is no longer an old one (a slug given back, an item published again).
    Redirect.objects.filter(old_path__in=after.values()).delete()
    for language, old in before.items():
        new = after.get(language)
        if new == old:
            continue
        if new:
            redirect, _created = Redirect.objects.update_or_create(
                old_path=old, defaults={"new_path": new, "automatic": True}
            )
            AuditEntry.record(AuditEntry.Action.REDIRECT_CREATED, redirect, detail=str(redirect))
        else:
            gone(old)


def addresses_gone(sender, instance, **kwargs):
    for old in public_addresses(sender, instance.pk).values():
        gone(old)


def gone(path):
    # A redirect an editor set for the address stays.
    redirect, created = Redirect.objects.get_or_create(
        old_path=path, defaults={"new_path": "", "automatic": True}
    )
    if created:
        AuditEntry.record(AuditEntry.Action.REDIRECT_CREATED, redirect, detail=str(redirect))


def keep_addresses(model, dependents=None):
    """Keep the model's old addresses working; `dependents(row)`: the rows whose addresses
    include the row's (the pages under a page), followed as well."""
    if dependents is not None:
        DEPENDENTS[model] = dependents
    uid = f"addresses-{model._meta.label}"
    pre_save.connect(remember_addresses, sender=model, dispatch_uid=uid)
    post_save.connect(follow_addresses, sender=model, dispatch_uid=uid)
    pre_delete.connect(addresses_gone, sender=model, dispatch_uid=uid)


def gone_page(request):
    return render(request, "410.html", status=410)


def redirect_for(request):
    """The answer a redirect gives at this address (301, or 410 if gone), or None."""
    # What no redirect can hold is not looked up (PostgreSQL refuses a NUL in a query).
    if "\x00" in request.path or len(request.path) > MAX_PATH_LENGTH:
        return None
    new_path = (
        Redirect.objects.filter(old_path=request.path).values_list("new_path", flat=True).first()
    )
    if new_path is None:
        return None
    if not new_path:
        return gone_page(request)
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{new_path}?{query}" if query else new_path)


class RedirectMiddleware:
    """A page not found is looked up among the redirects last, as Django's
    RedirectFallbackMiddleware does."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        return redirect_for(request) or response


class GoneWhenExpiredMixin:
    """A DetailView of a Publishable model whose published item's schedule ended: 410 (or the
    redirect an editor set), not 404, since the page was public."""

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            expired = self.get_queryset().model._default_manager.filter(
                **{self.slug_field: kwargs.get(self.slug_url_kwarg)},
                status=Status.PUBLISHED,
                expire_at__lte=timezone.now(),
            )
            if expired.exists():
                return redirect_for(request) or gone_page(request)
            raise
