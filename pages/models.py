"""The pages editors own (About, Contact, Partners and donors, Vacancies, …): a small tree, at
most three levels deep, each page at the address its place in the tree gives (/en/contact/,
/en/about/partners/), under the same workflow as everything else the public reads."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext_lazy as _

from editorial.models import SLUG_HELP, Publishable, PublishableQuerySet
from editorial.richtext import RichTextField
from images.models import HasImage
from search.queries import SearchQuerySet

MAX_DEPTH = 3


class PageQuerySet(PublishableQuerySet, SearchQuerySet):
    searched_fields = {"title": "A", "summary": "B", "body": "C"}

    def with_ancestors(self):
        return self.select_related("parent__parent")

    def reachable(self):
        """The published pages whose parent and grandparent (if any) are published too: the
        pages the public can open."""
        published = Page.objects.published()
        return self.published().filter(
            Q(parent=None) | Q(parent__in=published),
            Q(parent__parent=None) | Q(parent__parent__in=published),
        )


class Page(Publishable, HasImage):
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent page"),
        help_text=_(
            "Empty: a page of its own at the top (/en/contact/). A page under another takes "
            "its address after it (/en/about/partners/). At most three levels."
        ),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, help_text=SLUG_HELP)
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("One or two sentences: the page's lead paragraph.")
    )
    body = RichTextField(_("body"), blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Pages under the same parent are listed by this.")
    )
    sources = models.ManyToManyField(
        "sources.SourceDocument", blank=True, related_name="+", verbose_name=_("sources")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "slug"], name="page_slug_among_siblings"),
            models.UniqueConstraint(
                fields=["slug"], condition=Q(parent__isnull=True), name="top_page_slug"
            ),
        ]
        permissions = [("publish_page", "Can publish, unpublish and schedule pages")]
        verbose_name = _("page")
        verbose_name_plural = _("pages")

    def __str__(self):
        return self.title

    def ancestors(self):
        """The pages above this one, the top one first."""
        chain, page = [], self.parent
        while page is not None and len(chain) < MAX_DEPTH:
            chain.insert(0, page)
            page = page.parent
        return chain

    def descendants(self):
        """The pages below this one (two levels at most)."""
        return Page.objects.filter(Q(parent=self) | Q(parent__parent=self))

    @property
    def path(self):
        return "/".join([*(page.slug for page in self.ancestors()), self.slug])

    def get_absolute_url(self):
        return reverse("pages:detail", args=[self.path])

    def clean(self):
        super().clean()
        above = self.ancestors()
        if self.pk and any(page.pk == self.pk for page in above):
            raise ValidationError({"parent": _("A page cannot be placed under itself.")})
        if len(above) >= MAX_DEPTH:
            raise ValidationError(
                {"parent": _("Pages go at most three levels deep: choose a higher parent.")}
            )
        if self.parent_id is None and self.slug and self.takes_a_sections_address():
            raise ValidationError(
                {"slug": _("This address belongs to a section of the site: choose another slug.")}
            )

    def takes_a_sections_address(self):
        """True if /en/<slug>/ is already another part of the site (news, search, …), or
        another page's."""
        try:
            resolve(f"/en/{self.slug}/")
        except Resolver404:
            return False
        return not Page.objects.filter(pk=self.pk, parent=None, slug=self.slug).exists()
