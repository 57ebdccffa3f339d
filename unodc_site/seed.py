"""Build the site's first records from the shipped documents and the mapping in seed.toml.

Creates what is missing and leaves every existing record alone, so running it again changes
nothing and never overwrites an editor's work. Every text is checked against its document
before anything is written; one failed check and nothing is saved.
"""

import hashlib
import tomllib
from collections import Counter
from pathlib import Path

import pycountry
from django.apps import apps
from django.db import transaction
from django.utils.text import slugify

from editorial.models import Status
from editorial.richtext import paragraphs_to_html
from news.importer import DocumentError, read_document, russian_iso_names
from news.models import NewsItem
from pages.menus import create_default_links
from pages.models import Page
from programmes.models import Country, KeyFigure, Office, Programme, Signatory, ThematicArea
from publications.models import Publication
from sources.models import SourceDocument

DOCUMENTS_DIR = Path(__file__).resolve().parent.parent / "sources" / "documents"
MAPPING_FILE = Path(__file__).resolve().parent / "seed.toml"


class SeedError(Exception):
    pass


def russian_country_name(iso_code):
    """The Russian name from pycountry's copy of the ISO 3166 translations, never typed here."""
    record = pycountry.countries.get(alpha_2=iso_code)
    return russian_iso_names()(getattr(record, "common_name", None) or record.name)


def _flat(text):
    return " ".join(text.split())


def _paragraphs(text):
    return "\n\n".join(p.strip() for p in text.split("\n\n") if p.strip())


class Corpus:
    """The documents by slug, and checks that what the mapping takes from them is really there."""

    def __init__(self, documents):
        self.texts = {}
        for entry in documents:
            path = DOCUMENTS_DIR / entry["file"]
            if not path.is_file():
                raise SeedError(f"Document {entry['file']} is missing from {DOCUMENTS_DIR}.")
            try:
                self.texts[entry["slug"]] = read_document(path.read_bytes(), path.name)
            except DocumentError as error:
                raise SeedError(f"Document {entry['file']}: {' '.join(error.messages)}") from error

    def text(self, slug):
        try:
            return self.texts[slug]
        except KeyError:
            raise SeedError(f"No document has the slug {slug!r}.") from None

    def check(self, quote, slugs):
        if not any(_flat(quote) in _flat(self.text(slug)) for slug in slugs):
            raise SeedError(f"Not found word for word in {', '.join(slugs)}: {quote!r}")
        return quote

    def take(self, value, slugs):
        """A quotation (a string) or an excerpt given by its first and last words."""
        if isinstance(value, str):
            return self.check(value, slugs)
        for slug in slugs:
            text = self.text(slug)
            start = text.find(value["from"])
            end = text.find(value["to"], start)
            if start >= 0 and end >= 0:
                return _paragraphs(text[start : end + len(value["to"])])
        raise SeedError(f"No excerpt from {value['from']!r} to {value['to']!r} in {slugs}.")

    def take_optional(self, entry, field):
        return self.take(entry[field], entry["sources"]) if field in entry else ""

    def check_evidence(self, entry):
        for quote in entry.get("evidence", []):
            self.check(quote, entry["sources"])


def load_mapping(path=MAPPING_FILE):
    with open(path, "rb") as f:
        return tomllib.load(f)


