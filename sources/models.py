from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (model, field): content made from a document, which hides it while that content is a draft.
# The content apps add theirs from their AppConfig.ready() with register_made_from().
MADE_FROM = []


def register_made_from(model, field):
    """Show a document only once some `model` row made from it (its `field` names the document)
    is published; `model`'s queryset must have published()."""
    MADE_FROM.append((model, field))


class SourceDocumentQuerySet(models.QuerySet):
    def public(self):
        """Documents the public may read: those behind published content, and those nothing was
        made from (the reference texts). An imported document stays hidden with its draft."""
        query = Q()
        for model, field in MADE_FROM:
            made = model._default_manager.filter(**{field: OuterRef("pk")})
            query &= Exists(made.published()) | ~Exists(made)
        return self.filter(query)


class SourceDocument(models.Model):
    """A document the site's content was taken from, kept whole for provenance."""

    class Kind(models.TextChoices):
        NEWS = "news", _("News article")
        ABOUT = "about", _("About page")
        OVERVIEW = "overview", _("Regional overview")
        REPORT = "report", _("Report announcement")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    filename = models.CharField(
        _("file name"),
        max_length=200,
        unique=True,
        help_text=_("The file the text was imported from, kept for traceability."),
    )
    text = models.TextField(_("full text"), help_text=_("The document exactly as received."))
    sha256 = models.CharField(_("SHA-256 of the text"), max_length=64, editable=False)
    original_publisher = models.CharField(
        _("original publisher"),
        max_length=200,
        blank=True,
        help_text=_("For a repost: who first published the text, as the document states it."),
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    objects = SourceDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["filename"]
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("sources:detail", args=[self.slug])
