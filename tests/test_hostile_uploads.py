"""Images uploaded by editors with hostile file names, alt texts, captions and credits.

Every payload is uploaded to the media library as an image named after it, with the payload as
its texts, and chosen by the news item and the programme of the same payload (tests/hostile.py).
Each page's figure must show the alt text, caption and credit as typed, and every file it names
(the image, its renditions, og:image) must be one of the site's own, safely named.
"""

import re

import pytest

from news.models import NewsItem
from programmes.models import Programme
from tests.hostile import detail_params, hostile_fixtures, page_url, read_page

MEDIA_URL = re.compile(r"(https?://testserver)?/media/[-\w./]+", re.ASCII)


hostile, site = hostile_fixtures(images=True)


def assert_figure_as_typed(site, record, language):
    url = page_url(record, language)
    root = read_page(site, url)
    figure = root.find("figure")
    alt = figure.find("img").attrs.get("alt")
    image = record.image  # its texts are the same in both languages
    assert alt == image.alt_text_en, f"{url}: the alt text reads {alt!r:.120}"
    caption = figure.find("figcaption").text()
    wanted = f"{image.caption_en} {image.credit_en}"
    assert caption == wanted, f"{url}: the caption reads {caption!r:.120}, not {wanted!r:.120}"
    files = [figure.find("img").attrs.get("src", "")]
    for element in [figure.find("img"), *figure.find_all("source")]:
        files += [part.split()[0] for part in element.attrs.get("srcset", "").split(", ") if part]
    files += [meta.attrs["content"] for meta in root.find_all("meta", property="og:image")]
    unsafe = [name for name in files if not MEDIA_URL.fullmatch(name)]
    assert not unsafe, f"{url}: image files {unsafe!r:.300}"


@pytest.mark.parametrize(("language", "index"), detail_params())
def test_news_page_shows_the_uploaded_image_by_a_safe_name_with_its_texts(site, language, index):
    assert_figure_as_typed(site, NewsItem.objects.get(slug=f"hostile-news-{index}"), language)


@pytest.mark.parametrize(("language", "index"), detail_params())
def test_programme_page_shows_the_uploaded_image_by_a_safe_name_with_its_texts(
    site, language, index
):
    programme = Programme.objects.get(slug=f"hostile-programme-{index}")
    assert_figure_as_typed(site, programme, language)
