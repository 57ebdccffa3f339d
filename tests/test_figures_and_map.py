import re
from decimal import Decimal

import pytest

from programmes.charts import BAR_MAX, Row, bar_chart, bar_lengths, key_figure_charts
from programmes.models import Country, KeyFigure, Office, Programme
from programmes.region_map import REGION_JSON
from sources.models import SourceDocument

pytestmark = pytest.mark.django_db


def chart_html(html, key):
    """The chart block with this id: its SVG and its table."""
    match = re.search(rf'<div class="chart" id="{key}">(.*?)</table>', html, re.S)
    assert match, f"no chart {key}"
    return match.group(1)


def svg_of(chart):
    return chart[chart.index("<svg") : chart.index("</svg>")]


def table_of(chart):
    return chart[chart.index("<table") :]


def marker_links(html):
    return set(re.findall(r'<a class="map-marker" href="([^"]+)"', html))


# ---------------------------------------------------------------- chart geometry


def test_bar_lengths_are_proportional_and_the_largest_fills_the_chart():
    assert bar_lengths([Decimal(26), Decimal(90)], longest=90) == [26.0, 90.0]
    assert bar_lengths([Decimal(45), Decimal(90)]) == [BAR_MAX / 2, BAR_MAX]
    assert bar_lengths([]) == []
    assert bar_lengths([Decimal(0)]) == [0.0]


def test_bars_are_stacked_in_rows_and_keep_the_lower_bound():
    chart = bar_chart(
        "portfolio",
        "Programme portfolio",
        "Year",
        [Row("2004", Decimal(26)), Row("2013", Decimal(90), is_lower_bound=True)],
    )
    first, second = chart.bars
    assert first.top < second.top < chart.height
    assert (first.is_lower_bound, second.is_lower_bound) == (False, True)
    assert second.length == BAR_MAX
    assert second.value_x > second.length  # the amount is written after the bar's end


def test_key_figures_make_a_chart_per_label_with_a_bar_per_year(seeded):
    charts = key_figure_charts(KeyFigure.objects.select_related("source"))
    assert [(c.key, [b.label for b in c.bars]) for c in charts] == [
        ("programme-portfolio", ["2004", "2013"]),
        ("technical-assistance-delivered", ["2018"]),
    ]
    portfolio = charts[0]
    assert portfolio.bars[0].length / portfolio.bars[1].length == pytest.approx(26 / 90, abs=0.01)


# ---------------------------------------------------------------- charts on the home page


def test_home_charts_show_the_figures_in_svg_and_in_a_table_with_their_source(client, seeded):
    html = client.get("/en/").text
    assert '<h2 id="key-figures">Key figures</h2>' in html

    portfolio = chart_html(html, "programme-portfolio")
    svg, table = svg_of(portfolio), table_of(portfolio)
    assert 'role="img"' in svg
    assert 'aria-labelledby="programme-portfolio-title programme-portfolio-desc"' in svg
    assert "<title" in svg and "<desc" in svg
    for text in ["US$26 million", "more than US$90 million"]:
        assert f">{text}</text>" in svg
        assert f"<td>{text}</td>" in table
    assert '<th scope="col">Year</th>' in table
    assert '<th scope="row">2013</th>' in table
    assert "<caption" in table
    assert 'href="/en/sources/unodc-in-central-asia-and-azerbaijan/">Source:' in table

    delivered = chart_html(html, "technical-assistance-delivered")
    assert ">more than US$14.5 million</text>" in svg_of(delivered)
    assert 'href="/en/sources/annual-report-2018/">Source:' in table_of(delivered)


def test_programme_list_charts_the_budgets_with_their_sources(client, seeded):
    budgets = chart_html(client.get("/en/programmes/").text, "programme-budgets")
    assert ">US$70 million</text>" in svg_of(budgets)
    assert "<td>US$70 million</td>" in table_of(budgets)
    assert 'href="/en/programmes/programme-for-central-asia-2015-2019/"' in table_of(budgets)
    assert 'href="/en/sources/new-regional-cooperation-platform-2015/">Source:' in budgets


def test_bar_lengths_on_the_page_follow_the_amounts(client, seeded):
    portfolio = chart_html(client.get("/en/").text, "programme-portfolio")
    widths = [float(w) for w in re.findall(r'<rect class="bar" [^>]*width="([\d.]+)"', portfolio)]
    assert widths == [pytest.approx(BAR_MAX * 26 / 90, abs=0.1), BAR_MAX]


