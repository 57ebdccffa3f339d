from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from editorial.models import SLUG_HELP, Publishable, PublishableQuerySet
from editorial.richtext import RichTextField
from images.models import HasImage
from search.indexes import SearchVectorIndex, search_vector
from search.queries import SearchQuerySet

YEAR_VALIDATORS = [MinValueValidator(1945), MaxValueValidator(2100)]
PHONE_VALIDATOR = RegexValidator(
    r"^\+[0-9][0-9 ()\-]{5,30}$",
    _("Give the number in international form, with its country code: +998 71 120 80 50."),
)


class ThematicAreaQuerySet(PublishableQuerySet):
    pass


class ThematicArea(Publishable):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Areas are listed in this order, lowest first.")
    )
    sources = models.ManyToManyField(
        "sources.SourceDocument", blank=True, related_name="+", verbose_name=_("sources")
    )

    objects = ThematicAreaQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        permissions = [
            ("publish_thematicarea", "Can publish, unpublish and schedule thematic areas")
        ]
        verbose_name = _("thematic area")
        verbose_name_plural = _("thematic areas")

    def __str__(self):
        return self.name


class CountryQuerySet(PublishableQuerySet, SearchQuerySet):
    searched_fields = {"name": "A", "description": "C"}

    def covered(self):
        return self.filter(covered_by_roca=True)

    def by_sub_region(self):
        """Central Asia first, then the South Caucasus, then the rest; by name within each."""
        order = models.Case(
            *(
                models.When(sub_region=value, then=position)
                for position, value in enumerate(Country.SubRegion.values)
            )
        )
        return self.order_by(order, "name")


class Country(Publishable):
    class SubRegion(models.TextChoices):
        CENTRAL_ASIA = "central-asia", _("Central Asia")
        SOUTH_CAUCASUS = "south-caucasus", _("South Caucasus")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100, unique=True)
    iso_code = models.CharField(
        _("ISO code"),
        max_length=2,
        unique=True,
        help_text=_("Two-letter ISO 3166-1 code in capitals, for example KZ."),
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True, help_text=SLUG_HELP)
    sub_region = models.CharField(_("sub-region"), max_length=20, choices=SubRegion.choices)
    covered_by_roca = models.BooleanField(
        _("covered by the Regional Office"),
        default=False,
        help_text=_("Tick if the Regional Office for Central Asia works in this country."),
    )
    description = models.TextField(_("description"), blank=True)
    sources = models.ManyToManyField(
        "sources.SourceDocument", blank=True, related_name="+", verbose_name=_("sources")
    )

    public_url_name = "programmes:country_detail"

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        permissions = [("publish_country", "Can publish, unpublish and schedule countries")]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programmes:country_detail", args=[self.slug])

    def clean(self):
        super().clean()
        if self.iso_code and not (len(self.iso_code) == 2 and self.iso_code.isalpha()):
            raise ValidationError(
                {"iso_code": _("Enter the two-letter ISO 3166-1 code, for example KZ.")}
            )
        self.iso_code = self.iso_code.upper()


class OfficeQuerySet(PublishableQuerySet, SearchQuerySet):
    searched_fields = {"name": "A", "city": "B", "description": "C"}


