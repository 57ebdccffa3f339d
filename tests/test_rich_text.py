import pytest
from django.db import models
from django.test import Client

from editorial.richtext import for_readers, paragraphs_to_html, sanitize
from editorial.templatetags.rich_text import plain_text
from news.models import NewsItem

HOSTILE = [
    ("<script>alert(1)</script><p>ok</p>", "<p>ok</p>"),
    ('<img src="x" onerror="alert(1)">', ""),
    ('<p onclick="alert(1)">text</p>', "<p>text</p>"),
    ('<a href="javascript:alert(1)">link</a>', "<a>link</a>"),
    ('<a href="JaVaScRiPt:alert(1)">link</a>', "<a>link</a>"),
    ('<a href="&#106;avascript:alert(1)">link</a>', "<a>link</a>"),
    ('<a href="data:text/html,<script>alert(1)</script>">link</a>', "<a>link</a>"),
    ('<a href="vbscript:msgbox(1)">link</a>', "<a>link</a>"),
    ("<style>body{display:none}</style><p>ok</p>", "<p>ok</p>"),
    ('<p style="background:url(javascript:alert(1))">text</p>', "<p>text</p>"),
    ('<iframe src="https://evil.example"></iframe>', ""),
    ('<svg onload="alert(1)"><circle r="1"/></svg>', ""),
    ('<object data="x.swf"></object><embed src="x.swf">', ""),
    ('<form action="https://evil.example"><input name="p"></form>', ""),
    ("<scr<script>ipt>alert(1)</script>", "ipt&gt;alert(1)"),
    ('<math><mi xlink:href="javascript:alert(1)">x</mi></math>', ""),
    (
        '<a href="https://www.unodc.org/" target="_blank" rel="opener">UNODC</a>',
        '<a href="https://www.unodc.org/" rel="noopener noreferrer">UNODC</a>',
    ),
]

ALLOWED = [
    "<h2>Heading</h2>",
    "<h3>Sub-heading</h3>",
    "<p>Text with <strong>bold</strong> and <em>italic</em>.</p>",
    "<ul><li>one</li><li>two</li></ul>",
    "<ol><li>first</li></ol>",
    "<blockquote><p>Quoted</p></blockquote>",
    '<p><a href="https://www.unodc.org/">link</a> and <a href="mailto:roca@un.org">mail</a></p>',
    "<p>line<br>break</p>",
]


@pytest.mark.parametrize(("hostile", "expected"), HOSTILE)
def test_hostile_html_is_cleaned_to_the_allow_list(hostile, expected):
    cleaned = for_readers(hostile)
    for danger in [
        "<script",
        "onerror",
        "onclick",
        "onload",
        "javascript:",
        "style=",
        "<iframe",
        "<svg",
        "<object",
        "<embed",
        "<form",
        "<input",
        "data:text",
        "vbscript",
    ]:
        assert danger not in cleaned.lower(), (hostile, cleaned)
    if "rel=" in expected:
        assert 'href="https://www.unodc.org/"' in cleaned and "target" not in cleaned
    else:
        assert cleaned == expected


@pytest.mark.parametrize("html", ALLOWED)
def test_what_the_editor_offers_survives_cleaning(html):
    assert sanitize(html) == html


def test_seeded_plain_text_becomes_escaped_paragraphs():
    assert paragraphs_to_html("One <b>\nline.\n\nTwo.") == "<p>One &lt;b&gt; line.</p><p>Two.</p>"


@pytest.mark.django_db
def test_hostile_html_saved_from_the_admin_is_stored_clean(admin_client):
    admin_client.post(
        "/admin/news/newsitem/add/",
        {
            "title_en": "Story",
            "slug": "story",
            "summary_en": "Summary",
            "body_en": '<p onclick="x()">Hi</p><script>alert(1)</script>',
            "status": "draft",
        },
    )
    assert NewsItem.objects.get(slug="story").body_en == "<p>Hi</p>"


@pytest.mark.django_db
def test_hostile_html_already_in_the_database_never_reaches_a_page(client, make_news):
    item = make_news(body='<p>Hi</p><script>alert(1)</script><a href="javascript:x()">l</a>')
    html = client.get(f"/en/news/{item.slug}/").text
    assert "<script>alert(1)</script>" not in html and "javascript:x()" not in html
    assert "<p>Hi</p>" in html


# Text that Python's html.parser raises on (`<![>` and kin), with other half-open markup.
PARSER_BREAKERS = [
    "<![>",
    "<![ >",
    "<![]>",
    "<![->",
    "a <![> b",
    "<!",
    "</",
    "<![CDATA[",
    "<!--",
    "<?",
    "&#x110000;",
    "<a b='<![>'>",
]


def fill_text_fields(obj, text):
    """Every free-text field of obj (each language) starts with the text."""
    for field in obj._meta.concrete_fields:
        free_text = isinstance(field, models.CharField | models.TextField) and not isinstance(
            field, models.SlugField | models.URLField
        )
        if free_text and not field.choices and (field.max_length or 1000) > 40:
            setattr(obj, field.attname, f"{text} {field.name}")
    obj.save()


@pytest.mark.django_db
@pytest.mark.parametrize("text", PARSER_BREAKERS)
def test_half_open_markup_in_any_text_field_never_takes_a_page_down(
    text, admin_client, programme, kazakhstan, drugs, make_news
):
    for obj in [programme, kazakhstan, drugs]:
        fill_text_fields(obj, text)
    item = make_news(countries=[kazakhstan], programmes=[programme], thematic_areas=[drugs])
    fill_text_fields(item, text)
    reader = Client(raise_request_exception=False)
    pages = [
        f"/{lang}/{path}"
        for lang in ["en", "ru"]
        for path in [
            "",
            f"programmes/{programme.slug}/",
            "programmes/",
            f"countries/{kazakhstan.slug}/",
            f"news/{item.slug}/",
            "news/",
            "news/feed/",
            f"search/?q={programme.slug}",
        ]
    ]
    for page in pages:
        assert reader.get(page).status_code == 200, page
    for preview in [
        f"/admin/programmes/programme/{programme.pk}/preview/",
        f"/admin/news/newsitem/{item.pk}/preview/",
    ]:
        assert admin_client.get(preview).status_code == 200, preview


@pytest.mark.parametrize("text", PARSER_BREAKERS)
def test_plain_text_of_any_rich_text_is_its_words(text):
    assert plain_text(f"<p>Border <b>liaison</b> &amp; {text}</p>").startswith("Border liaison & ")


@pytest.mark.django_db
def test_programme_description_meta_is_the_vision_as_written(client, programme):
    programme.vision = "Heroin <![> seizures & more"
    programme.save()
    html = client.get(f"/en/programmes/{programme.slug}/").text
    assert '<meta name="description" content="Heroin &lt;![&gt; seizures &amp; more">' in html
