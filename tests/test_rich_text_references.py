"""Rich text that carries what stories need: links to the site's own items stored as references
(a slug change never breaks them; an item that is not public reads as plain text), images from
the media library (alt text required unless decorative; usage listed, deletion refused) and
tables with a header row, at a query count that does not grow with links, images or data."""

import re

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from editorial.models import Redirect, Status
from editorial.richtext import for_readers, links_in, to_storage
from news.models import NewsItem
from tests.test_reference_workflow import form_as_sent
from tests.test_workflow import login

pytestmark = pytest.mark.django_db


def post_body(client, item, body, action="publish"):
    url = f"/admin/news/newsitem/{item.pk}/change/"
    data = form_as_sent(client, url)
    data["body_en"] = [body]
    data["action"] = [action]
    data["comment"] = ["Checked."]
    return client.post(url, data)


def body_of(client, url):
    html = client.get(url).content.decode()
    return html[html.index('<div class="prose"') :].split("</div>", 1)[0]


def test_a_link_to_a_story_survives_its_slug_change_in_both_languages(client, make_news):
    target = make_news(title="Heroin seized", slug="heroin-seized")
    stored = to_storage('<p>See <a href="/en/news/heroin-seized/">the seizure</a>.</p>')
    assert f'data-ref="news.newsitem:{target.pk}"' in stored
    story = make_news(body=stored)

    target.slug = "heroin-seized-at-the-border"
    target.save()

    assert 'href="/en/news/heroin-seized-at-the-border/"' in body_of(
        client, f"/en/news/{story.slug}/"
    )
    assert 'href="/ru/news/heroin-seized-at-the-border/"' in body_of(
        client, f"/ru/news/{story.slug}/"
    )
    assert "data-ref" not in body_of(client, f"/en/news/{story.slug}/")


def test_the_editor_is_shown_each_link_at_its_address_of_today(admin_client, make_news):
    target = make_news(slug="old-address")
    story = make_news(body=to_storage('<p><a href="/ru/news/old-address/">link</a></p>'))
    NewsItem.objects.filter(pk=target.pk).update(slug="new-address")
    form = admin_client.get(f"/admin/news/newsitem/{story.pk}/change/").content.decode()
    assert "/en/news/new-address/" in form and "old-address" not in form


def test_a_link_to_an_item_not_public_reads_as_plain_text_and_is_listed_for_editors(
    client, admin_client, make_news, programme
):
    withdrawn = make_news(slug="withdrawn-story")
    body = to_storage(
        '<p><a href="/en/news/withdrawn-story/">the old story</a> and '
        f'<a href="http://localhost/en/programmes/{programme.slug}/">the programme</a></p>'
    )
    story = make_news(body=body)
    withdrawn.status = Status.WITHDRAWN
    withdrawn.save()

    shown = body_of(client, f"/en/news/{story.slug}/")
    assert "the old story" in shown and "withdrawn-story" not in shown
    assert f'href="/en/programmes/{programme.slug}/"' in shown
    assert [(item, words, public) for item, words, public in links_in([story.body])] == [
        (withdrawn, "the old story", False),
        (programme, "the programme", True),
    ]
    form = admin_client.get(f"/admin/news/newsitem/{story.pk}/change/").content.decode()
    assert "Links readers see as plain text" in form and withdrawn.title in form


def test_pages_offices_countries_and_old_addresses_resolve_to_their_items(make_news, kazakhstan):
    from pages.models import Page

    about = Page.objects.create(title="About", slug="about-us", status=Status.PUBLISHED)
    partners = Page.objects.create(title="Partners", slug="partners", parent=about)  # a draft
    moved = make_news(slug="moved-here")
    Redirect.objects.create(old_path="/en/news/was-here/", new_path="/en/news/moved-here/")
    stored = to_storage(
        '<a href="/en/about-us/">alpha</a> <a href="/en/about-us/partners/">beta</a> '
        f'<a href="/ru/countries/{kazakhstan.slug}/">gamma</a> '
        '<a href="/en/news/was-here/">delta</a> '
        '<a href="https://evil.example/en/news/moved-here/">epsilon</a> '
        '<a href="/en/nowhere/">zeta</a>'
    )
    for item in (about, partners, kazakhstan, moved):
        assert f'data-ref="{item._meta.label_lower}:{item.pk}"' in stored
    assert stored.count("data-ref") == 4
    shown = for_readers(stored)
    assert '<a href="/en/about-us/">alpha</a>' in shown
    assert " beta " in shown  # the draft page: plain text until it is published
    assert '<a href="/en/news/moved-here/">delta</a>' in shown
    assert '<a href="https://evil.example/en/news/moved-here/">epsilon</a>' in shown


@pytest.mark.parametrize(
    "crafted",
    [
        '<a href="https://www.unodc.org/" data-ref="auth.user:1">x</a>',
        '<a data-ref="news.newsitem:1">x</a>',
        '<a href="javascript:alert(1)" data-ref="news.newsitem:1">x</a>',
    ],
)
def test_a_reference_is_never_taken_from_what_the_browser_sent(crafted, make_news):
    make_news()
    assert "data-ref" not in to_storage(crafted)


