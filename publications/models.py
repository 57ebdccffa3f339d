"""Publications: reports and studies, each with an HTML version (the body) and up to one file
per language (PDF, Word or Excel), under the same workflow as everything else the public reads.

The files are FileFields on the publication, so a new file is part of a draft like any other
field; what the site learns of a file (its format, size, pages, text, cover) is a
PublicationFile row keyed by the file's stored name, filled by a background task
(publications/tasks.py), so it follows the file wherever the name goes: a draft, the live row,
a revision (docs/publications.md).
"""

import secrets
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from editorial.models import SLUG_HELP, Publishable, PublishableQuerySet
from editorial.richtext import RichTextField
from images.models import HasImage
from programmes.models import Office, Programme, public_links
from publications.storage import private_storage
from publications.validation import validate_isbn
from search.queries import SearchQuerySet
from sources.models import SourceDocument

LANGUAGES = [code for code, _name in settings.LANGUAGES]


class FileFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", _("Word (DOCX)")
    XLSX = "xlsx", _("Excel (XLSX)")


CONTENT_TYPES = {
    FileFormat.PDF: "application/pdf",
    FileFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def file_path(language, filename):
    # A random folder: a stored name says nothing of the publication and cannot be guessed.
    extension = PurePath(filename).suffix.lower()
    return f"publications/{secrets.token_urlsafe(16)}/{language}{extension}"


def english_file_path(instance, filename):
    return file_path("en", filename)


def russian_file_path(instance, filename):
    return file_path("ru", filename)


class PublicationQuerySet(PublishableQuerySet, SearchQuerySet):
    # The files' text counts least: a word in the title or the summary ranks first.
    searched_fields = {"title": "A", "summary": "B", "body": "C", "file_text": "D"}

    def for_listing(self):
        return self.prefetch_related(*public_links("countries"))

    def for_detail(self):
        return self.select_related("image").prefetch_related(
            *public_links("countries", "thematic_areas"),
            models.Prefetch("programmes", queryset=Programme.objects.published()),
            models.Prefetch("sources", queryset=SourceDocument.objects.public()),
        )


class PublicationManager(models.Manager.from_queryset(PublicationQuerySet)):
    def get_queryset(self):
        # The files' text is for the search (which reads it in the database) and the API's
        # record: a 300-page report's is some hundreds of kilobytes, not for every list.
        return super().get_queryset().defer("file_text", "file_text_en", "file_text_ru")


class Publication(Publishable, HasImage):
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, help_text=SLUG_HELP)
    date = models.DateField(
        _("publication date"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("When it was published. Empty if the document gives no date."),
    )
    summary = models.TextField(
        _("summary"), help_text=_("One or two sentences shown in lists and search results.")
    )
    body = RichTextField(
        _("HTML version"),
        blank=True,
        help_text=_("The text of the publication as a web page: readable without a download."),
    )
    countries = models.ManyToManyField(
        "programmes.Country", blank=True, related_name="publications", verbose_name=_("countries")
    )
    programmes = models.ManyToManyField(
        "programmes.Programme",
        blank=True,
        related_name="publications",
        verbose_name=_("programmes"),
    )
    thematic_areas = models.ManyToManyField(
        "programmes.ThematicArea",
        blank=True,
        related_name="publications",
        verbose_name=_("thematic areas"),
    )
    document_symbol = models.CharField(
        _("document symbol"),
        max_length=100,
        blank=True,
        help_text=_("The UN document symbol, if it has one, e.g. UNODC/ROCA/2018/1."),
    )
    isbn = models.CharField(
        _("ISBN"),
        max_length=20,
        blank=True,
        validators=[validate_isbn],
        help_text=_("ISBN-10 or ISBN-13, with or without hyphens."),
    )
    sources = models.ManyToManyField(
        "sources.SourceDocument", blank=True, related_name="+", verbose_name=_("sources")
    )
    accessible_format_email = models.EmailField(
        _("e-mail for accessible formats"),
        blank=True,
        help_text=_(
            "Where readers ask for a file in an accessible format. Empty: the regional "
            "office's e-mail."
        ),
    )
    file_en = models.FileField(
        _("file in English"),
        storage=private_storage,
        upload_to=english_file_path,
        max_length=200,
        blank=True,
        help_text=_("PDF, Word (.docx) or Excel (.xlsx). Public only once the publication is."),
    )
    file_en_accessible = models.BooleanField(
        _("the English file is accessible"),
        default=False,
        help_text=_(
            "Tick only if it was checked (tagged PDF, headings, alt text). Otherwise the page "
            "offers to send an accessible format on request."
        ),
    )
    file_ru = models.FileField(
        _("file in Russian"),
        storage=private_storage,
        upload_to=russian_file_path,
        max_length=200,
        blank=True,
        help_text=_("PDF, Word (.docx) or Excel (.xlsx). Public only once the publication is."),
    )
    file_ru_accessible = models.BooleanField(_("the Russian file is accessible"), default=False)
    # The text of each language's file, for the search: copied from its PublicationFile by
    # save() and by the task that reads the file, never typed.
    file_text = models.TextField(_("text of the file"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PublicationManager()

    class Meta:
        ordering = [models.F("date").desc(nulls_last=True), "-id"]
        permissions = [("publish_publication", "Can publish, unpublish and schedule publications")]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The search reads the live files' text: a draft going live brings its file's.
        texts = dict(
            PublicationFile.objects.filter(
                name__in=[self.stored_file(code).name for code in LANGUAGES]
            ).values_list("name", "text")
        )
        for code in LANGUAGES:
            setattr(self, f"file_text_{code}", texts.get(self.stored_file(code).name, ""))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("publications:detail", args=[self.slug])

    def stored_file(self, language):
        return getattr(self, f"file_{language}")

    def files(self):
        """[PublicationFile] of each language that has a file, English first, each with
        `language`, `accessible` and `url` (the download address)."""
        names = {code: self.stored_file(code).name for code in LANGUAGES}
        known = getattr(self, "_file_details", None)
        if known is None:
            known = file_details_of([self])
        found = []
        for code, name in names.items():
            if not name:
                continue
            details = known.get(name) or PublicationFile(name=name, format=format_of(name))
            details.language = code
            details.accessible = getattr(self, f"file_{code}_accessible")
            details.url = reverse("publications:file", args=[self.slug, code])
            found.append(details)
        return found

    def accessible_format_contact(self):
        """The e-mail for accessible formats: the publication's, else the regional office's
        (if it gives one), else empty."""
        if self.accessible_format_email:
            return self.accessible_format_email
        return (
            Office.objects.published()
            .filter(kind=Office.Kind.REGIONAL)
            .exclude(email="")
            .values_list("email", flat=True)
            .first()
            or ""
        )


def file_details_of(publications):
    """{stored name: PublicationFile} of the publications' files, in one query."""
    names = [
        publication.stored_file(code).name for publication in publications for code in LANGUAGES
    ]
    return {d.name: d for d in PublicationFile.objects.filter(name__in=[n for n in names if n])}


def attach_files(publications):
    """Read the files of many publications at once: files() then makes no query."""
    known = file_details_of(publications)
    for publication in publications:
        publication._file_details = known
    return publications


def format_of(name):
    extension = PurePath(name).suffix.lower().lstrip(".")
    return extension if extension in FileFormat.values else ""


class PublicationFile(models.Model):
    """What the site knows of one stored file, by its name in the private storage: the format
    and size (from the upload's check), and the pages, text and cover the task reads from it."""

    name = models.CharField(_("stored name"), max_length=200, unique=True)
    format = models.CharField(_("format"), max_length=10, choices=FileFormat.choices)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    cover = models.FileField(_("cover"), storage=private_storage, max_length=200, blank=True)
    cover_height = models.PositiveIntegerField(_("cover height in pixels"), null=True, blank=True)
    read_at = models.DateTimeField(
        _("read at"), null=True, blank=True, help_text=_("When the task read its text.")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("publication file")
        verbose_name_plural = _("publication files")

    def __str__(self):
        return self.name

    @property
    def content_type(self):
        return CONTENT_TYPES.get(self.format, "application/octet-stream")
