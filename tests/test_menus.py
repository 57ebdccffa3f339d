"""The main menu and the footer: links editors change in the admin through the same workflow as
everything else (a draft over a live link, review, a publisher publishes), read from the
published rows, never stale in the page cache."""

import re

import pytest

from editorial.models import Draft, Status
from pages.menus import menus_for
from pages.models import MenuItem, Page
from tests.test_pages import page
from tests.test_reference_workflow import form_as_sent
from tests.test_workflow import login

pytestmark = pytest.mark.django_db

ADD = "/admin/pages/menuitem/add/"


def add(client, action="save", **fields):
    data = form_as_sent(client, ADD)
    data.update({name: [value] for name, value in fields.items()})
    data["action"] = [action]
    return client.post(ADD, data)


def change(client, item, action="save", **fields):
    url = f"/admin/pages/menuitem/{item.pk}/change/"
    data = form_as_sent(client, url)
    data.update({name: [value] for name, value in fields.items()})
    data["action"] = [action]
    return client.post(url, data)


def main_menu(client, path="/en/news/"):
    html = client.get(path).content.decode()
    nav = re.search(r'<nav aria-label="[^"]*" class="main-nav">.*?</nav>', html, re.S)
    return nav.group(0) if nav else ""


def footer(client, path="/en/news/"):
    return re.search(r"<footer.*?</footer>", client.get(path).content.decode(), re.S).group(0)


