"""The media library's chooser at 10,000 images, on PostgreSQL.

    .venv/bin/python bench/media_library.py [--database postgres://…/unodc_bench] [--requests 20]

In-process, with Django's test client and one signed-in editor: the chooser's pop-up list of
images (thumbnails), searched by a word of the titles, by a tag and by words that match
nothing, and the view that shows the chosen image. Adds synthetic images (titled
"[Synthetic] …", all naming one small stored file) until there are --images of them. Prints each
page's median and 90th percentile over --requests requests (after one warm-up) and its query
count. Issue 15's target: the chooser's search p50 <= 100 ms.
"""

import argparse
import io
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_P50_MS = 100
SUBJECTS = ["Border post", "Seized heroin", "Conference", "Training", "Signing ceremony", "Lab"]
PLACES = ["Dostyk", "Termez", "Khorog", "Osh", "Almaty", "Dushanbe", "Tashkent", "Ashgabat"]
TAGS = ["border", "drugs", "meeting", "Kazakhstan", "Tajikistan", "Uzbekistan", "training"]


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="postgres://unodc@127.0.0.1:5432/unodc_bench")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--images", type=int, default=10_000)
    return parser.parse_args()


def add_synthetic_images(wanted):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from PIL import Image as Picture

    from images.models import Image, Tag

    synthetic = Image.objects.filter(title__startswith="[Synthetic] ")
    missing = wanted - synthetic.count()
    if missing <= 0:
        return
    name = "images/synthetic/one.jpg"
    if not default_storage.exists(name):
        content = io.BytesIO()
        Picture.new("RGB", (320, 200), "navy").save(content, "JPEG")
        default_storage.save(name, ContentFile(content.getvalue()))
    tags = [Tag.objects.get_or_create(name=tag)[0] for tag in TAGS]
    generator = random.Random(missing)
    images = Image.objects.bulk_create(
        Image(
            file=name,
            width=320,
            height=200,
            title=f"[Synthetic] {generator.choice(SUBJECTS)} in {generator.choice(PLACES)} {n}",
            alt_text_en=f"{generator.choice(SUBJECTS)} at {generator.choice(PLACES)}",
            renditions_of=f"{name}@50,50",
        )
        for n in range(missing)
    )
    Image.tags.through.objects.bulk_create(
        Image.tags.through(image_id=image.pk, tag_id=generator.choice(tags).pk) for image in images
    )


def main():
    arguments = parse_arguments()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="unodc_site.settings",
        DEBUG="false",
        SECRET_KEY="bench-media-library-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=arguments.database,
        PAGE_CACHE_SECONDS="0",
        ADMIN_REQUIRE_2FA="false",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bench.admin_pages import time_pages
    from images.models import Image

    call_command("migrate", verbosity=0)
    add_synthetic_images(arguments.images)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE images_image, images_image_tags, images_tag")
    user, _created = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True}
    )
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    chooser = "/admin/images/image/?_to_field=id&_popup=1"
    image = Image.objects.first()
    pages = {
        "chooser, newest first": chooser,
        "chooser, searched": f"{chooser}&q=dostyk",
        "chooser, two words": f"{chooser}&q=border+termez",
        "chooser, by tag": f"{chooser}&q=tajikistan",
        "chooser, no match": f"{chooser}&q=nothing+like+it",
        "chosen image": f"/admin/images/image/{image.pk}/chosen/",
    }
    print(f"{Image.objects.count():,} images; {arguments.requests} requests a page")
    missed = time_pages(client, pages, arguments.requests, TARGET_P50_MS)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
