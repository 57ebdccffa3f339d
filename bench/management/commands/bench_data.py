"""Synthetic news items for benchmarks (bench/load.py), never for a real site.

    manage.py bench_data --news 100000     # add 100,000 items
    manage.py bench_data --news 100000 --revisions 10 --in-review 1000
                                           # each with 10 revisions; 1,000 drafts in review
    manage.py bench_data --clear           # delete every synthetic item, and only those

Every item is marked three ways: its slug starts with "synthetic-", its title with "[Synthetic] "
and its original publisher is SYNTHETIC_PUBLISHER; --clear deletes what carries all three marks.
The facts of each text come from synthetic_news.toml, in English and for about a third of the
items in Russian too, so that search and the database's statistics see a realistic mix of words;
the sentences between them are lorem ipsum.
"""

import datetime
import random
import sys
import tomllib
from itertools import batched
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import lorem_ipsum, timezone
from django.utils.html import escape
from django.utils.text import slugify
from tqdm import tqdm

from editorial import changes
from editorial.models import Draft, Status
from news.models import NewsItem
from programmes.models import Country, Programme, ThematicArea

SLUG_PREFIX = "synthetic-"
TITLE_PREFIX = "[Synthetic] "
SYNTHETIC_PUBLISHER = "Synthetic benchmark data (manage.py bench_data)"
DEFAULT_RANDOM_SEED = 20_061_007
BATCH_SIZE = 2000
FIRST_DAY = datetime.date(2006, 1, 1)
DAYS = (datetime.date(2025, 12, 31) - FIRST_DAY).days
UNDATED_SHARE = 0.005
RUSSIAN_SHARE = 0.35
CENTRAL_ASIA_SHARE = 0.85

# The facts' words, in English and Russian; the sentences around them are lorem ipsum.
FACTS = tomllib.loads((Path(__file__).resolve().parents[2] / "synthetic_news.toml").read_text())


