"""The pages editors own: a tree at most three levels deep, each at the address its place in
the tree gives, through the same workflow as everything else (drafts over live pages, review,
redirects on a slug change), and never public before it is published."""

import pytest

from editorial.models import Draft, Status
from pages.models import Page
from tests.test_drafts import text_of
from tests.test_reference_workflow import form_as_sent
from tests.test_workflow import login

pytestmark = pytest.mark.django_db

ADD = "/admin/pages/page/add/"
MARKER = "Quuxcontactword"


def page(slug, parent=None, status=Status.PUBLISHED, **fields):
    return Page.objects.create(
        title=fields.pop("title", slug.title()),
        slug=slug,
        parent=parent,
        status=status,
        body=fields.pop("body", f"<p>About {slug}.</p>"),
        **fields,
    )


def add(client, action="save", **fields):
    data = form_as_sent(client, ADD)
    data.update({name: [value] for name, value in fields.items()})
    data["action"] = [action]
    return client.post(ADD, data)


def change(client, obj, action="save", **fields):
    url = f"/admin/pages/page/{obj.pk}/change/"
    data = form_as_sent(client, url)
    data.update({name: [value] for name, value in fields.items()})
    data["action"] = [action]
    return client.post(url, data)


def test_a_page_goes_live_at_its_address_once_published(client, editor, publisher):
    login(client, editor)
    response = add(
        client,
        action="submit",
        title_en="Contact",
        slug="contact",
        summary_en="How to reach the office.",
        body_en=f"<p>Write to us. {MARKER}</p>",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    contact = Page.objects.get(slug="contact")
    assert contact.status == Status.REVIEW
    assert client.get(f"/admin/pages/page/{contact.pk}/preview/").status_code == 200
    client.logout()
    for url in ("/en/contact/", "/sitemap.xml", "/en/", "/en/search/?q=contact"):
        assert MARKER not in text_of(client.get(url)), url
    assert "/en/contact/" not in text_of(client.get("/sitemap.xml"))
    assert client.get("/en/contact/").status_code == 404

    login(client, publisher)
    assert change(client, contact, action="publish").status_code == 302
    client.logout()
    response = client.get("/en/contact/")
    assert response.status_code == 200 and MARKER in response.content.decode()
    assert "How to reach the office." in response.content.decode()
    assert "/en/contact/" in text_of(client.get("/sitemap.xml"))
    russian = client.get("/ru/contact/").content.decode()
    assert 'lang="en"' in russian and MARKER in russian  # shown in English, saying so


def test_an_edit_of_a_live_page_is_a_draft_and_a_new_slug_redirects(client, editor, publisher):
    contact = page("contact")
    login(client, editor)
    assert change(client, contact, slug="contacts", body_en=f"<p>{MARKER}</p>").status_code == 302
    assert Draft.of(contact) is not None
    client.logout()
    assert MARKER not in client.get("/en/contact/").content.decode()

    login(client, publisher)
    draft = Draft.of(contact).applied_to(contact)
    response = change(client, contact, action="publish", slug=draft.slug, body_en=draft.body)
    assert response.status_code == 302, response.content.decode()[:3000]
    client.logout()
    moved = client.get("/en/contact/")
    assert moved.status_code == 301 and moved["Location"] == "/en/contacts/"
    assert MARKER in client.get("/en/contacts/").content.decode()


def test_pages_nest_three_levels_and_list_their_published_subpages(client):
    about = page("who-we-are", title="Who we are")
    partners = page("partners", parent=about, title="Partners and donors")
    donors = page("donors", parent=partners, title="Donors")
    page("hidden", parent=about, status=Status.DRAFT, title="Hidden draft")
    response = client.get("/en/who-we-are/partners/donors/")
    assert response.status_code == 200
    assert response.context["object"] == donors
    text = client.get("/en/who-we-are/").content.decode()
    assert "Partners and donors" in text and "Hidden draft" not in text
    assert client.get("/en/partners/").status_code == 404  # not at the top
    assert client.get("/en/who-we-are/hidden/").status_code == 404


def test_a_page_under_an_unpublished_one_is_not_public(client):
    parent = page("office-life", status=Status.DRAFT)
    page("vacancies", parent=parent)
    assert client.get("/en/office-life/vacancies/").status_code == 404
    assert "vacancies" not in text_of(client.get("/sitemap.xml"))


@pytest.mark.parametrize(
    "path", ["/en/no-such-page/", "/en/a/b/c/d/", "/en/%00/", "/ru/who/../etc/"]
)
def test_unknown_addresses_are_404s(client, path):
    page("who")
    assert client.get(path).status_code == 404


def test_a_slug_a_section_of_the_site_takes_or_a_fourth_level_is_refused(client, publisher):
    login(client, publisher)
    for slug in ("news", "sources", "search"):
        response = add(client, title_en="Clash", slug=slug, body_en="<p>x</p>")
        assert "This address belongs to a section of the site" in response.content.decode()
    top = page("one")
    second = page("two", parent=top)
    third = page("three", parent=second)
    response = add(client, title_en="Four", slug="four", parent=str(third.pk), body_en="<p>x</p>")
    assert "at most three levels deep" in response.content.decode()
    response = change(client, top, parent=str(third.pk))
    assert "cannot be placed under itself" in response.content.decode()
    assert not Page.objects.filter(slug__in=["news", "sources", "search", "four"]).exists()


def test_a_parent_slug_change_redirects_its_subpages_too(client):
    about = page("who-we-are")
    partners = page("partners", parent=about)
    page("donors", parent=partners)
    about.slug = "about-us"
    about.save()
    for language in ("en", "ru"):
        response = client.get(f"/{language}/who-we-are/partners/donors/")
        assert response.status_code == 301
        assert response["Location"] == f"/{language}/about-us/partners/donors/"
    assert client.get("/en/who-we-are/partners/")["Location"] == "/en/about-us/partners/"
    assert client.get("/en/about-us/partners/donors/").status_code == 200


def test_the_site_search_finds_the_pages_the_public_can_open(client):
    vacancies = page("vacancies", title="Vacancies", body="<p>Programme officer in Tashkent.</p>")
    hidden = page("partners", status=Status.DRAFT)
    page("donors", parent=hidden, body="<p>Programme officer wanted by donors.</p>")
    page("draft-job", status=Status.DRAFT, body="<p>Programme officer, a draft.</p>")

    response = client.get("/en/search/", {"q": "programme officer"})

    results = response.context["results"]
    assert [(result.title, result.url) for result in results] == [
        ("Vacancies", vacancies.get_absolute_url())
    ]
    assert results[0].kind == "page"
    assert list(Page.objects.reachable()) == [vacancies]


def test_an_edit_of_the_about_page_goes_through_review(client, seeded, editor, publisher):
    about = Page.objects.get(parent=None, slug="about")
    login(client, editor)
    body = f"<p>{MARKER} UNODC began its presence in Central Asia in 1993.</p>"
    assert change(client, about, body_en=body).status_code == 302
    assert change(client, about, action="submit").status_code == 302
    client.logout()
    assert MARKER not in client.get("/en/about/").content.decode()

    login(client, publisher)
    assert change(client, about, action="publish").status_code == 302
    client.logout()
    html = client.get("/en/about/").content.decode()
    assert MARKER in html
    assert "Tackling corruption and its catastrophic impact on societies." in html  # the areas
    assert "Programme Office in Bishkek" in html  # the offices


def test_the_about_page_is_seeded_from_its_source_document(client, seeded):
    about = Page.objects.get(parent=None, slug="about")
    assert about.status == Status.PUBLISHED
    assert [source.slug for source in about.sources.all()] == [
        "about-unodc-in-central-asia",
        "unodc-in-central-asia-and-azerbaijan",
    ]
    russian = client.get("/ru/about/").content.decode()
    assert "<h1>УНП ООН в Центральной Азии</h1>" in russian
    assert "/ru/sources/about-unodc-in-central-asia/" in russian
