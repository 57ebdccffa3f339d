import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bench.management.commands.bench_data import SYNTHETIC_PUBLISHER
from editorial.models import Draft, Status
from news.models import NewsItem
from programmes.models import Country

CountryLink = NewsItem.countries.through


def synthetic():
    return NewsItem.objects.filter(slug__startswith="synthetic-")


def test_bench_data_adds_published_marked_items_with_links(seeded):
    seed_news = NewsItem.objects.count()

    call_command("bench_data", news=30, verbosity=0)

    items = synthetic().prefetch_related("countries", "programmes", "thematic_areas")
    assert len(items) == 30
    assert NewsItem.objects.published().count() == seed_news + 30
    for item in items:
        assert item.title_en.startswith("[Synthetic] ")
        assert item.original_publisher == SYNTHETIC_PUBLISHER
        assert item.is_public
        assert item.version == 1
        assert item.body_en.startswith("<p>") and item.body_en.endswith("</p>")
        assert 1 <= len(item.countries.all()) <= 2
        assert len(item.programmes.all()) <= 1
        assert len(item.thematic_areas.all()) == 1


def test_bench_data_adds_revisions_and_drafts_in_review(seeded):
    call_command("bench_data", news=12, revisions=3, in_review=5, batch_size=4, verbosity=0)
    items = list(synthetic())
    assert {item.history.count() for item in items} == {3}
    assert {item.version for item in items} == {3}
    latest = items[0].history.first()
    assert (latest.version, latest.history_type) == (3, "~")
    drafts = Draft.objects.all()
    assert len(drafts) == 5 and {draft.state for draft in drafts} == {Status.REVIEW}
    assert NewsItem.objects.awaiting_review().distinct().count() == 5
    draft = drafts[0]
    assert draft.applied_to(draft.item).summary_en.endswith("(corrected)")
    assert draft.item.is_public  # the public still reads the live version

    call_command("bench_data", clear=True, verbosity=0)
    assert not Draft.objects.exists()


def test_bench_data_run_twice_adds_more_under_new_slugs(seeded):
    call_command("bench_data", news=30, verbosity=0)
    first_slugs = set(synthetic().values_list("slug", flat=True))

    call_command("bench_data", news=30, verbosity=0)

    assert synthetic().count() == 60
    assert first_slugs < set(synthetic().values_list("slug", flat=True))


def test_bench_data_same_random_seed_gives_same_items(seeded):
    call_command("bench_data", news=10, seed_random=7, verbosity=0)
    first = list(synthetic().order_by("pk").values_list("title_en", "date", "body_en"))
    call_command("bench_data", clear=True, verbosity=0)

    call_command("bench_data", news=10, seed_random=7, verbosity=0)

    assert list(synthetic().order_by("pk").values_list("title_en", "date", "body_en")) == first


def test_bench_data_clear_deletes_only_synthetic_items(seeded, make_news):
    kazakhstan = Country.objects.get(slug="kazakhstan")
    # A real story whose slug happens to start like the synthetic ones.
    real = make_news(slug="synthetic-drugs-seized-in-almaty", countries=[kazakhstan])
    news_before = set(NewsItem.objects.values_list("pk", flat=True))
    links_before = CountryLink.objects.count()
    call_command("bench_data", news=30, verbosity=0)
    assert CountryLink.objects.count() > links_before

    call_command("bench_data", clear=True, verbosity=0)

    assert set(NewsItem.objects.values_list("pk", flat=True)) == news_before
    assert CountryLink.objects.count() == links_before
    assert list(real.countries.all()) == [kazakhstan]


def test_bench_data_without_seed_asks_for_it(db):
    with pytest.raises(CommandError, match="manage.py seed"):
        call_command("bench_data", news=10, verbosity=0)
    assert not NewsItem.objects.exists()