class SyntheticNews:
    """One random generator, and the facts and sentences of each item drawn from it."""

    def __init__(self, seed, countries, programmes, areas):
        self.random = random.Random(seed)
        self.central_asia = [c for c in countries if c.sub_region == "central-asia"] or countries
        self.countries = countries
        self.programmes = programmes
        self.areas = areas

    def pick(self, options):
        return self.random.choice(options)

    def country(self):
        pool = self.central_asia if self.random.random() < CENTRAL_ASIA_SHARE else self.countries
        return self.pick(pool)

    def item(self, number):
        """An unsaved NewsItem and what it links to: (item, countries, programmes, areas)."""
        countries = [self.country()]
        if self.random.random() < 0.4:
            other = self.country()
            if other != countries[0]:
                countries.append(other)
        facts = {
            "country": (countries[0].name_en, countries[0].name_ru or countries[0].name_en),
            "topic": self.pick(FACTS["topics"]),
            "drug": self.pick(FACTS["drugs"]),
            "officers": self.pick(FACTS["officers"]),
            "city": self.pick(FACTS["cities"]),
            "amount": self.random.choice([12, 35, 48, 96, 120, 250, 410, 730, 1200, 2500]),
            "people": self.random.randint(8, 60),
        }
        title_en = self.english_title(facts)
        has_russian = self.random.random() < RUSSIAN_SHARE
        undated = self.random.random() < UNDATED_SHARE
        item = NewsItem(
            slug=f"{SLUG_PREFIX}{number:06d}-{slugify(title_en)}"[:120].rstrip("-"),
            title_en=TITLE_PREFIX + title_en,
            summary_en=self.english_summary(facts),
            body_en=self.body(self.english_facts(facts)),
            title_ru=TITLE_PREFIX + self.russian_title(facts) if has_russian else None,
            summary_ru=self.russian_summary(facts) if has_russian else None,
            body_ru=(self.body(self.russian_facts(facts)) if has_russian else None),
            date=None if undated else FIRST_DAY + datetime.timedelta(self.random.randrange(DAYS)),
            status=Status.PUBLISHED,
            original_publisher=SYNTHETIC_PUBLISHER,
            # What a first save through the admin leaves: save() is not called by bulk_create.
            version=1,
        )
        programmes = (
            [self.pick(self.programmes)] if self.programmes and self.random.random() < 0.5 else []
        )
        return item, countries, programmes, [self.pick(self.areas)]

    def english_title(self, f):
        country, topic, drug = f["country"][0], f["topic"][0], f["drug"][0]
        return self.pick(
            [
                f"{country}: {f['officers'][0]} seize {f['amount']} kg of {drug} at the border",
                f"UNODC trains {f['people']} {f['officers'][0]} in {country} on {topic}",
                f"{country} and UNODC agree to step up {topic}",
                f"Regional workshop on {topic} held in {f['city'][0]}",
                f"{country} strengthens {topic} with UNODC support",
                f"Drug trafficking across the {country} border: {drug} seizures rise",
                f"Corruption risks in {topic} reviewed in {f['city'][0]}",
            ]
        )

    def russian_title(self, f):
        country, topic, drug = f["country"][1], f["topic"][1], f["drug"][1]
        return self.pick(
            [
                f"{country}: {f['officers'][1]} изъяли {f['amount']} кг {drug} на границе",
                f"{country}: УНП ООН обучило {f['people']} специалистов по теме «{topic}»",
                f"{country} и УНП ООН договорились о сотрудничестве: {topic}",
                f"В городе {f['city'][1]} прошёл региональный семинар: {topic}",
                f"{country}: незаконный оборот наркотиков и изъятия {drug}",
            ]
        )

    def english_summary(self, f):
        return (
            f"{f['officers'][0].capitalize()} from {f['country'][0]} met in {f['city'][0]} to "
            f"work on {f['topic'][0]}, with support from {self.pick(FACTS['partners'])}."
        )

    def russian_summary(self, f):
        return (
            f"{f['officers'][1].capitalize()} ({f['country'][1]}) провели встречу в городе "
            f"{f['city'][1]}; тема: {f['topic'][1]}. Изъято {f['amount']} кг {f['drug'][1]}."
        )

    def english_facts(self, f):
        return [
            f"Over the year, {f['officers'][0]} seized {f['amount']} kg of {f['drug'][0]} "
            f"on routes through {f['country'][0]}.",
            f"The training in {f['city'][0]} covered {f['topic'][0]}.",
            f"Trafficking of {f['drug'][0]} along the northern route remains a concern.",
            f"The event was funded by {self.pick(FACTS['partners'])}.",
            "Experts from Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan and Uzbekistan "
            "took part.",
            f"{f['people']} {f['officers'][0]} completed the course.",
        ]

    def russian_facts(self, f):
        return [
            f"За год {f['officers'][1]} изъяли {f['amount']} кг {f['drug'][1]}.",
            f"Тренинг в городе {f['city'][1]} был посвящён теме «{f['topic'][1]}».",
            "Незаконный оборот наркотиков через границу остаётся угрозой.",
            "Эксперты из Казахстана, Кыргызстана, Таджикистана, Туркменистана и Узбекистана "
            "обменялись опытом.",
            f"Курс прошли {f['people']} специалистов.",
        ]

    def filler(self):
        """A sentence of lorem ipsum, words no search looks for: the texts do not repeat."""
        words = self.random.sample(lorem_ipsum.WORDS, self.random.randint(6, 14))
        return " ".join(words).capitalize() + "."

    def body(self, facts):
        """Three to five paragraphs: each fact at most once, among sentences of plain words."""
        sentences = self.random.sample(facts, 3) + [
            self.filler() for _ in range(self.random.randint(5, 12))
        ]
        self.random.shuffle(sentences)
        paragraphs = []
        while sentences:
            size = self.random.randint(2, 4)
            paragraphs.append(" ".join(sentences[:size]))
            sentences = sentences[size:]
        # The same shape as what the rich-text editor saves.
        return "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)


def synthetic_news():
    return NewsItem.objects.filter(
        slug__startswith=SLUG_PREFIX,
        title_en__startswith=TITLE_PREFIX,
        original_publisher=SYNTHETIC_PUBLISHER,
    )


