from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from editorial.models import Draft
from editorial.richtext import DATA_FILE, RichTextModelField
from images.validation import validate_image_upload


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("image tag")
        verbose_name_plural = _("image tags")

    def __str__(self):
        return self.name


class ImageQuerySet(models.QuerySet):
    def matching(self, words):
        """Images whose title, alt text or a tag holds every word."""
        images = self
        for word in words.split():
            images = images.filter(
                Q(title__icontains=word)
                | Q(alt_text_en__icontains=word)
                | Q(alt_text_ru__icontains=word)
                | Q(
                    pk__in=Image.tags.through.objects.filter(tag__name__icontains=word).values(
                        "image_id"
                    )
                )
            )
        return images


class Image(models.Model):
    """A picture in the media library: uploaded once, chosen by any number of items.

    What it shows (alt text), its caption and credit travel with it, in both languages.
    """

    file = models.ImageField(
        _("file"),
        upload_to="images/%Y/",
        width_field="width",
        height_field="height",
        validators=[validate_image_upload],
        help_text=_(
            "JPEG, PNG or WebP. Location and camera data are removed when it is saved; "
            "a large photo is scaled down."
        ),
    )
    # Kept with the row so that pages never open the original (in object storage) to size it.
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    title = models.CharField(
        _("title"),
        max_length=200,
        blank=True,
        help_text=_(
            "For finding the image in the library: readers do not see it. "
            "Left empty, it is the file's name."
        ),
    )
    alt_text = models.CharField(
        _("alt text"),
        max_length=300,
        blank=True,
        help_text=_(
            "Describe what the picture shows for people who cannot see it. "
            "Required unless the image is marked decorative."
        ),
    )
    is_decorative = models.BooleanField(
        _("decorative image"),
        default=False,
        help_text=_("Tick only if the picture adds no information: screen readers will skip it."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(
        _("credit"), max_length=200, blank=True, help_text=_('For example "Photo: UNODC".')
    )
    focal_x = models.PositiveSmallIntegerField(
        _("focal point across (%)"),
        default=50,
        validators=[MaxValueValidator(100)],
        help_text=_("Where the subject is, from the left edge: crops keep it in the picture."),
    )
    focal_y = models.PositiveSmallIntegerField(
        _("focal point down (%)"),
        default=50,
        validators=[MaxValueValidator(100)],
        help_text=_("Where the subject is, from the top edge."),
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="images")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(
        _("uploaded at"), default=timezone.now, editable=False, db_index=True
    )
    # The file and focal point the stored renditions were made for (images/tasks.py): until
    # they match the image's, pages show the stored copy itself.
    renditions_of = models.CharField(max_length=200, blank=True, editable=False)

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("image")
        verbose_name_plural = _("images")
        permissions = [("change_image_in_use", "Can change an image shown on a live page")]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if not self.is_decorative and not self.has_alt_text():
            raise ValidationError(
                {
                    "alt_text_en": _(
                        "Add alt text for the image: screen readers read it aloud. "
                        "If the picture adds no information, tick “decorative image” instead."
                    )
                }
            )

    def has_alt_text(self):
        return bool((self.alt_text_en or "").strip() or (self.alt_text_ru or "").strip())

    @property
    def shown_alt(self):
        return "" if self.is_decorative else self.alt_text

    def rendition_key(self):
        return f"{self.file.name}@{self.focal_x},{self.focal_y}"

    @property
    def has_renditions(self):
        return bool(self.file) and self.renditions_of == self.rendition_key()

    def usage(self):
        """Where the image appears: [(item, where)], where "" for an item that shows it as its
        image, "text" for one whose rich text shows it, "draft" for a draft over a live item
        that does either."""
        uses = []
        for model in image_models():
            uses += [(item, "") for item in model._default_manager.filter(image=self)]
        uses += self.text_usage()
        # A draft's content is JSON, where the quotes of the text's attribute are escaped.
        in_drafts = Q(content__fields__image_id=self.pk) | Q(
            text__contains=self.text_marker.replace('"', '\\"')
        )
        drafts = Draft.objects.annotate(text=Cast("content", models.TextField()))
        for draft in drafts.filter(in_drafts).select_related("content_type"):
            item = draft.item
            if item is not None:
                uses.append((item, "draft"))
        return uses

    def text_usage(self):
        """[(item, "text")] for the items whose rich text (a body, a description) shows it."""
        return [
            (item, "text")
            for model, fields in rich_text_models()
            for item in model._default_manager.filter(self._in_text(fields))
        ]

    @property
    def text_marker(self):
        """How rich text that shows the image names it (editorial/richtext.py)."""
        return f'{DATA_FILE}="{self.pk}"'

    def _in_text(self, fields):
        query = Q()
        for name in fields:
            query |= Q(**{f"{name}__contains": self.text_marker})
        return query

    def is_used_by_something_public(self):
        return any(
            model._default_manager.published().filter(image=self).exists()
            for model in image_models()
        ) or any(
            model._default_manager.published().filter(self._in_text(fields)).exists()
            for model, fields in rich_text_models()
        )


def rich_text_models():
    """[(model, names of its rich-text fields)] for the public models whose texts may show
    library images (each language's column)."""
    found = []
    for model in apps.get_models():
        fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, RichTextModelField) and getattr(field, "language", None)
        ]
        if fields and hasattr(model._default_manager, "published"):
            found.append((model, fields))
    return found


def image_models():
    """The models whose items choose an image from the library (news, programmes, pages)."""
    return [model for model in apps.get_models() if issubclass(model, HasImage)]


class HasImage(models.Model):
    image = models.ForeignKey(
        Image,
        verbose_name=_("image"),
        null=True,
        blank=True,
        # An image in use is never deleted from under a page (the library's delete says where).
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Choose one from the library, or upload a new one there."),
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        # Library images are saved with alt text; those moved in from older items may lack it.
        image = self.image if self.image_id else None
        if image and not image.is_decorative and not image.has_alt_text():
            raise ValidationError(
                {
                    "image": _(
                        "Add alt text for the image in the library (screen readers read it "
                        "aloud), or mark it decorative there, then save this again."
                    )
                }
            )