def test_svg_coordinates_are_not_localised(client, seeded):
    """Russian writes decimals with a comma, which SVG would not read."""
    html = client.get("/ru/").text
    assert "более" in svg_of(chart_html(html, "programme-portfolio"))
    assert re.search(r'<rect class="bar" [^>]*width="\d+\.\d"', html)
    assert re.search(r'transform="translate\(\d+\.\d \d+\.\d\)"', html)


def test_a_draft_programme_budget_is_not_charted(client, seeded):
    Programme.objects.create(
        title="Draft programme with a budget",
        slug="draft-programme",
        start_year=2030,
        end_year=2034,
        budget_usd=999_000_000,
        status="draft",
    )
    html = client.get("/en/programmes/").text
    assert "Draft programme with a budget" not in html
    assert "US$999 million" not in html
    assert "US$70 million" in chart_html(html, "programme-budgets")


def test_no_budget_chart_without_a_budget(client, seeded):
    Programme.objects.update(budget_usd=None)
    assert 'id="programme-budgets"' not in client.get("/en/programmes/").text
    assert 'id="programme-portfolio"' in client.get("/en/").text


def test_home_page_query_count_stays_the_same_as_figures_and_programmes_grow(
    client, seeded, count_queries
):
    before = count_queries(lambda: client.get("/en/"))
    source = SourceDocument.objects.first()
    kazakhstan = Country.objects.get(iso_code="KZ")
    for n in range(5):
        KeyFigure.objects.create(
            status="published",
            label=f"Figure {n}",
            year=2020,
            amount_usd=n + 1,
            source=source,
            quote="-",
        )
        programme = Programme.objects.create(
            title=f"Programme {n}",
            slug=f"programme-{n}",
            start_year=2020,
            end_year=2024,
            budget_usd=(n + 1) * 1_000_000,
            status="published",
        )
        programme.sources.add(source)
        Office.objects.create(
            status="published",
            name=f"Office {n}",
            slug=f"office-{n}",
            kind="programme",
            city="Almaty",
            country=kazakhstan,
        )
    after = count_queries(lambda: client.get("/en/"))
    assert after == before
    assert before <= 8


# ---------------------------------------------------------------- the map


@pytest.mark.parametrize("url", ["/en/", "/en/offices/"])
def test_map_links_a_marker_to_every_open_office_and_none_to_closed_ones(client, seeded, url):
    html = client.get(url).text
    open_offices = {office.get_absolute_url() for office in Office.objects.filter(is_open=True)}
    assert len(open_offices) == 6
    assert marker_links(html) == open_offices
    assert "/en/offices/programme-office-azerbaijan/" not in marker_links(html)
    assert "<title>Regional Office for Central Asia</title>" in html
    assert ">Tashkent</text>" in html


def test_map_hatches_the_covered_countries_and_credits_its_data(client, seeded):
    html = client.get("/en/offices/").text
    assert html.count('<path class="covered"') == Country.objects.covered().count() == 8
    assert 'aria-labelledby="region-map-title"' in html
    assert "Boundaries: Natural Earth (public domain) via world-atlas" in html
    assert "GeoNames" in html and "CC BY 4.0" in html


def test_home_map_lists_the_open_offices_as_links_below_it(client, seeded):
    html = client.get("/en/").text
    offices_section = html[html.index('<h2 id="offices-heading">') :]
    listing = offices_section[offices_section.index("</svg>") :]
    assert '<a href="/en/offices/programme-office-bishkek/">Programme Office in Bishkek</a>' in (
        listing
    )
    assert "Programme Office in Azerbaijan" not in html


def test_a_closed_office_loses_its_marker(client, seeded):
    Office.objects.filter(slug="programme-office-bishkek").update(is_open=False)
    html = client.get("/en/").text
    assert "/en/offices/programme-office-bishkek/" not in marker_links(html)
    assert len(marker_links(html)) == 5


def test_map_data_file_is_small_and_names_its_sources():
    text = REGION_JSON.read_text(encoding="utf-8")
    assert REGION_JSON.stat().st_size < 30_000
    assert "Natural Earth" in text and "GeoNames" in text
