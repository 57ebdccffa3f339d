"""WCAG 2.2 AA on every public page type in both languages, checked in the Debian Chromium.

axe-core comes from the npm package (package.json; `make test` runs `npm ci`) and is injected
into each page. Without node_modules the axe test is skipped on a developer machine and fails in
CI (env CI set), like the browser tests without Chromium.
"""

import json
from itertools import pairwise
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import TIMEOUT_MS, running_in_ci
from tests.public_pages import LANGUAGES, add_page_states, public_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(site, settings, tmp_path):
    """The seeded site with the states of the page types the seed lacks."""
    settings.MEDIA_ROOT = tmp_path / "media"
    add_page_states(settings.MEDIA_ROOT)
    return site


AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices (landmarks, heading order,
# one main, one h1, …).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# 400% zoom of a 1280 px wide window (WCAG 1.4.10 Reflow).
ZOOMED_WIDTH = 320


def open_page(page, site, path, status):
    response = page.goto(f"{site}{path}")
    assert response is not None, path
    assert response.status == status, f"{path}: {response.status}"


def report(failures):
    return "\n".join(failures)


@pytest.fixture
def axe_script():
    if not AXE.is_file():
        reason = f"{AXE.relative_to(settings.BASE_DIR)} is missing: run `npm ci` (`make test` does)"
        if running_in_ci():
            pytest.fail(f"{reason}; the accessibility checks are required in CI.", pytrace=False)
        pytest.skip(reason)
    return AXE


@pytest.mark.parametrize("language", LANGUAGES)
def test_axe_finds_no_wcag_violation_on_any_page(site, page, axe_script, language):
    failures = []
    # Loaded into every page before the page itself: a script element added afterwards would be
    # inline code, which the site's Content Security Policy refuses.
    page.add_init_script(path=axe_script)
    for name, path, status in public_pages(language):
        open_page(page, site, path, status)
        violations = page.evaluate(
            """tags => axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations"]})
                .then(results => results.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    targets: v.nodes.map(node => node.target.join(" ")),
                })))""",
            AXE_TAGS,
        )
        for violation in violations:
            failures.append(
                f"{name} {path}: {violation['id']} ({violation['impact']}) {violation['help']}"
                f" — {json.dumps(violation['targets'], ensure_ascii=False)}"
            )
    assert not failures, "axe found violations:\n" + report(failures)


HEADING_LEVELS = """() => [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")]
    .filter(h => !h.closest("[hidden], [aria-hidden=true]"))
    .map(h => [Number(h.tagName[1]), h.textContent.trim().slice(0, 60)])"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_headings_start_at_one_h1_and_never_skip_a_level(site, page, language):
    failures = []
    for name, path, status in public_pages(language):
        open_page(page, site, path, status)
        headings = page.evaluate(HEADING_LEVELS)
        levels = [level for level, _text in headings]
        if levels[:1] != [1] or levels.count(1) != 1:
            failures.append(f"{name} {path}: not one h1 first: {headings}")
        for (before, _), (level, text) in pairwise(headings):
            if level > before + 1:
                failures.append(f"{name} {path}: h{before} then h{level} ({text!r})")
    assert not failures, report(failures)


# Labels, descriptions and in-page links whose target is missing: a screen reader would read
# nothing, or the link would go nowhere.
BROKEN_ID_REFERENCES = """() => {
    const broken = [];
    const check = (element, attribute, ids) => ids.filter(id => id && !document.getElementById(id))
        .forEach(id => broken.push(`${element.tagName.toLowerCase()}[${attribute}] → #${id}`));
    for (const attribute of ["aria-labelledby", "aria-describedby", "aria-controls"]) {
        document.querySelectorAll(`[${attribute}]`).forEach(
            e => check(e, attribute, e.getAttribute(attribute).split(/\\s+/)));
    }
    document.querySelectorAll("label[for]").forEach(e => check(e, "for", [e.htmlFor]));
    document.querySelectorAll("a[href^='#']").forEach(
        e => check(e, "href", [decodeURIComponent(e.getAttribute("href").slice(1))]));
    return broken;
}"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_labels_descriptions_and_in_page_links_point_to_elements_that_exist(site, page, language):
    failures = []
    for name, path, status in public_pages(language):
        open_page(page, site, path, status)
        failures.extend(
            f"{name} {path}: {broken}" for broken in page.evaluate(BROKEN_ID_REFERENCES)
        )
    assert not failures, report(failures)


# The page's width and, to tell what to fix, the first elements that stick out on the right.
WIDTHS = """() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
    sticking_out: [...document.body.querySelectorAll("*")]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
                  + (e.classList.length ? "." + e.classList[0] : ""))
        .slice(0, 6),
})"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_reflow_at_400_percent_zoom_without_sideways_scrolling(site, browser, language):
    context = browser.new_context(viewport={"width": ZOOMED_WIDTH, "height": 640})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    failures = []
    try:
        for name, path, status in public_pages(language):
            open_page(page, site, path, status)
            widths = page.evaluate(WIDTHS)
            if widths["scroll"] > widths["inner"]:
                failures.append(f"{name} {path}: scrolls sideways: {widths}")
            skip = page.locator(".skip-link").bounding_box()
            if skip is None or skip["y"] + skip["height"] > 0:
                failures.append(f"{name} {path}: the skip link shows before it has focus: {skip}")
    finally:
        context.close()
    assert not failures, report(failures)


MAIN_TEXT = "() => document.querySelector('main').innerText"


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_show_the_same_content_without_javascript(site, browser, page, language):
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    no_script = context.new_page()
    failures = []
    try:
        for name, path, status in public_pages(language):
            open_page(page, site, path, status)
            open_page(no_script, site, path, status)
            if no_script.evaluate(MAIN_TEXT) != page.evaluate(MAIN_TEXT):
                failures.append(f"{name} {path}: the main content differs without JavaScript")
    finally:
        context.close()
    assert not failures, report(failures)


def test_news_filters_work_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        open_page(page, site, "/en/news/", 200)
        page.get_by_label("Thematic area", exact=True).select_option(label="Terrorism")
        page.get_by_role("button", name="Show news").click()
        assert "theme=terrorism" in page.url
        assert page.get_by_role("status").inner_text() == "2 news items"
    finally:
        context.close()


# Where the focus is and how it shows: an outline or a box shadow must mark it. Each element is
# remembered, so that coming back to one (the focus went round the page) ends the walk.
FOCUSED = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    window.tabStopsSeen ??= new Set();
    const repeated = window.tabStopsSeen.has(e);
    window.tabStopsSeen.add(e);
    const style = getComputedStyle(e);
    return {
        repeated,
        element: e.outerHTML.slice(0, 100),
        outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
        shadow: style.boxShadow !== "none",
    };
}"""
MOST_TAB_STOPS = 150


@pytest.mark.parametrize("language", LANGUAGES)
def test_keyboard_focus_is_always_visible_and_starts_at_the_skip_link(site, page, language):
    failures = []
    for name, path, status in public_pages(language):
        open_page(page, site, path, status)
        stops = 0
        for stop in range(MOST_TAB_STOPS):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED)
            if focused is None or focused["repeated"]:
                break  # past the last link: back in the browser's own controls, or round again
            stops += 1
            if stop == 0 and 'class="skip-link"' not in focused["element"]:
                failures.append(f"{name} {path}: the first tab stop is {focused['element']}")
            if not (focused["outline"] or focused["shadow"]):
                failures.append(f"{name} {path}: no visible focus on {focused['element']}")
        assert stops, f"{name} {path}: nothing takes the keyboard focus"
    assert not failures, report(failures)
