"""Offices, countries, thematic areas and key figures go through the same workflow as news and
programmes: an edit of something live is a draft the public never sees until a publisher
publishes it, a new one is a draft until then, and a withdrawn one stays at its address under
its notice."""

import pytest

from editorial.models import Draft, Redirect, Status
from news.models import NewsItem
from programmes.models import Country, KeyFigure, Office, Programme, ThematicArea
from tests.html_tree import parse_html
from tests.test_drafts import MARKER, text_of
from tests.test_workflow import buttons, login, make_user

pytestmark = pytest.mark.django_db

REGIONAL_OFFICE = "regional-office-for-central-asia"


@pytest.fixture
def editor():
    return make_user("editor", "Editors")


@pytest.fixture
def publisher():
    return make_user("publisher", "Publishers")


def change_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def form_as_sent(client, url):
    """The admin form's fields as a browser would send them, untouched."""
    page = parse_html(client.get(url).content.decode())
    form = next(f for f in page.find_all("form") if f.attrs.get("id", "").endswith("_form"))
    data = {}
    for element in form.iter():
        name = element.attrs.get("name")
        if not name or name == "action":
            continue
        if element.tag == "input":
            kind = element.attrs.get("type", "text")
            if kind in ("submit", "button", "file", "reset"):
                continue
            if kind in ("checkbox", "radio") and "checked" not in element.attrs:
                continue
            default = "on" if kind in ("checkbox", "radio") else ""
            data.setdefault(name, []).append(element.attrs.get("value") or default)
        elif element.tag == "textarea":
            data.setdefault(name, []).append(element.text().removeprefix("\n"))
        elif element.tag == "select":
            options = element.find_all("option")
            chosen = [option for option in options if "selected" in option.attrs]
            if not chosen and options and "multiple" not in element.attrs:
                chosen = options[:1]
            data[name] = [option.attrs.get("value", option.text()) for option in chosen]
    return data


def save(client, obj, action="save", **changes):
    url = change_url(obj)
    data = form_as_sent(client, url)
    data.update({name: [value] for name, value in changes.items()})
    data["action"] = [action]
    return client.post(url, data)


def public_text(client, *urls):
    client.logout()
    return "\n".join(text_of(client.get(url)) for url in urls)


PUBLIC_PAGES = [
    "/en/",
    "/en/about/",
    "/en/offices/",
    "/en/offices/regional-office-for-central-asia/",
    "/en/countries/",
    "/en/countries/uzbekistan/",
    "/en/programmes/",
    "/en/news/",
    "/sitemap.xml",
    "/api/v1/offices/",
    "/api/v1/offices/regional-office-for-central-asia/",
    "/api/v1/countries/",
    "/api/v1/thematic-areas/",
    "/en/programmes/export.csv",
    "/en/news/export.csv",
]


