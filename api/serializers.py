"""What one record of the API holds, in the language of the request.

Translated fields give the request's language, or English where the Russian is missing; such
fields are named in "fallback_fields", as the pages say "shown in English". URLs are absolute and
point to the public page in the request's language.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language
from django_prose_editor.fields import ProseEditorField
from drf_spectacular.utils import extend_schema_field
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname
from rest_framework import serializers

from editorial.richtext import for_readers
from news.models import NewsItem
from pages.models import Page
from programmes.models import Country, Office, Programme, ThematicArea
from publications.models import Publication


def absolute(request, path):
    return request.build_absolute_uri(path)


class PageURLField(serializers.Field):
    """The absolute address of the object's public page (its get_absolute_url)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        return absolute(self.context["request"], obj.get_absolute_url())


extend_schema_field({"type": "string", "format": "uri"})(PageURLField)


class SourceSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = PageURLField()


class CountryRefSerializer(serializers.ModelSerializer):
    url = PageURLField()

    class Meta:
        model = Country
        fields = ["slug", "name", "iso_code", "url"]


class ThematicAreaRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ThematicArea
        fields = ["slug", "name"]


class ProgrammeRefSerializer(serializers.ModelSerializer):
    url = PageURLField()

    class Meta:
        model = Programme
        fields = ["slug", "title", "url"]


class BudgetSerializer(serializers.Serializer):
    amount = serializers.DecimalField(
        source="budget_usd", max_digits=14, decimal_places=2, coerce_to_string=False
    )
    currency = serializers.SerializerMethodField()

    def get_currency(self, programme) -> str:
        return "USD"


class RichTextField(serializers.CharField):
    """Rich text (HTML) cleaned to the editor's allow-list on the way out, as the pages clean it:
    rows saved before the sanitiser or imported around it must not reach a reader's page
    through the API either."""

    def to_representation(self, value):
        return for_readers(super().to_representation(value))