class Command(BaseCommand):
    help = (
        "Add SYNTHETIC published news items for benchmarks (--news N), or delete them "
        "(--clear). Needs `manage.py seed` first. Never run it on a real site's database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--news", type=int, default=0, help="How many items to add.")
        parser.add_argument(
            "--seed-random",
            type=int,
            default=DEFAULT_RANDOM_SEED,
            help="Seed of the random generator: the same seed gives the same items.",
        )
        parser.add_argument(
            "--clear", action="store_true", help="First delete every synthetic item."
        )
        parser.add_argument(
            "--revisions",
            type=int,
            default=0,
            help="Revisions of each new item in its history, one a day (as admin saves leave).",
        )
        parser.add_argument(
            "--in-review",
            type=int,
            default=0,
            help="How many of the new items get a draft over them, submitted for review.",
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(
        self,
        *args,
        news,
        seed_random,
        clear,
        batch_size,
        revisions,
        in_review,
        verbosity,
        **options,
    ):
        if news < 0 or (news == 0 and not clear):
            raise CommandError("Say how many items to add with --news N, or give --clear.")
        if revisions < 0 or in_review < 0 or in_review > news:
            raise CommandError("--revisions and --in-review count from 0; --in-review to --news.")
        self.revisions, self.in_review = revisions, in_review
        if verbosity:
            self.stderr.write(
                self.style.WARNING(
                    "Synthetic benchmark data: marked 'synthetic-' / '[Synthetic]'; "
                    "do not run this on a real site's database."
                )
            )
        if clear:
            deleted = self.clear()
            if verbosity:
                self.stdout.write(f"Deleted {deleted} synthetic news items.")
        if news:
            self.add(news, seed_random, batch_size, verbosity)
            if verbosity:
                self.stdout.write(self.style.SUCCESS(f"Added {news} synthetic news items."))
        if connection.vendor == "postgresql":
            self.analyze()
        # Bulk inserts and raw deletes send no signal: make the cached pages stale by hand.
        changes.invalidate()

    def add(self, count, seed_random, batch_size, verbosity):
        countries = list(Country.objects.all())
        areas = list(ThematicArea.objects.all())
        if not countries or not areas:
            raise CommandError(
                "There are no countries or thematic areas to link the items to: "
                "run `manage.py seed` first."
            )
        programmes = list(Programme.objects.published())
        last_slug = synthetic_news().order_by("-pk").values_list("slug", flat=True).first()
        first_number = int(last_slug.split("-")[1]) + 1 if last_slug else 1
        # Seeded with the first number too: a second run adds different items, as reproducibly.
        generator = SyntheticNews(f"{seed_random}:{first_number}", countries, programmes, areas)
        numbers = range(first_number, first_number + count)
        with tqdm(total=count, unit="items", file=sys.stderr, disable=verbosity == 0) as progress:
            for batch in batched(numbers, batch_size):
                self.insert([generator.item(number) for number in batch])
                progress.update(len(batch))

    @transaction.atomic
    def insert(self, rows):
        # bulk_create calls neither save() nor the signals: django-simple-history records no
        # revision of these items, which is what benchmark data needs.
        for item, *_ in rows:
            item.version = max(1, self.revisions)  # as many saves as revisions
        items = NewsItem.objects.bulk_create([item for item, *_ in rows])
        links = {"countries": [], "programmes": [], "thematic_areas": []}
        for item, (_, countries, programmes, areas) in zip(items, rows, strict=True):
            links["countries"] += [(item, country) for country in countries]
            links["programmes"] += [(item, programme) for programme in programmes]
            links["thematic_areas"] += [(item, area) for area in areas]
        for name, pairs in links.items():
            through = getattr(NewsItem, name).through
            target = getattr(NewsItem, name).field.m2m_reverse_field_name()
            through.objects.bulk_create(
                through(newsitem_id=item.pk, **{f"{target}_id": other.pk}) for item, other in pairs
            )
        self.add_revisions(items)
        self.add_drafts_in_review(items, rows)

    def add_revisions(self, items):
        """The history an item saved `revisions` times leaves, a day apart, oldest first."""
        start = timezone.now() - datetime.timedelta(days=self.revisions)
        for number in range(1, self.revisions + 1):
            for item in items:
                item.version = number
            NewsItem.history.bulk_history_create(
                items,
                update=number > 1,
                default_date=start + datetime.timedelta(days=number),
                default_change_reason=f"Synthetic revision {number}",
            )

    def add_drafts_in_review(self, items, rows):
        """Drafts over the first items still to be given one, submitted for review."""
        wanted = min(self.in_review, len(items))
        self.in_review -= wanted
        drafts = []
        for item, (_, countries, programmes, areas) in zip(items[:wanted], rows, strict=False):
            item.summary_en = f"{item.summary_en} (corrected)"
            links = {
                "countries": [country.pk for country in countries],
                "programmes": [programme.pk for programme in programmes],
                "thematic_areas": [area.pk for area in areas],
            }
            drafts.append(
                Draft(
                    item=item,
                    content=Draft.serialise(item, links),
                    state=Status.REVIEW,
                    submitted_at=timezone.now(),
                )
            )
        Draft.objects.bulk_create(drafts)

    @transaction.atomic
    def clear(self):
        synthetic = synthetic_news()
        for name in ("countries", "programmes", "thematic_areas"):
            getattr(NewsItem, name).through.objects.filter(newsitem__in=synthetic).delete()
        NewsItem.history.filter(
            slug__startswith=SLUG_PREFIX, original_publisher=SYNTHETIC_PUBLISHER
        ).delete()
        Draft.objects.filter(
            content_type=ContentType.objects.get_for_model(NewsItem),
            object_id__in=synthetic.values("pk"),
        ).delete()
        # A plain DELETE: QuerySet.delete() would load every row and send a signal for each,
        # and django-simple-history would write a "deleted" revision of each one.
        return synthetic._raw_delete(synthetic.db)

    def analyze(self):
        tables = [NewsItem._meta.db_table, NewsItem.history.model._meta.db_table] + [
            getattr(NewsItem, name).through._meta.db_table
            for name in ("countries", "programmes", "thematic_areas")
        ]
        tables.append(Draft._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(tables)}")