def links(html):
    return re.findall(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', html)


def test_the_menus_have_the_links_the_site_had_in_both_languages(client, seeded):
    assert links(main_menu(client)) == [
        ("/en/news/", "News"),
        ("/en/publications/", "Publications"),
        ("/en/programmes/", "Programmes"),
        ("/en/countries/", "Countries"),
        ("/en/offices/", "Offices"),
        ("/en/about/", "About"),
    ]
    assert links(main_menu(client, "/ru/news/")) == [
        ("/ru/news/", "Новости"),
        ("/ru/publications/", "Публикации"),
        ("/ru/programmes/", "Программы"),
        ("/ru/countries/", "Страны"),
        ("/ru/offices/", "Офисы"),
        ("/ru/about/", "О нас"),
    ]
    assert ("/en/sources/", "Source documents") in links(footer(client))
    assert ("/api/", "Открытые данные (API)") in links(footer(client, "/ru/"))


@pytest.mark.parametrize(
    "path, current",
    [
        ("/en/news/", "/en/news/"),
        ("/en/news/2018-annual-report-together-making-the-region-safer/", "/en/news/"),
        ("/en/countries/kazakhstan/", "/en/countries/"),
        ("/ru/about/", "/ru/about/"),
        ("/en/", None),
    ],
)
def test_the_current_section_is_marked(client, seeded, path, current):
    marked = re.findall(r'<a href="([^"]*)"[^>]*aria-current="page"', main_menu(client, path))
    assert marked == ([current] if current else [])


def test_an_editors_label_change_is_a_draft_until_a_publisher_approves_it(
    client, seeded, editor, publisher
):
    news = MenuItem.objects.get(menu="main", url="/en/news/")
    login(client, editor)
    response = change(client, news, label_en="Latest news")
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Draft.of(news) is not None
    assert change(client, news, action="submit").status_code == 302
    client.logout()
    assert ("/en/news/", "News") in links(main_menu(client))
    assert "Latest news" not in main_menu(client)

    login(client, publisher)
    response = change(client, news, action="publish")
    assert response.status_code == 302, response.content.decode()[:3000]
    client.logout()
    assert ("/en/news/", "Latest news") in links(main_menu(client))
    assert ("/ru/news/", "Новости") in links(main_menu(client, "/ru/news/"))
    assert news.history.count() >= 1


def test_an_editor_cannot_publish_a_menu_link(client, seeded, editor):
    login(client, editor)
    response = add(client, action="publish", menu="footer", label_en="Contact", url="/en/news/")
    assert response.status_code == 200
    assert not MenuItem.objects.filter(label_en="Contact", status=Status.PUBLISHED).exists()
    client.logout()
    assert "Contact" not in footer(client)


def test_a_publishers_new_footer_link_appears_on_the_cached_pages(
    client, seeded, editor, publisher
):
    assert "Vacancies" not in footer(client)  # the page is now in the page cache
    login(client, editor)
    response = add(
        client,
        action="submit",
        menu="footer",
        label_en="Vacancies",
        label_ru="Вакансии",
        url="/en/news/",
        position="30",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    item = MenuItem.objects.get(label_en="Vacancies")
    assert item.status == Status.REVIEW
    client.logout()
    assert "Vacancies" not in footer(client)

    login(client, publisher)
    assert change(client, item, action="publish").status_code == 302
    client.logout()
    assert ("/en/news/", "Vacancies") in links(footer(client))
    assert ("/ru/news/", "Вакансии") in links(footer(client, "/ru/"))


@pytest.mark.parametrize(
    "menu, url, accepted",
    [
        ("main", "https://www.unodc.org/centralasia/", True),
        ("main", "http://www.unodc.org/centralasia/", False),
        ("main", "javascript:alert(1)", False),
        ("footer", "JavaScript:alert(1)", False),
        ("main", "//evil.example/", False),
        ("main", "/en/news/ x", False),
        ("main", "/en/news/", True),
        ("social", "https://x.com/unodc_roca", True),
        ("social", "/en/news/", False),
        ("social", "data:text/html,hi", False),
    ],
)
def test_only_site_paths_and_https_addresses_are_accepted(client, publisher, menu, url, accepted):
    login(client, publisher)
    response = add(client, menu=menu, label_en="Link", url=url)
    assert (response.status_code == 302) == accepted, response.content.decode()[:3000]
    assert MenuItem.objects.filter(label_en="Link", url=url).exists() == accepted
    if not accepted:
        assert "https://" in response.content.decode()


def test_a_link_needs_a_page_or_an_address_not_both(client, publisher):
    login(client, publisher)
    target = page("contact")
    response = add(client, menu="main", label_en="Contact")
    assert "Choose the page the link leads to" in response.content.decode()
    response = add(client, menu="main", label_en="Contact", page=str(target.pk), url="/en/")
    assert "Give a page or an address, not both." in response.content.decode()
    assert not MenuItem.objects.filter(label_en="Contact").exists()


def test_a_link_to_a_page_the_public_cannot_open_is_hidden(client, seeded):
    draft = page("partners", status=Status.DRAFT, title="Partners")
    under_draft = page("donors", parent=draft, title="Donors")
    for position, target in enumerate([draft, under_draft], start=60):
        MenuItem.objects.create(
            menu="main",
            label_en=target.title,
            page=target,
            position=position,
            status=Status.PUBLISHED,
        )
    assert "Partners" not in main_menu(client) and "Donors" not in main_menu(client)
    draft.status = Status.PUBLISHED
    draft.save()
    assert ("/en/partners/", "Partners") in links(main_menu(client))
    assert ("/en/partners/donors/", "Donors") in links(main_menu(client))


def test_a_draft_or_scheduled_link_is_not_shown(client, seeded):
    MenuItem.objects.create(menu="main", label_en="Drafted", url="/en/news/")
    assert "Drafted" not in main_menu(client)


def test_a_page_in_a_menu_cannot_be_deleted(seeded):
    about = Page.objects.get(slug="about")
    with pytest.raises(Exception, match="protected"):
        about.delete()


def test_the_footer_shows_the_regional_offices_contacts_only_when_given(client, seeded):
    assert "<address" not in footer(client)
    page_text = footer(client)
    assert "tel:" not in page_text and "mailto:" not in page_text
    from programmes.models import Office

    office = Office.objects.get(kind=Office.Kind.REGIONAL)
    office.phone = "+998 71 120 00 00"
    office.email = "unodc-roca@example.org"
    office.save()
    html = footer(client)
    assert '<a href="tel:+998711200000">+998 71 120 00 00</a>' in html
    assert '<a href="mailto:unodc-roca@example.org">unodc-roca@example.org</a>' in html


def test_the_menus_take_two_queries_then_none_until_the_content_changes(seeded, count_queries):
    assert count_queries(lambda: menus_for("en")) == 2
    assert count_queries(lambda: menus_for("en")) == 0
    MenuItem.objects.create(
        menu="footer", label_en="More", url="/en/news/", status=Status.PUBLISHED, position=90
    )
    assert count_queries(lambda: menus_for("en")) == 2
    assert "More" in [link["label"] for link in menus_for("en")["footer"]]