def test_library_images_in_a_body_take_the_librarys_alt_text_and_render_as_pictures(
    client, admin_client, make_news, make_image
):
    image = make_image(alt_text="Officers at a border post", credit="UNODC/A. Photographer")
    story = make_news(status=Status.DRAFT)
    response = post_body(
        admin_client,
        story,
        f'<figure><img src="/media/x.jpg" alt="" data-file="{image.pk}">'
        "<figcaption>The post at dawn.</figcaption></figure><p>Text.</p>",
        "save",
    )
    page = response.content.decode()
    assert response.status_code == 302, re.findall(r"errorlist[^>]*>(.{0,300})", page)
    NewsItem.objects.filter(pk=story.pk).update(status=Status.PUBLISHED)
    story.refresh_from_db()
    assert 'alt="Officers at a border post"' in story.body_en

    shown = body_of(client, f"/en/news/{story.slug}/")
    assert "<picture>" in shown and 'type="image/webp"' in shown and 'loading="lazy"' in shown
    assert 'alt="Officers at a border post"' in shown
    assert "The post at dawn." in shown and "UNODC/A. Photographer" in shown
    assert (story, "text") in image.usage()
    assert image.is_used_by_something_public()

    delete = admin_client.post(f"/admin/images/image/{image.pk}/delete/", {"post": "yes"})
    assert image.__class__.objects.filter(pk=image.pk).exists()
    assert story.title in delete.content.decode()


def test_an_image_not_from_the_library_or_without_alt_text_is_refused_with_a_sentence(
    admin_client, make_news, make_image
):
    story = make_news(body="<p>Kept.</p>", status=Status.DRAFT)
    response = post_body(
        admin_client, story, '<img src="https://evil.example/x.png" alt="x">', "save"
    )
    assert response.status_code == 200
    assert "not from the media library" in response.content.decode()

    unnamed = make_image(alt_text="", title="Unnamed photo")
    response = post_body(
        admin_client, story, f'<img src="/x" alt="" data-file="{unnamed.pk}">', "save"
    )
    assert "has no alt text" in response.content.decode()
    story.refresh_from_db()
    assert story.body_en == "<p>Kept.</p>"

    decorative = make_image(alt_text="", title="Pattern", is_decorative=True)
    stored = to_storage(f'<img src="/x" alt="a pattern" data-file="{decorative.pk}">', "en")
    assert 'alt=""' in stored


def test_a_table_gets_a_header_row_and_accessible_markup(client, make_news):
    stored = to_storage(
        "<table><tbody><tr><td>Country</td><td>Seizures</td></tr>"
        "<tr><td>Kazakhstan</td><td>12</td></tr></tbody></table>"
    )
    assert "<th>Country</th>" in stored
    story = make_news(body=stored)
    shown = body_of(client, f"/en/news/{story.slug}/")
    assert '<thead><tr><th scope="col">Country</th><th scope="col">Seizures</th></tr></thead>' in (
        shown
    )
    assert 'role="region"' in shown and 'tabindex="0"' in shown
    assert "<td>Kazakhstan</td>" in shown


def test_storing_is_idempotent_so_an_untouched_save_is_no_change(make_news, programme):
    make_news(slug="target")
    once = to_storage(
        f'<p>It&#x27;s <a href="/en/news/target/">here</a>, <a href="/en/programmes/'
        f'{programme.slug}/">there</a></p><table><tbody><tr><th>a</th></tr></tbody></table>'
    )
    assert to_storage(once) == once


def test_a_body_with_twenty_links_and_five_images_costs_no_query_per_link_or_image(
    client, make_news, make_image, programme, kazakhstan, count_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # the page's own queries, not a cached copy
    images = [make_image(title=f"Photo {n}") for n in range(5)]
    targets = [make_news(slug=f"target-{n}") for n in range(18)]

    def body(news_links, image_count):
        links = "".join(
            f'<a href="/en/news/{t.slug}/">{t.title}</a> ' for t in targets[:news_links]
        )
        links += f'<a href="/en/programmes/{programme.slug}/">p</a>'
        links += f'<a href="/en/countries/{kazakhstan.slug}/">c</a>'
        figures = "".join(
            f'<figure><img src="/x" alt="" data-file="{image.pk}"></figure>'
            for image in images[:image_count]
        )
        return to_storage(f"<p>{links}</p>{figures}", "en")

    make_news(body=body(1, 1), slug="small")
    large = make_news(body=body(18, 5), slug="large")
    assert large.body.count("data-ref") == 20 and large.body.count("data-file") == 5

    def queries(slug):
        cache.clear()  # nothing kept: the links and images are read from the database
        return count_queries(lambda: client.get(f"/en/news/{slug}/"))

    counts = [queries("small"), queries("large")]
    assert counts[0] == counts[1], counts
    for n in range(30):  # many more stories: still the same
        make_news(slug=f"more-{n}")
    assert queries("large") == counts[1]


def test_bad_markup_never_breaks_storing_or_reading():
    for text in ["<a href='/en/news/'>", "<table><tr>", "<img data-file='x'>", "<![>", "<a>"]:
        try:
            stored = to_storage(text)
        except ValidationError:
            continue
        for_readers(stored)


def test_an_editor_adds_a_link_to_a_programme_through_the_form(
    client, editor, make_news, programme
):
    story = make_news(status=Status.DRAFT)
    login(client, editor)
    response = post_body(
        client,
        story,
        f'<p><a href="/en/programmes/{programme.slug}/">The programme</a></p>',
        "save",
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert f'data-ref="programmes.programme:{programme.pk}"' in story.body_en
