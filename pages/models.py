"""The pages editors own (About, Contact, Partners and donors, Vacancies, …): a small tree, at
most three levels deep, each page at the address its place in the tree gives (/en/contact/,
/en/about/partners/); and the links of the main menu and the footer. Both go through the same
workflow as everything else the public reads."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from editorial.models import SLUG_HELP, Publishable, PublishableQuerySet, is_site_path
from editorial.richtext import RichTextField
from images.models import HasImage
from search.queries import SearchQuerySet

MAX_DEPTH = 3


class PageQuerySet(PublishableQuerySet, SearchQuerySet):
    searched_fields = {"title": "A", "summary": "B", "body": "C"}

    def with_ancestors(self):
        return self.select_related("parent__parent")

    def link_targets(self):
        return self.reachable().with_ancestors()

    def at_path(self, path):
        """The page at `about/partners` (any state), or None."""
        slugs = path.strip("/").split("/")
        if not 1 <= len(slugs) <= MAX_DEPTH:
            return None
        lookup = {"slug": slugs[-1]}
        above = "parent"
        for slug in reversed(slugs[:-1]):
            lookup[f"{above}__slug"] = slug
            above += "__parent"
        lookup[f"{above}__isnull"] = True
        return self.filter(**lookup).first()

    def at_public_path(self, path):
        """The page at this path ("about/partners") whose pages above are at their addresses
        too, or None: what the public may open there."""
        slugs = path.split("/")
        if len(slugs) > MAX_DEPTH:
            return None
        for page in self.with_ancestors().filter(slug=slugs[-1]):
            ancestors = page.ancestors()
            if [p.slug for p in ancestors] == slugs[:-1] and all(
                p.is_at_its_address for p in ancestors
            ):
                return page
        return None

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

    public_url_name = "pages:detail"

    @classmethod
    def from_public_url(cls, kwargs):
        return cls.objects.at_path(kwargs["path"])

    @classmethod
    def from_unresolved_path(cls, path):
        return cls.objects.at_path(path)

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


def https_address(value):
    """True for an https:// address of another site, such as a social account's."""
    if not value.startswith("https://") or any(c.isspace() or ord(c) < 32 for c in value):
        return False
    try:
        URLValidator(schemes=["https"])(value)
    except ValidationError:
        return False
    return True


class MenuItemQuerySet(PublishableQuerySet):
    def shown(self):
        """The published items the public sees: those leading to a page only if the page can
        be opened."""
        return (
            self.published()
            .filter(Q(page=None) | Q(page__in=Page.objects.reachable()))
            .select_related("page__parent__parent")
        )


class MenuItem(Publishable):
    """A link of the main menu or the footer, edited and published as everything else."""

    class Menu(models.TextChoices):
        MAIN = "main", _("Main menu")
        FOOTER = "footer", _("Footer")
        LEGAL = "legal", _("Footer: legal notices")
        SOCIAL = "social", _("Footer: social media accounts")

    menu = models.CharField(_("menu"), max_length=10, choices=Menu.choices, db_index=True)
    label = models.CharField(
        _("label"), max_length=60, help_text=_("The link's words, short: “News”, “About”.")
    )
    page = models.ForeignKey(
        Page,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="menu_items",
        verbose_name=_("page"),
        help_text=_(
            "A page of the site: the link follows it if its address changes, and is hidden "
            "while the page is not public. Or give an address below, not both."
        ),
    )
    url = models.CharField(
        _("address"),
        max_length=300,
        blank=True,
        help_text=_(
            "A path of this site as the English page shows it in the address bar, such as "
            "/en/news/ (Russian readers get /ru/news/); or, for a social media account, an "
            "address starting with https://."
        ),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("The links of a menu are listed by this.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MenuItemQuerySet.as_manager()

    class Meta:
        ordering = ["menu", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(page__isnull=False, url="") | (Q(page__isnull=True) & ~Q(url="")),
                name="menu_item_leads_to_a_page_or_an_address",
            ),
        ]
        permissions = [("publish_menuitem", "Can publish, unpublish and schedule menu links")]
        verbose_name = _("menu link")
        verbose_name_plural = _("menu links")

    def __str__(self):
        return f"{self.get_menu_display()}: {self.label}"

    def clean(self):
        super().clean()
        self.url = self.url.strip()
        if self.page_id and self.url:
            raise ValidationError(_("Give a page or an address, not both."))
        if not self.page_id and not self.url:
            raise ValidationError(_("Choose the page the link leads to, or give its address."))
        if not self.url:
            return
        if self.menu == self.Menu.SOCIAL:
            if not https_address(self.url):
                raise ValidationError(
                    {
                        "url": _(
                            "A social media account's address starts with https://, such as "
                            "https://x.com/unodc_roca."
                        )
                    }
                )
        elif not (is_site_path(self.url) or https_address(self.url)):
            raise ValidationError(
                {
                    "url": _(
                        "Give a path of this site starting with one “/”, such as /en/news/, or "
                        "another site's address starting with https://."
                    )
                }
            )

    @property
    def is_external(self):
        return not self.page_id and not is_site_path(self.url)

    def address(self, language):
        """Where the link leads, for readers of `language`: a path of the site given in one
        language (/en/news/) leads to its twin in the other (/ru/news/)."""
        if self.page_id:
            with translation.override(language):
                return self.page.get_absolute_url()
        given_in = is_site_path(self.url) and translation.get_language_from_path(self.url)
        if not given_in:
            return self.url
        with translation.override(given_in):  # the address resolves in its own language
            return translate_url(self.url, language)
