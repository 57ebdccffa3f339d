"""The migration that moves the images items held themselves into the media library."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("news", "0017_bodies_as_the_sanitiser_writes_them"),
    ("programmes", "0016_office_contacts"),
    ("pages", "0002_editors_and_publishers"),
    ("images", None),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([node for node in targets if node[1]]).apps


def picture(name, alt, **more):
    return {
        "image": name,
        "image_width": 1200,
        "image_height": 800,
        "image_alt": alt,
        "image_caption": more.get("caption", ""),
        "image_credit": more.get("credit", ""),
        "image_is_decorative": more.get("decorative", False),
    }


def test_every_image_moves_into_the_library_and_nothing_is_lost(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    old = migrate(BEFORE)
    NewsItem = old.get_model("news", "NewsItem")
    HistoricalNewsItem = old.get_model("news", "HistoricalNewsItem")
    Programme = old.get_model("programmes", "Programme")
    Draft = old.get_model("editorial", "Draft")
    ContentType = old.get_model("contenttypes", "ContentType")
    for name in ("images/2024/border.jpg", "images/2024/ceremony.png"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"stored picture " + name.encode())
    files_before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())

    border = picture("images/2024/border.jpg", "Officers at a border post", credit="UNODC")
    texts = {"summary": "S", "summary_en": "S", "body": "<p>B</p>", "body_en": "<p>B</p>"}
    first = NewsItem.objects.create(
        title="First", title_en="First", slug="first", status="published", **texts, **border
    )
    NewsItem.objects.create(
        title="Second", title_en="Second", slug="second", status="published", **texts, **border
    )
    NewsItem.objects.create(
        title="Third",
        title_en="Third",
        slug="third",
        status="draft",
        **texts,
        **picture("images/2024/border.jpg", "The same file, described otherwise"),
    )
    NewsItem.objects.create(title="Bare", title_en="Bare", slug="bare", **texts)
    Programme.objects.create(
        title="Programme",
        title_en="Programme",
        slug="programme",
        start_year=2015,
        end_year=2019,
        **picture("images/2024/ceremony.png", "", decorative=True, caption="Signing"),
    )
    kept = {f.attname for f in HistoricalNewsItem._meta.concrete_fields}
    HistoricalNewsItem.objects.create(
        **{
            f.attname: getattr(first, f.attname)
            for f in NewsItem._meta.concrete_fields
            if f.attname in kept
        },
        history_date=timezone.now() - datetime.timedelta(days=1),
        history_type="~",
    )
    # A draft over the first item chooses the programme's picture, described as it is there.
    drafted = picture("images/2024/ceremony.png", "", decorative=True, caption="Signing")
    Draft.objects.create(
        content_type=ContentType.objects.get_or_create(app_label="news", model="newsitem")[0],
        object_id=first.pk,
        content={
            "model": "news.newsitem",
            "pk": first.pk,
            "fields": {"title_en": "First, corrected", **drafted},
        },
    )

    new = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    Image = new.get_model("images", "Image")
    NewsItem = new.get_model("news", "NewsItem")
    items = {item.slug: item for item in NewsItem.objects.all()}
    # One library image per file and description: three, for three descriptions of two files.
    assert Image.objects.count() == 3
    shared = items["first"].image
    assert items["second"].image_id == shared.pk
    assert (shared.file.name, shared.width, shared.height) == ("images/2024/border.jpg", 1200, 800)
    assert (shared.alt_text_en, shared.credit_en, shared.is_decorative) == (
        "Officers at a border post",
        "UNODC",
        False,
    )
    assert items["third"].image.alt_text_en == "The same file, described otherwise"
    assert items["bare"].image_id is None
    ceremony = new.get_model("programmes", "Programme").objects.get().image
    assert (ceremony.file.name, ceremony.is_decorative, ceremony.caption_en) == (
        "images/2024/ceremony.png",
        True,
        "Signing",
    )
    revision = new.get_model("news", "HistoricalNewsItem").objects.get(id=first.pk)
    assert revision.image_id == shared.pk
    fields = new.get_model("editorial", "Draft").objects.get().content["fields"]
    assert fields["image_id"] == ceremony.pk
    assert not {"image", "image_alt", "image_width", "image_caption"} & set(fields)
    assert fields["title_en"] == "First, corrected"
    # No file copied, moved or lost.
    files_after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert files_after == files_before
