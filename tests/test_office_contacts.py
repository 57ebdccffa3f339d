"""Office contacts (address, phone, e-mail, opening hours, head of office): empty until an
editor fills them in, since the documents give none; then on the office's page, in the offices'
map list, in its JSON-LD and in the API, once published and not before."""

import json

import pytest

from programmes.models import Office
from tests.html_tree import parse_html
from tests.test_reference_workflow import REGIONAL_OFFICE, public_text, save
from tests.test_workflow import login, make_user

pytestmark = pytest.mark.django_db

PAGE = f"/en/offices/{REGIONAL_OFFICE}/"
CONTACTS = {
    "street_address_en": "14 Sharof Rashidov Street\nTashkent 100017",
    "phone": "+998 71 120 80 50",
    "email": "roca.contact@unodc.example",
    "opening_hours_en": "Monday to Friday, 9:00–18:00",
    "head_of_office_en": "Regional Representative",
}


@pytest.fixture
def office(seeded):
    return Office.objects.get(slug=REGIONAL_OFFICE)


def publish_contacts(client, office, **contacts):
    editor, publisher = make_user("editor", "Editors"), make_user("publisher", "Publishers")
    login(client, editor)
    response = save(client, office, action="submit", **(contacts or CONTACTS))
    assert response.status_code == 302, response.content.decode()[:3000]
    login(client, publisher)
    response = save(client, office, action="publish")
    assert response.status_code == 302, response.content.decode()[:3000]
    client.logout()


def structured_data(page):
    tree = parse_html(page)
    [script] = tree.find_all("script", type="application/ld+json")
    return json.loads(script.text())


def test_the_seed_invents_no_contacts(client, office):
    for office in Office.objects.all():
        assert not office.has_contacts and not office.head_of_office
    page = client.get(PAGE).content.decode()
    assert 'id="contact-heading"' not in page
    assert "telephone" not in structured_data(page)


def test_contacts_in_a_draft_stay_out_until_published(client, office):
    login(client, make_user("editor", "Editors"))
    assert save(client, office, **CONTACTS).status_code == 302
    texts = public_text(client, PAGE, "/en/offices/", "/api/v1/offices/", "/en/about/")
    assert "+998 71 120 80 50" not in texts and "roca.contact@" not in texts


def test_published_contacts_are_on_the_page_the_map_list_json_ld_and_api(client, office):
    publish_contacts(client, office)
    page = client.get(PAGE).content.decode()
    tree = parse_html(page)
    [address] = tree.find("main").find_all("address")
    text = address.text()
    assert "14 Sharof Rashidov Street" in text and "Monday to Friday, 9:00–18:00" in text
    assert tree.find_all("a", href="tel:+998711208050")
    assert tree.find_all("a", href="mailto:roca.contact@unodc.example")
    assert "Regional Representative" in page
    data = structured_data(page)
    assert data["telephone"] == "+998 71 120 80 50"
    assert data["email"] == "roca.contact@unodc.example"
    assert data["address"]["streetAddress"] == "14 Sharof Rashidov Street, Tashkent 100017"

    assert 'href="tel:+998711208050"' in client.get("/en/offices/").content.decode()
    assert 'href="tel:+998711208050"' in client.get("/en/").content.decode()  # the map's list
    [footer] = parse_html(client.get("/en/news/").content.decode()).find_all("footer")
    assert "14 Sharof Rashidov Street" in footer.find("address").text()
    listed = client.get("/api/v1/offices/").json()["results"]
    [entry] = [row for row in listed if row["slug"] == office.slug]
    assert entry["phone"] == "+998 71 120 80 50" and entry["email"] == CONTACTS["email"]


def test_an_english_only_address_is_marked_english_on_the_russian_page(client, office):
    publish_contacts(client, office)
    tree = parse_html(client.get(f"/ru/offices/{REGIONAL_OFFICE}/").content.decode())
    [address] = tree.find("main").find_all("address")
    marked = [element for element in address.iter() if element.attrs.get("lang") == "en"]
    assert any("Sharof Rashidov" in element.text() for element in marked)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "71 120 80 50", "in international form"),
        ("phone", "+998 <script>", "in international form"),
        ("email", "roca at unodc", "Enter a valid email address."),
    ],
)
def test_a_bad_phone_or_email_is_refused_with_a_sentence(client, office, field, value, message):
    login(client, make_user("editor", "Editors"))
    response = save(client, office, **{field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    office.refresh_from_db()
    assert not office.has_contacts
