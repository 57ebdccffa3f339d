"""One address of every public page type, in each language, on the seeded content.

The accessibility and HTML validity checks visit these; a new page type belongs here. Some page
types need a state the seed does not have: add_page_states(media_root) makes them.
"""

from contextlib import suppress

from django.conf import settings
from django.test import override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from editorial.models import ChangeNote, Redirect, Status
from editorial.richtext import to_storage
from news.models import NewsItem
from pages.models import Page
from programmes.models import Office, Programme
from tests.conftest import library_image

LANGUAGES = [code for code, _name in settings.LANGUAGES]
WITHDRAWN_NEWS = "regional-cooperation-key-in-countering-drug-routes"
REMOVED_PATH = "removed-page/"
UPDATED_PROGRAMME = "programme-for-central-asia-2015-2019"
REGIONAL_OFFICE = "regional-office-for-central-asia"
RICH_STORY = "seizures-at-the-border-posts"
REPORT = "annual-report-2018"


def add_page_states(media_root):
    """A withdrawn news item, a programme with a public change note, the address of a
    removed page, an editors' page with a subpage, the regional office's contacts and a story
    whose body holds a library image, a table and links, on top of the seed (test data: the
    seed has none of these). The image is stored under media_root."""
    item = NewsItem.objects.get(slug=WITHDRAWN_NEWS)
    item.status = Status.WITHDRAWN
    item.withdrawal_reason = "Kept for reference: a later report gives newer figures."
    item.save()
    programme = Programme.objects.get(slug=UPDATED_PROGRAMME)
    programme.last_major_change_at = timezone.now()
    programme.save()
    ChangeNote.objects.create(
        item=programme, note_en="The list of partner countries was corrected."
    )
    for language in LANGUAGES:
        Redirect.objects.create(old_path=f"/{language}/{REMOVED_PATH}", new_path="")
    contact = Page.objects.create(
        title="Contact",
        slug="contact",
        status=Status.PUBLISHED,
        summary="How to reach the office.",
        body="<h2>By post</h2><p>Write to the office.</p><ul><li>Press</li><li>Partners</li></ul>",
    )
    Page.objects.create(
        title="Vacancies",
        slug="vacancies",
        parent=contact,
        status=Status.PUBLISHED,
        body="<p>-</p>",
    )
    Office.objects.filter(slug=REGIONAL_OFFICE).update(
        street_address_en="14 Example Street\nTashkent",
        phone="+998 71 000 00 00",
        email="office@unodc.example",
        opening_hours_en="Monday to Friday",
        head_of_office_en="Regional Representative",
    )
    add_rich_story(media_root)


def add_rich_story(media_root):
    with override_settings(MEDIA_ROOT=media_root):
        image = library_image(title="Border post", caption_en="The post at dawn.")
    programme = Programme.objects.get(slug=UPDATED_PROGRAMME)
    draft = NewsItem.objects.create(title="Draft", slug="draft", summary="-", body="<p>-</p>")
    body = (
        "<p>The posts' seizures, by the "
        f'<a href="/en/programmes/{programme.slug}/">programme</a> and a '
        f'<a href="/en/news/{draft.slug}/">story not yet public</a>.</p>'
        f'<figure><img data-file="{image.pk}" alt="Officers at a border post">'
        "<figcaption>The post at dawn.</figcaption></figure>"
        "<table><tr><td>Post</td><td>Heroin (kg)</td><td>Opium (kg)</td></tr>"
        "<tr><td>Khorog</td><td>20</td><td>310</td></tr>"
        "<tr><td>Dostyk</td><td>4</td><td>85</td></tr></table>"
    )
    NewsItem.objects.create(
        title="Seizures at the border posts",
        slug=RICH_STORY,
        summary="What the border posts seized.",
        body=to_storage(body, "en"),
        body_en=to_storage(body, "en"),
        status=Status.PUBLISHED,
    )


def public_pages(language):
    """(name, path, expected status) of each page type, with records from unodc_site/seed.toml."""
    with translation.override(language):
        news = reverse("news:list")
        pages = [
            ("home", reverse("home"), 200),
            ("news list", news, 200),
            ("news list, filtered", f"{news}?country=kazakhstan&theme=terrorism", 200),
            ("news list, unknown filter value", f"{news}?country=atlantis", 400),
            (
                "news detail",
                reverse(
                    "news:detail", args=["2018-annual-report-together-making-the-region-safer"]
                ),
                200,
            ),
            ("news detail, withdrawn", reverse("news:detail", args=[WITHDRAWN_NEWS]), 200),
            (
                "news detail, image and table in the body",
                reverse("news:detail", args=[RICH_STORY]),
                200,
            ),
            ("publication list", reverse("publications:list"), 200),
            ("publication detail", reverse("publications:detail", args=[REPORT]), 200),
            ("programme list", reverse("programmes:list"), 200),
            (
                "programme detail",
                reverse("programmes:detail", args=[UPDATED_PROGRAMME]),
                200,
            ),
            ("country list", reverse("programmes:country_list"), 200),
            ("country detail", reverse("programmes:country_detail", args=["kazakhstan"]), 200),
            ("office list", reverse("programmes:office_list"), 200),
            (
                "office detail",
                reverse("programmes:office_detail", args=[REGIONAL_OFFICE]),
                200,
            ),
            ("about", reverse("pages:detail", args=["about"]), 200),
            ("editors' page", reverse("pages:detail", args=["contact"]), 200),
            ("editors' subpage", reverse("pages:detail", args=["contact/vacancies"]), 200),
            ("source list", reverse("sources:list"), 200),
            ("source detail", reverse("sources:detail", args=["annual-report-2018"]), 200),
            ("API documentation", reverse("api:docs"), 200),
        ]
        with suppress(NoReverseMatch):  # only once the site search is installed
            pages.append(("search results", f"{reverse('search')}?q=drugs", 200))
        pages.append(("page not found", f"/{language}/no-such-page/", 404))
        pages.append(("page removed", f"/{language}/{REMOVED_PATH}", 410))
    return [(f"{name} ({language})", path, status) for name, path, status in pages]