class Office(Publishable):
    class Kind(models.TextChoices):
        REGIONAL = "regional", _("Regional office")
        PROGRAMME = "programme", _("Programme office")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, help_text=SLUG_HELP)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    city = models.CharField(
        _("city"), max_length=100, blank=True, help_text=_("Leave empty if no source names it.")
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="offices", verbose_name=_("country")
    )
    year_established = models.PositiveSmallIntegerField(
        _("year established"),
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text=_("Leave empty if no source gives the year."),
    )
    is_open = models.BooleanField(_("open"), default=True)
    description = models.TextField(_("description"), blank=True)
    # Contacts: empty until an editor fills them in (the source documents give none).
    street_address = models.TextField(
        _("street address"),
        blank=True,
        help_text=_("As on an envelope, one line each: street and building, city and postcode."),
    )
    postal_address = models.TextField(
        _("postal address"),
        blank=True,
        help_text=_("Only if letters go somewhere other than the street address."),
    )
    phone = models.CharField(
        _("phone"),
        max_length=40,
        blank=True,
        validators=[PHONE_VALIDATOR],
        help_text=_("In international form, with its country code: +998 71 120 80 50."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    opening_hours = models.CharField(
        _("opening hours"),
        max_length=200,
        blank=True,
        help_text=_("In words, e.g. “Monday to Friday, 9:00–18:00”."),
    )
    head_of_office = models.CharField(
        _("head of office"),
        max_length=200,
        blank=True,
        help_text=_("Name and title, as the office wants them shown."),
    )
    sources = models.ManyToManyField(
        "sources.SourceDocument", blank=True, related_name="+", verbose_name=_("sources")
    )

    public_url_name = "programmes:office_detail"

    objects = OfficeQuerySet.as_manager()

    class Meta:
        ordering = [
            "-kind",
            "name",
        ]  # "regional" sorts after "programme": the regional office first
        permissions = [("publish_office", "Can publish, unpublish and schedule offices")]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programmes:office_detail", args=[self.slug])

    @property
    def has_contacts(self):
        return any(
            (self.street_address, self.postal_address, self.phone, self.email, self.opening_hours)
        )

    @property
    def phone_link(self):
        """The phone as a tel: address (the digits after the +)."""
        return "tel:+" + "".join(character for character in self.phone if character.isdigit())


def public_links(*names):
    """Prefetches of the named links (countries, thematic_areas, offices) that a public page
    may show: the published rows only, never a draft or a withdrawn one."""
    models_by_link = {"countries": Country, "thematic_areas": ThematicArea, "offices": Office}
    return [
        models.Prefetch(name, queryset=models_by_link[name].objects.published()) for name in names
    ]


class ProgrammeQuerySet(PublishableQuerySet, SearchQuerySet):
    searched_fields = {"title": "A", "vision": "B", "description": "C"}

    def with_related(self):
        return self.prefetch_related(*public_links("countries", "thematic_areas"))


class Programme(Publishable, HasImage):
    class Phase(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, help_text=SLUG_HELP)
    start_year = models.PositiveSmallIntegerField(_("start year"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("end year"), validators=YEAR_VALIDATORS)
    budget_usd = models.DecimalField(
        _("budget (USD)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Whole programme budget in US dollars. Leave empty if no source gives it."),
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    launched_on = models.DateField(_("launched on"), null=True, blank=True)
    date_note = models.CharField(
        _("note on dates"),
        max_length=300,
        blank=True,
        help_text=_("What the source says when it gives no exact date."),
    )
    vision = models.TextField(_("vision or summary"), blank=True)
    description = RichTextField(_("description"), blank=True)
    countries = models.ManyToManyField(
        Country, blank=True, related_name="programmes", verbose_name=_("countries")
    )
    thematic_areas = models.ManyToManyField(
        ThematicArea, blank=True, related_name="programmes", verbose_name=_("thematic areas")
    )
    sources = models.ManyToManyField(
        "sources.SourceDocument", blank=True, related_name="+", verbose_name=_("sources")
    )

    public_url_name = "programmes:detail"

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["-start_year", "title"]
        indexes = [
            SearchVectorIndex(
                search_vector(ProgrammeQuerySet.searched_fields, "en"),
                name="programme_search_en_idx",
            ),
            SearchVectorIndex(
                search_vector(ProgrammeQuerySet.searched_fields, "ru"),
                name="programme_search_ru_idx",
            ),
        ]
        permissions = [("publish_programme", "Can publish, unpublish and schedule programmes")]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programmes:detail", args=[self.slug])

    def clean(self):
        super().clean()
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("The end year cannot be before the start year.")})

    @property
    def phase(self):
        """Planned, active or completed: derived from the years, never stored; a programme runs
        to the end of its end year. (Its publishing state is `status`.)"""
        year = timezone.localdate().year
        if year < self.start_year:
            return self.Phase.PLANNED
        if year > self.end_year:
            return self.Phase.COMPLETED
        return self.Phase.ACTIVE

    def get_phase_display(self):
        return self.phase.label

    @property
    def period(self):
        return f"{self.start_year}–{self.end_year}"


class Signatory(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="signatories", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title or function"), max_length=300)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("country represented"),
    )
    organisation = models.CharField(
        _("organisation"),
        max_length=200,
        blank=True,
        help_text=_("For a signatory who represents an organisation rather than a country."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")

    def __str__(self):
        return self.name

    def clean(self):
        if not self.country_id and not self.organisation:
            raise ValidationError(
                _("Choose the country the signatory represents or name their organisation.")
            )

    @property
    def represents(self):
        return self.country.name if self.country else self.organisation


class KeyFigureQuerySet(PublishableQuerySet):
    pass


class KeyFigure(Publishable):
    """A figure the documents give about the office's work, shown on the home page."""

    label = models.CharField(
        _("label"), max_length=200, help_text=_("What the figure measures, in a few words.")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    amount_usd = models.DecimalField(_("amount (USD)"), max_digits=14, decimal_places=2)
    is_lower_bound = models.BooleanField(
        _("more than"),
        default=False,
        help_text=_('Tick when the source says "more than" or "over" this amount.'),
    )
    source = models.ForeignKey(
        "sources.SourceDocument",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("source"),
    )
    quote = models.TextField(
        _("quotation"), help_text=_("The sentence of the source that gives the figure.")
    )

    objects = KeyFigureQuerySet.as_manager()

    class Meta:
        ordering = ["year", "label"]
        constraints = [
            models.UniqueConstraint(fields=["label", "year"], name="unique_key_figure_per_year")
        ]
        permissions = [("publish_keyfigure", "Can publish, unpublish and schedule key figures")]
        verbose_name = _("key figure")
        verbose_name_plural = _("key figures")

    def __str__(self):
        return f"{self.label} ({self.year})"

    @property
    def amount_millions(self):
        return self.amount_usd / 1_000_000