class RecordSerializer(serializers.ModelSerializer):
    """A public record: its fields, and which of them are shown in English as a fallback."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        ProseEditorField: RichTextField,
    }
    fallback_fields = serializers.SerializerMethodField()

    def get_fallback_fields(self, obj) -> list[str]:
        language = get_language()
        if language == settings.MODELTRANSLATION_DEFAULT_LANGUAGE:
            return []
        translated = translator.get_options_for_model(type(obj)).fields
        return [
            field
            for field in self.Meta.fields
            if field in translated
            and getattr(obj, field)
            and not getattr(obj, build_localized_fieldname(field, language))
        ]


class WithdrawalSerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="withdrawn_at")
    reason = serializers.CharField(source="withdrawal_reason")


class PublishedRecordSerializer(RecordSerializer):
    """A record with a publishing state: withdrawn ones are still served by their address."""

    withdrawn = serializers.SerializerMethodField()

    @extend_schema_field(WithdrawalSerializer(allow_null=True))
    def get_withdrawn(self, obj):
        """Null; or when and why it was withdrawn: it is then in no list, only at its address."""
        if obj.status != obj.Status.WITHDRAWN:
            return None
        return WithdrawalSerializer(obj).data


class NewsItemSerializer(PublishedRecordSerializer):
    url = PageURLField()
    updated_at = serializers.DateTimeField(
        source="updated_for_readers",
        read_only=True,
        help_text="Its last major change (with a public note), else its publication date.",
    )
    countries = CountryRefSerializer(many=True)
    programmes = ProgrammeRefSerializer(many=True)
    thematic_areas = ThematicAreaRefSerializer(many=True)
    sources = SourceSerializer(source="source_documents", many=True)

    class Meta:
        model = NewsItem
        fields = [
            "slug",
            "url",
            "title",
            "date",
            "summary",
            "body",
            "original_publisher",
            "countries",
            "programmes",
            "thematic_areas",
            "sources",
            "updated_at",
            "withdrawn",
            "fallback_fields",
        ]


class ProgrammeSerializer(PublishedRecordSerializer):
    url = PageURLField()
    phase = serializers.CharField()
    budget = serializers.SerializerMethodField()
    countries = CountryRefSerializer(many=True)
    thematic_areas = ThematicAreaRefSerializer(many=True)
    sources = SourceSerializer(many=True)

    class Meta:
        model = Programme
        fields = [
            "slug",
            "url",
            "title",
            "vision",
            "description",
            "start_year",
            "end_year",
            "phase",
            "signed_on",
            "launched_on",
            "date_note",
            "budget",
            "countries",
            "thematic_areas",
            "sources",
            "withdrawn",
            "fallback_fields",
        ]

    @extend_schema_field(BudgetSerializer(allow_null=True))
    def get_budget(self, programme):
        """The whole budget in US dollars, as a number; null where no source gives it."""
        if programme.budget_usd is None:
            return None
        return BudgetSerializer(programme).data


class CountrySerializer(PublishedRecordSerializer):
    url = PageURLField()
    sources = SourceSerializer(many=True)

    class Meta:
        model = Country
        fields = [
            "slug",
            "url",
            "name",
            "iso_code",
            "sub_region",
            "covered_by_roca",
            "description",
            "sources",
            "withdrawn",
            "fallback_fields",
        ]


class OfficeSerializer(PublishedRecordSerializer):
    url = PageURLField()
    country = CountryRefSerializer()
    sources = SourceSerializer(many=True)

    class Meta:
        model = Office
        fields = [
            "slug",
            "url",
            "name",
            "kind",
            "city",
            "country",
            "year_established",
            "is_open",
            "description",
            "street_address",
            "postal_address",
            "phone",
            "email",
            "opening_hours",
            "head_of_office",
            "sources",
            "withdrawn",
            "fallback_fields",
        ]


class ThematicAreaSerializer(PublishedRecordSerializer):
    news_url = serializers.SerializerMethodField()
    sources = SourceSerializer(many=True)

    class Meta:
        model = ThematicArea
        fields = [
            "slug",
            "name",
            "description",
            "news_url",
            "sources",
            "withdrawn",
            "fallback_fields",
        ]

    def get_news_url(self, area) -> str:
        """A thematic area has no page of its own: the public news list filtered by it."""
        path = f"{reverse('news:list')}?theme={area.slug}"
        return absolute(self.context["request"], path)


class PageSerializer(PublishedRecordSerializer):
    path = serializers.CharField(
        read_only=True, help_text="Its place in the tree, as in its address: about/partners."
    )
    url = PageURLField()
    parent = serializers.SerializerMethodField()
    sources = SourceSerializer(many=True)

    class Meta:
        model = Page
        fields = [
            "slug",
            "path",
            "url",
            "title",
            "summary",
            "body",
            "parent",
            "position",
            "sources",
            "updated_at",
            "withdrawn",
            "fallback_fields",
        ]

    def get_parent(self, page) -> str | None:
        """The path of the page it is under; null for a page at the top."""
        return page.parent.path if page.parent_id else None


class PublicationFileSerializer(serializers.Serializer):
    language = serializers.CharField(help_text="The language of the file: en or ru.")
    format = serializers.CharField(help_text="pdf, docx or xlsx.")
    size = serializers.IntegerField(allow_null=True, help_text="In bytes.")
    pages = serializers.IntegerField(allow_null=True, help_text="A PDF's pages, once read.")
    accessible = serializers.BooleanField(help_text="Checked for accessibility by the editors.")
    url = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_url(self, file):
        """Where the file downloads from."""
        return absolute(self.context["request"], file.url)


class PublicationFileWithTextSerializer(PublicationFileSerializer):
    text = serializers.CharField(help_text="The file's text, as read from it (may be empty).")


class PublicationSerializer(PublishedRecordSerializer):
    url = PageURLField()
    updated_at = serializers.DateTimeField(read_only=True)
    countries = CountryRefSerializer(many=True)
    programmes = ProgrammeRefSerializer(many=True)
    thematic_areas = ThematicAreaRefSerializer(many=True)
    sources = SourceSerializer(many=True)
    files = PublicationFileSerializer(many=True)

    class Meta:
        model = Publication
        fields = [
            "slug",
            "url",
            "title",
            "date",
            "summary",
            "body",
            "document_symbol",
            "isbn",
            "countries",
            "programmes",
            "thematic_areas",
            "sources",
            "files",
            "updated_at",
            "withdrawn",
            "fallback_fields",
        ]


class PublicationDetailSerializer(PublicationSerializer):
    files = PublicationFileWithTextSerializer(many=True)
