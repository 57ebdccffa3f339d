"""Small and self-contained: pages ask nothing of other hosts, and their CSS and JS stay small.

bench/lighthouse.py measures the same on the production-like server, with Lighthouse's scores.
"""

import gzip

import pytest

from tests.public_pages import LANGUAGES, add_page_states, public_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(site, settings, tmp_path):
    """The seeded site with the states of the page types the seed lacks."""
    settings.MEDIA_ROOT = tmp_path / "media"
    add_page_states(settings.MEDIA_ROOT)
    return site


CSS_AND_JS_BUDGET = 50 * 1024  # bytes, gzip-compressed, for all the CSS and JS of all pages


def test_pages_load_only_their_own_small_css_and_js(site, page):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    css_and_js = []
    page.on(
        "response",
        lambda response: (
            response.request.resource_type in ("stylesheet", "script")
            and css_and_js.append(response)
        ),
    )
    sizes = {}
    for language in LANGUAGES:
        for name, path, status in public_pages(language):
            response = page.goto(f"{site}{path}")
            assert response is not None and response.status == status, name
            # A body can be read only until the next navigation.
            for loaded in css_and_js:
                if loaded.url not in sizes:
                    sizes[loaded.url] = len(gzip.compress(loaded.body()))

    elsewhere = [url for url in requested if not url.startswith(f"{site}/")]
    assert elsewhere == [], "requests to other hosts"
    assert sizes, "no stylesheet was loaded"
    assert sum(sizes.values()) < CSS_AND_JS_BUDGET, sizes