@transaction.atomic
def seed(mapping=None):
    """Create the records the mapping describes that do not exist yet; return counts created."""
    mapping = mapping or load_mapping()
    corpus = Corpus(mapping["documents"])
    created = Counter()

    documents = {}
    for entry in mapping["documents"]:
        text = corpus.text(entry["slug"])
        corpus.check(entry["title"], [entry["slug"]])
        for quote in entry.get("evidence", []):
            corpus.check(quote, [entry["slug"]])
        documents[entry["slug"]], is_new = SourceDocument.objects.get_or_create(
            filename=entry["file"],
            defaults={
                "slug": entry["slug"],
                "title": entry["title"],
                "kind": entry["kind"],
                "text": text,
                "sha256": hashlib.sha256(text.encode()).hexdigest(),
                "original_publisher": entry.get("original_publisher", ""),
            },
        )
        created["documents"] += is_new

    def sources_of(entry):
        return [documents[slug] for slug in entry["sources"]]

    areas = {}
    for entry in mapping["thematic_areas"]:
        corpus.check_evidence(entry)
        areas[entry["slug"]], is_new = ThematicArea.objects.get_or_create(
            slug=entry["slug"],
            defaults={
                "name": entry["name"],
                "position": entry["position"],
                "description": corpus.take(entry["description"], entry["sources"]),
                "status": Status.PUBLISHED,
            },
        )
        if is_new:
            areas[entry["slug"]].sources.set(sources_of(entry))
        created["thematic areas"] += is_new

    countries = {}
    for entry in mapping["countries"]:
        corpus.check(entry["name"], entry["sources"])
        corpus.check_evidence(entry)
        if pycountry.countries.get(alpha_2=entry["iso_code"]) is None:
            raise SeedError(f"{entry['iso_code']} is not an ISO 3166-1 alpha-2 code.")
        countries[entry["iso_code"]], is_new = Country.objects.get_or_create(
            iso_code=entry["iso_code"],
            defaults={
                "name_en": entry["name"],
                "name_ru": russian_country_name(entry["iso_code"]),
                "slug": slugify(entry["name"]),
                "sub_region": entry["sub_region"],
                "covered_by_roca": entry["covered_by_roca"],
                "description": corpus.take_optional(entry, "description"),
                "status": Status.PUBLISHED,
            },
        )
        if is_new:
            countries[entry["iso_code"]].sources.set(sources_of(entry))
        created["countries"] += is_new

    for entry in mapping["offices"]:
        corpus.check_evidence(entry)
        office, is_new = Office.objects.get_or_create(
            slug=entry["slug"],
            defaults={
                "name": entry["name"],
                "kind": entry["kind"],
                "city": entry["city"],
                "country": countries[entry["country"]],
                "year_established": entry.get("year_established"),
                "is_open": entry["is_open"],
                "description": corpus.take_optional(entry, "description"),
                "status": Status.PUBLISHED,
            },
        )
        if is_new:
            office.sources.set(sources_of(entry))
        created["offices"] += is_new

    for entry in mapping.get("pages", []):
        corpus.check(entry["title"], entry["sources"])
        page, is_new = Page.objects.get_or_create(
            parent=None,
            slug=entry["slug"],
            defaults={
                "title_en": entry["title"],
                "title_ru": entry.get("title_ru", ""),
                "body_en": paragraphs_to_html(corpus.take(entry["body"], entry["sources"])),
                "status": Status.PUBLISHED,
            },
        )
        if is_new:
            page.sources.set(sources_of(entry))
        created["pages"] += is_new
    # The menus' first links (their data migration could not link the About page before it).
    create_default_links(apps)

    programmes = {}
    for entry in mapping["programmes"]:
        corpus.check(entry["title"], entry["sources"])
        corpus.check_evidence(entry)
        for person in entry.get("signatories", []):
            corpus.check(person["name"], entry["sources"])
            corpus.check(person["title"], entry["sources"])
        programme, is_new = Programme.objects.get_or_create(
            slug=entry["slug"],
            defaults={
                "title": entry["title"],
                "start_year": entry["start_year"],
                "end_year": entry["end_year"],
                "budget_usd": entry.get("budget_usd"),
                "signed_on": entry.get("signed_on"),
                "launched_on": entry.get("launched_on"),
                "date_note": entry.get("date_note", ""),
                "vision": corpus.take(entry["vision"], entry["sources"]),
                "description": paragraphs_to_html(
                    corpus.take(entry["description"], entry["sources"])
                ),
                "status": Status.PUBLISHED,
            },
        )
        programmes[entry["slug"]] = programme
        if is_new:
            programme.sources.set(sources_of(entry))
            programme.countries.set(countries[code] for code in entry["countries"])
            programme.thematic_areas.set(areas[slug] for slug in entry["thematic_areas"])
            for position, person in enumerate(entry.get("signatories", []), start=1):
                Signatory.objects.create(
                    programme=programme,
                    name=person["name"],
                    title=person["title"],
                    country=countries.get(person.get("country")),
                    organisation=person.get("organisation", ""),
                    position=position,
                )
        created["programmes"] += is_new

    for entry in mapping["key_figures"]:
        corpus.check(entry["quote"], [entry["source"]])
        _, is_new = KeyFigure.objects.get_or_create(
            label=entry["label"],
            year=entry["year"],
            defaults={
                "amount_usd": entry["amount_usd"],
                "is_lower_bound": entry.get("is_lower_bound", False),
                "source": documents[entry["source"]],
                "quote": entry["quote"],
                "status": Status.PUBLISHED,
            },
        )
        created["key figures"] += is_new

    for entry in mapping["news"]:
        slugs = [entry["source"]]
        for quote in entry.get("evidence", []):
            corpus.check(quote, slugs)
        item, is_new = NewsItem.objects.get_or_create(
            slug=entry["slug"],
            defaults={
                "title": corpus.take(entry["title"], slugs),
                "date": entry.get("date"),
                "summary": corpus.take(entry["summary"], slugs),
                "body": paragraphs_to_html(corpus.take(entry["body"], slugs)),
                "source": documents[entry["source"]],
                "original_publisher": entry.get("original_publisher", ""),
                "status": Status.PUBLISHED,
            },
        )
        if is_new:
            item.countries.set(countries[code] for code in entry["countries"])
            item.programmes.set(programmes[slug] for slug in entry["programmes"])
            item.thematic_areas.set(areas[slug] for slug in entry["thematic_areas"])
        created["news items"] += is_new

    for entry in mapping.get("publications", []):
        slugs = [entry["source"]]
        for quote in entry.get("evidence", []):
            corpus.check(quote, slugs)
        publication, is_new = Publication.objects.get_or_create(
            slug=entry["slug"],
            defaults={
                "title": corpus.take(entry["title"], slugs),
                "date": entry.get("date"),
                "summary": corpus.take(entry["summary"], slugs),
                "body": paragraphs_to_html(corpus.take(entry["body"], slugs)),
                "status": Status.PUBLISHED,
            },
        )
        if is_new:
            publication.sources.set([documents[entry["source"]]])
            publication.countries.set(countries[code] for code in entry["countries"])
            publication.programmes.set(programmes[slug] for slug in entry["programmes"])
            publication.thematic_areas.set(areas[slug] for slug in entry["thematic_areas"])
        created["publications"] += is_new

    return created
