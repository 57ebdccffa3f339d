"""One address of every public page type, in each language, on the seeded content.

The accessibility and HTML validity checks visit these; a new page type belongs here. Two page
types need a state the seed does not have: add_page_states() makes them.
"""

from contextlib import suppress

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from editorial.models import ChangeNote, Redirect, Status
from news.models import NewsItem
from pages.models import Page
from programmes.models import Office, Programme

LANGUAGES = [code for code, _name in settings.LANGUAGES]
WITHDRAWN_NEWS = "regional-cooperation-key-in-countering-drug-routes"
REMOVED_PATH = "removed-page/"
UPDATED_PROGRAMME = "programme-for-central-asia-2015-2019"
REGIONAL_OFFICE = "regional-office-for-central-asia"


def add_page_states():
    """A withdrawn news item, a programme with a public change note, the address of a
    removed page, an editors' page with a subpage and the regional office's contacts, on top
    of the seed (test data: the seed has no pages or contacts)."""
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
