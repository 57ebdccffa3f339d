from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def validate_image_size(image):
    limit = settings.MAX_IMAGE_UPLOAD_BYTES
    if image.size > limit:
        raise ValidationError(
            _("This image is %(size)s; the limit is %(limit)s. Save it smaller and try again."),
            params={"size": filesizeformat(image.size), "limit": filesizeformat(limit)},
        )


class NewsItemQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: every page, list, feed and sitemap goes through this."""
        return self.filter(status=NewsItem.Status.PUBLISHED)

    def for_listing(self):
        return self.prefetch_related("countries")


class NewsItem(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        help_text=_("The last part of the page address. Filled in from the title."),
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
    body = models.TextField(_("body"), help_text=_("Separate paragraphs with an empty line."))
    countries = models.ManyToManyField(
        "programmes.Country", blank=True, related_name="news_items", verbose_name=_("countries")
    )
    programmes = models.ManyToManyField(
        "programmes.Programme", blank=True, related_name="news_items", verbose_name=_("programmes")
    )
    thematic_areas = models.ManyToManyField(
        "programmes.ThematicArea",
        blank=True,
        related_name="news_items",
        verbose_name=_("thematic areas"),
    )
    image = models.ImageField(
        _("image"),
        upload_to="news/%Y/",
        blank=True,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"]), validate_image_size],
        help_text=_("JPEG, PNG or WebP."),
    )
    image_alt = models.CharField(
        _("image alt text"),
        max_length=300,
        blank=True,
        help_text=_("Describe the picture for people who cannot see it. Required with an image."),
    )
    image_credit = models.CharField(_("image credit"), max_length=200, blank=True)
    source = models.ForeignKey(
        "sources.SourceDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="news_items",
        verbose_name=_("source document"),
    )
    original_publisher = models.CharField(
        _("original publisher"),
        max_length=200,
        blank=True,
        help_text=_("For a repost: who first published this story."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = NewsItemQuerySet.as_manager()

    class Meta:
        ordering = [models.F("date").desc(nulls_last=True), "-id"]
        indexes = [models.Index(fields=["status", "-date"], name="news_status_date_idx")]
        verbose_name = _("news item")
        verbose_name_plural = _("news items")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("news:detail", args=[self.slug])

    def clean(self):
        if self.image and not self.image_alt.strip():
            raise ValidationError(
                {"image_alt": _("Add alt text for the image: screen readers read it aloud.")}
            )

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    def source_documents(self):
        return [self.source] if self.source else []
