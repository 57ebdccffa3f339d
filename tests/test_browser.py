"""The site in a real browser: what a visitor sees, clicks and types, on the seeded content.

Chromium is the Debian package (never `playwright install`). Without it the tests are skipped
on a developer machine and fail in CI (env CI set), so CI can never pass without running them.
Point CHROMIUM_PATH at another executable to override the lookup of `chromium` on PATH.
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The seeded news (unodc_site/seed.toml), by what a visitor sees: their titles.
NEWS_2015 = "Central Asia: new regional cooperation platform against organized crime, illicit drugs"
NEWS_2011 = 'UNODC: "Regional cooperation key in countering drug routes in Central Asia"'
NEWS_2018 = "2018 Annual Report: Together Making the Region Safer from Drugs, Crime and Terrorism"


def goto(page, url):
    response = page.goto(url)
    assert response is not None, url
    return response


def test_reader_goes_from_home_page_to_a_news_story_and_its_source(site, page):
    goto(page, f"{site}/en/")
    expect(page.locator("h1")).to_have_text("UNODC in Central Asia")
    latest = page.get_by_role("region", name="Latest news")
    # Newest first, the undated annual report last.
    expect(latest.get_by_role("heading", level=3)).to_have_text([NEWS_2015, NEWS_2011, NEWS_2018])

    latest.get_by_role("link", name=NEWS_2015).click()
    expect(page).to_have_url(f"{site}/en/news/central-asia-new-regional-cooperation-platform/")
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_have_text(NEWS_2015)
    expect(page.locator("time")).to_have_attribute("datetime", "2015-05-08")

    source = page.locator("li", has_text="Source:").get_by_role("link")
    expect(source).to_have_count(1)
    source_title = source.inner_text()
    source.click()
    expect(page).to_have_url(re.compile(r"/en/sources/[\w-]+/$"))
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_have_text(source_title)
    expect(page.locator(".source-text")).to_contain_text("8 May 2015")
    assert page.problems.all() == []


def test_every_main_navigation_link_opens_a_working_page(site, page):
    goto(page, f"{site}/en/")
    nav = page.get_by_role("navigation", name="Main")
    names = nav.get_by_role("link").all_inner_texts()
    assert names == ["News", "Publications", "Programmes", "Countries", "Offices", "About"]
    footer_link = "Source documents"

    for name in [*names, footer_link]:
        link = (
            page.get_by_role("contentinfo").get_by_role("link", name=name)
            if name == footer_link
            else page.get_by_role("navigation", name="Main").get_by_role("link", name=name)
        )
        with page.expect_navigation() as navigation:
            link.click()
        response = navigation.value
        assert response.status == 200, f"{name}: {response.status} {response.url}"
        page.wait_for_load_state("load")
        expect(page.locator("h1"), name).to_have_count(1)
        expect(page.locator("h1"), name).not_to_be_empty()
        if name != footer_link:
            current = page.get_by_role("navigation", name="Main").locator("[aria-current=page]")
            expect(current, name).to_have_text(name)
        # The stylesheet arrived and applies (it sets the header's background).
        header_bg = page.locator(".site-header").evaluate(
            "e => getComputedStyle(e).backgroundColor"
        )
        assert header_bg != "rgba(0, 0, 0, 0)", name

    assert page.problems.all() == []


def card_titles(page):
    return page.locator(".cards").get_by_role("heading", level=3)


def test_visitor_narrows_the_news_with_the_filters_and_clears_them(site, page):
    goto(page, f"{site}/en/news/")
    expect(card_titles(page)).to_have_count(3)

    # Kazakhstan is tagged on all three seeded stories (the 2018 report covers eight countries).
    page.get_by_label("Country", exact=True).select_option(label="Kazakhstan")
    page.get_by_role("button", name="Show news").click()
    expect(page).to_have_url(re.compile(r"[?&]country=kazakhstan(&|$)"))
    expect(page.get_by_role("status")).to_have_text("3 news items")
    expect(card_titles(page)).to_have_text([NEWS_2015, NEWS_2011, NEWS_2018])
    # The form remembers the choice.
    expect(page.get_by_label("Country", exact=True)).to_have_value("kazakhstan")

    # Terrorism is tagged on the 2015 platform and the 2018 report, not on the 2011 story.
    page.get_by_label("Thematic area", exact=True).select_option(label="Terrorism")
    page.get_by_role("button", name="Show news").click()
    expect(page).to_have_url(re.compile(r"[?&]theme=terrorism(&|$)"))
    assert "country=kazakhstan" in page.url
    expect(page.get_by_role("status")).to_have_text("2 news items")
    expect(card_titles(page)).to_have_text([NEWS_2015, NEWS_2018])
    expect(page.get_by_role("link", name=NEWS_2011)).to_have_count(0)

    # Afghanistan appears only in the 2011 story, which is not about terrorism: nothing left.
    page.get_by_label("Country", exact=True).select_option(label="Afghanistan")
    page.get_by_role("button", name="Show news").click()
    expect(page).to_have_url(re.compile(r"[?&]country=afghanistan(&|$)"))
    expect(card_titles(page)).to_have_count(0)
    expect(page.get_by_text("No news matches these filters.")).to_be_visible()

    page.get_by_role("link", name="Clear filters").click()
    expect(page).to_have_url(f"{site}/en/news/")
    expect(page.get_by_role("status")).to_have_text("3 news items")
    expect(card_titles(page)).to_have_text([NEWS_2015, NEWS_2011, NEWS_2018])
    expect(page.get_by_label("Country", exact=True)).to_have_value("")
    expect(page.get_by_label("Thematic area", exact=True)).to_have_value("")
    assert page.problems.all() == []


def test_unknown_filter_value_in_the_address_explains_itself_and_keeps_the_form(site, page):
    response = goto(page, f"{site}/en/news/?country=atlantis")
    assert response.status == 400
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Some filters could not be used")
    expect(alert).to_contain_text("Country")
    expect(page.locator("h1")).to_have_count(1)
    # The form is still there to correct the choice; the error links to the faulty field.
    country = page.get_by_label("Country", exact=True)
    expect(country).to_be_visible()
    expect(page.get_by_role("button", name="Show news")).to_be_visible()
    alert.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"#id_country$"))

    country.select_option(label="Kazakhstan")
    page.get_by_role("button", name="Show news").click()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_role("status")).to_have_text("3 news items")


@pytest.mark.parametrize(
    "path",
    ["/en/", "/en/news/", "/en/news/2018-annual-report-together-making-the-region-safer/"],
)
def test_pages_fit_a_phone_screen_without_sideways_scrolling(site, browser, path):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        assert goto(page, f"{site}{path}").status == 200
        expect(page.locator("h1")).to_be_visible()
        widths = page.evaluate(
            "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
        )
        assert widths["inner"] == 360, widths
        assert widths["scroll"] <= widths["inner"], f"{path} scrolls sideways: {widths}"
    finally:
        context.close()


def test_first_tab_press_offers_skip_to_main_content(site, page):
    goto(page, f"{site}/en/news/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    # Hidden off-screen until focused, then shown inside the viewport.
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0 and box["height"] > 0

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main")).to_be_focused()
