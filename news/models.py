import datetime

from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from editorial.models import SLUG_HELP, Publishable, PublishableQuerySet
from editorial.richtext import RichTextField
from images.models import HasImage
from programmes.models import Programme, public_links
from search.indexes import PostgreSQLOnlyIndex, SearchVectorIndex, stored_search_vector
from search.queries import SearchQuerySet


class ListOrderIndex(PostgreSQLOnlyIndex, models.Index):
    """An index in the lists' order, made on PostgreSQL only: SQLite (for development) cannot
    index NULLS LAST."""


class NewsItemQuerySet(PublishableQuerySet, SearchQuerySet):
    searched_fields = {"title": "A", "summary": "B", "body": "C"}

    def for_listing(self):
        return self.prefetch_related(*public_links("countries"))

    def for_detail(self):
        return self.select_related("source", "image").prefetch_related(
            *public_links("countries", "thematic_areas"),
            models.Prefetch("programmes", queryset=Programme.objects.published()),
        )


class NewsItemManager(models.Manager.from_queryset(NewsItemQuerySet)):
    def get_queryset(self):
        # The search vectors are read by PostgreSQL only (search()): loading them with
        # every item would about double what a list, a feed or an export reads.
        return super().get_queryset().defer("search_en", "search_ru")


class NewsItem(Publishable, HasImage):
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        help_text=SLUG_HELP,
    )
    date = models.DateField(
        _("date"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("When it happened or was first published. Empty if the source gives none."),
    )
    summary = models.TextField(
        _("summary"), help_text=_("One or two sentences shown in lists and search results.")
    )
    body = RichTextField(_("body"))
    countries = models.ManyToManyField(
        "programmes.Country",
        blank=True,
        related_name="news_items",
        verbose_name=_("countries"),
    )
    programmes = models.ManyToManyField(
        "programmes.Programme",
        blank=True,
        related_name="news_items",
        verbose_name=_("programmes"),
    )
    thematic_areas = models.ManyToManyField(
        "programmes.ThematicArea",
        blank=True,
        related_name="news_items",
        verbose_name=_("thematic areas"),
    )
    source = models.ForeignKey(
        "sources.SourceDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="news_items",
        verbose_name=_("source document"),
        help_text=_("The document this item was imported from, if any."),
    )
    original_publisher = models.CharField(
        _("original publisher"),
        max_length=200,
        blank=True,
        help_text=_("For a repost: who first published this story."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Kept in the row (STORAGE MAIN, set by migration 0011): a migration that re-creates these
    # columns must set it again.
    search_en = stored_search_vector(
        NewsItemQuerySet.searched_fields, "en", _("words searched on English pages")
    )
    search_ru = stored_search_vector(
        NewsItemQuerySet.searched_fields, "ru", _("words searched on Russian pages")
    )

    public_url_name = "news:detail"

    objects = NewsItemManager()

    class Meta:
        ordering = [models.F("date").desc(nulls_last=True), "-id"]
        indexes = [
            models.Index(fields=["status", "-date"], name="news_status_date_idx"),
            # The order of every list (newest first, undated last): a page is read off the
            # index instead of sorting every published item.
            ListOrderIndex(F("date").desc(nulls_last=True), F("id").desc(), name="news_order_idx"),
            SearchVectorIndex(fields=["search_en"], name="news_search_en_idx"),
            SearchVectorIndex(fields=["search_ru"], name="news_search_ru_idx"),
        ]
        permissions = [("publish_newsitem", "Can publish, unpublish and schedule news items")]
        verbose_name = _("news item")
        verbose_name_plural = _("news items")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("news:detail", args=[self.slug])

    @property
    def updated_for_readers(self):
        """The feeds', sitemap's and API's "updated": the last major change, else publication
        (a minor change is silent; HTTP's Last-Modified still follows every save)."""
        if self.last_major_change_at:
            return self.last_major_change_at
        if self.date:
            return datetime.datetime.combine(
                self.date, datetime.time(), tzinfo=timezone.get_current_timezone()
            )
        return self.created_at

    def source_documents(self):
        return [self.source] if self.source else []