def test_an_editors_edit_of_the_regional_office_is_a_draft_until_it_is_published(
    client, seeded, editor, publisher
):
    office = Office.objects.get(slug=REGIONAL_OFFICE)
    revisions = office.history.count()
    login(client, editor)
    assert buttons(client.get(change_url(office))) == ["save", "submit"]
    response = save(
        client, office, description_en=f"{office.description_en} {MARKER}", action="submit"
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    office.refresh_from_db()
    assert MARKER not in office.description
    assert Draft.of(office).state == Status.REVIEW
    preview = client.get(f"/admin/programmes/office/{office.pk}/preview/").content.decode()
    assert MARKER in preview
    compare = client.get(f"/admin/programmes/office/{office.pk}/draft/compare/")
    assert [str(change["field"]) for change in compare.context["changes"]] == ["description [en]"]
    assert MARKER not in public_text(client, *PUBLIC_PAGES)

    login(client, publisher)
    response = save(client, office, action="publish", comment="Checked against the source.")
    assert response.status_code == 302, response.content.decode()[:3000]
    office.refresh_from_db()
    assert MARKER in office.description and not Draft.objects.exists()
    assert office.history.count() == revisions + 1  # the published version is a revision
    assert MARKER in public_text(client, "/en/about/", f"/en/offices/{REGIONAL_OFFICE}/")


def test_an_editor_cannot_publish_an_office_by_a_crafted_post(client, seeded, editor):
    office = Office.objects.get(slug=REGIONAL_OFFICE)
    login(client, editor)
    for action in ("publish", "force-publish", "withdraw", "unpublish"):
        response = save(client, office, action=action, city_en="Samarkand", comment="Urgent")
        assert response.status_code == 200, action
        assert "errornote" in response.content.decode(), action
    office.refresh_from_db()
    assert office.city == "Tashkent" and office.status == Status.PUBLISHED


def test_editors_correct_key_figures_and_thematic_areas_and_publishers_publish_them(
    client, seeded, editor, publisher
):
    figure = KeyFigure.objects.order_by("pk").first()
    area = ThematicArea.objects.order_by("pk").first()
    login(client, editor)
    for obj, field in ((figure, "label_en"), (area, "name_en")):
        page = client.get(change_url(obj))
        assert f'name="{field}"' in page.content.decode()  # a form, not a read-only page
        assert buttons(page) == ["save", "submit"]
        response = save(client, obj, **{field: f"{MARKER} {obj}"[:100]})
        assert response.status_code == 302, response.content.decode()[:3000]
    assert MARKER not in public_text(client, "/en/", "/en/about/", "/en/news/")

    login(client, publisher)
    for obj in (figure, area):
        assert save(client, obj, action="publish").status_code == 302
    figure.refresh_from_db()
    area.refresh_from_db()
    assert figure.label.startswith(MARKER) and area.name.startswith(MARKER)
    assert MARKER in public_text(client, "/en/about/")  # the thematic areas
    assert MARKER in public_text(client, "/en/")  # the key figures


def test_a_new_country_is_a_draft_that_no_public_page_names(client, seeded, editor, publisher):
    login(client, editor)
    add = client.post(
        "/admin/programmes/country/add/",
        {
            "name_en": MARKER,
            "name_ru": "",
            "iso_code": "ZZ",
            "slug": MARKER.lower(),
            "sub_region": "other",
            "description_en": "",
            "description_ru": "",
            "action": "save",
        },
    )
    assert add.status_code == 302, add.content.decode()[:3000]
    country = Country.objects.get(iso_code="ZZ")
    assert country.status == Status.DRAFT
    # Linked, by the back door, to live news and a live programme: still named nowhere.
    for item in NewsItem.objects.published()[:3]:
        item.countries.add(country)
    seeded_programme = country.programmes.model.objects.published().first()
    seeded_programme.countries.add(country)
    news_item = NewsItem.objects.published().filter(countries=country).first()
    pages = [
        *PUBLIC_PAGES,
        news_item.get_absolute_url(),
        seeded_programme.get_absolute_url(),
        "/en/news/feed/",
        "/api/v1/news/",
        f"/api/v1/programmes/{seeded_programme.slug}/",
        f"/en/countries/{country.slug}/",
        f"/api/v1/countries/{country.slug}/",
    ]
    assert MARKER not in public_text(client, *pages)
    assert client.get(f"/en/countries/{country.slug}/").status_code == 404
    assert not client.get(f"/en/search/?q={MARKER}").context["results"]

    login(client, publisher)
    assert save(client, country, action="publish").status_code == 302
    assert MARKER in public_text(client, "/en/countries/", news_item.get_absolute_url())


def test_a_withdrawn_office_stays_at_its_address_under_its_notice(client, seeded, publisher):
    office = Office.objects.get(slug="programme-office-astana")
    login(client, publisher)
    response = save(
        client, office, action="withdraw", withdrawal_reason_en="The office moved to Almaty."
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    client.logout()
    page = client.get(office.get_absolute_url())
    assert page.status_code == 200
    assert "The office moved to Almaty." in page.content.decode()
    assert office.get_absolute_url() not in text_of(client.get("/en/offices/"))
    assert office.get_absolute_url() not in text_of(client.get("/sitemap.xml"))
    api = client.get(f"/api/v1/offices/{office.slug}/").json()
    assert api["withdrawn"]["reason"] == "The office moved to Almaty."
    listed = [record["slug"] for record in client.get("/api/v1/offices/").json()["results"]]
    assert office.slug not in listed


def test_a_country_slug_changed_in_a_draft_redirects_once_published(
    client, seeded, editor, publisher
):
    country = Country.objects.get(slug="uzbekistan")
    login(client, editor)
    assert save(client, country, slug="republic-of-uzbekistan", action="submit").status_code == 302
    assert client.get("/en/countries/uzbekistan/").status_code == 200  # still live there

    login(client, publisher)
    assert save(client, country, action="publish").status_code == 302
    for language in ("en", "ru"):
        old = f"/{language}/countries/uzbekistan/"
        assert Redirect.objects.get(old_path=old).new_path == (
            f"/{language}/countries/republic-of-uzbekistan/"
        )
        response = client.get(old)
        assert response.status_code == 301


def test_the_history_numbers_revisions_names_the_action_and_shows_text_changes(
    client, seeded, editor, publisher
):
    office = Office.objects.get(slug=REGIONAL_OFFICE)
    revisions = office.history.count()
    login(client, editor)
    save(client, office, description_en="<b>Bold</b> new words", action="submit")
    login(client, publisher)
    save(client, office, action="publish")
    page = parse_html(client.get(f"/admin/programmes/office/{office.pk}/history/").text)
    newest = page.find("table", id="change-history").find_all("tr")[1]
    cells = [cell.text().strip() for cell in newest.find_all("td")]
    assert cells[1] == f"#{revisions + 1}"
    assert "Approve and publish" in cells
    changes = newest.find_all("li")
    assert [change.find("strong").text() for change in changes] == ["description [en]:"]
    assert "<b>" not in changes[0].text() and changes[0].find("ins").text() == "Bold new words"


def test_a_live_programmes_signatories_are_part_of_its_draft(client, seeded, editor, publisher):
    programme = Programme.objects.filter(signatories__isnull=False).distinct().first()
    first = programme.signatories.order_by("position", "id").first()
    count = programme.signatories.count()
    login(client, editor)
    url = change_url(programme)
    data = form_as_sent(client, url)
    data["signatories-0-name"] = [f"{first.name} {MARKER}"]
    data["signatories-1-DELETE"] = ["on"]
    data["action"] = ["submit"]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert programme.signatories.count() == count  # the live rows are untouched
    assert MARKER not in public_text(client, programme.get_absolute_url())

    login(client, editor)
    again = form_as_sent(client, url)  # the form shows the draft's rows
    assert again["signatories-0-name"] == [f"{first.name} {MARKER}"]
    assert again["signatories-TOTAL_FORMS"] == [str(count - 1)]
    preview = client.get(f"/admin/programmes/programme/{programme.pk}/preview/").content.decode()
    assert MARKER in preview
    compare = client.get(f"/admin/programmes/programme/{programme.pk}/draft/compare/")
    assert [str(change["field"]) for change in compare.context["changes"]] == ["signatories"]

    login(client, publisher)
    response = save(client, programme, action="publish")
    assert response.status_code == 302, response.content.decode()[:3000]
    names = list(programme.signatories.order_by("position", "id").values_list("name", flat=True))
    assert len(names) == count - 1 and names[0] == f"{first.name} {MARKER}"
    assert MARKER in public_text(client, programme.get_absolute_url())


@pytest.mark.parametrize(("model", "rich_text"), [(NewsItem, "body"), (Programme, "description")])
def test_an_untouched_save_of_seeded_rich_text_makes_no_draft(
    client, seeded, editor, model, rich_text
):
    """The seed writes rich text as the sanitiser does (' not &#x27;), so the form sees no
    change in an apostrophe."""
    item = next(row for row in model.objects.published() if "'" in getattr(row, rich_text))
    login(client, editor)
    response = save(client, item)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Draft.of(item) is None
