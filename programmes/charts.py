"""Bar charts of the key figures and programme budgets, as plain numbers for an inline SVG.

Each bar is a row: its label on one line, the bar below it with the amount written after its end.
Lengths are proportional to the amounts, the largest filling BAR_MAX; all sizes are SVG viewBox
units (the template draws them; programmes/templates/programmes/includes/bar_chart.html).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.text import slugify
from django.utils.translation import gettext as _

WIDTH = 380
BAR_MAX = 130  # leaves room after the longest bar for its amount, in either language
LABEL_HEIGHT = 22
BAR_HEIGHT = 26
ROW_GAP = 14
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP


@dataclass(frozen=True)
class Bar:
    label: str
    amount: Decimal
    is_lower_bound: bool
    sources: tuple
    url: str
    length: float
    top: int

    @property
    def bar_top(self):
        return self.top + LABEL_HEIGHT

    @property
    def label_baseline(self):
        return self.top + LABEL_HEIGHT - 6

    @property
    def value_baseline(self):
        return self.bar_top + BAR_HEIGHT - 8

    @property
    def value_x(self):
        return round(self.length + 8, 1)


@dataclass(frozen=True)
class BarChart:
    key: str
    title: str
    row_label: str
    bars: list

    width = WIDTH
    bar_height = BAR_HEIGHT

    @property
    def height(self):
        return len(self.bars) * ROW_HEIGHT - ROW_GAP


@dataclass(frozen=True)
class Row:
    label: str
    amount: Decimal
    is_lower_bound: bool = False
    sources: tuple = ()
    url: str = ""


def bar_lengths(amounts, longest=BAR_MAX):
    """Lengths proportional to the amounts, the largest being `longest`."""
    largest = max(amounts, default=0)
    if largest <= 0:
        return [0.0 for _amount in amounts]
    return [round(float(Decimal(longest) * amount / largest), 1) for amount in amounts]


def bar_chart(key, title, row_label, rows):
    lengths = bar_lengths([row.amount for row in rows])
    bars = [
        Bar(
            label=row.label,
            amount=row.amount,
            is_lower_bound=row.is_lower_bound,
            sources=row.sources,
            url=row.url,
            length=length,
            top=index * ROW_HEIGHT,
        )
        for index, (row, length) in enumerate(zip(rows, lengths, strict=True))
    ]
    return BarChart(key=key, title=title, row_label=row_label, bars=bars)


def key_figure_charts(figures):
    """One chart per label ("Programme portfolio"), a bar per year, in the figures' order."""
    by_label = {}
    for figure in figures:
        by_label.setdefault(figure.label_en, []).append(figure)
    return [
        bar_chart(
            key=slugify(label_en),
            title=group[0].label,
            row_label=_("Year"),
            rows=[
                Row(str(f.year), f.amount_usd, f.is_lower_bound, sources=(f.source,)) for f in group
            ],
        )
        for label_en, group in by_label.items()
    ]


def budget_chart(programmes):
    """The budgets of the given programmes that have one; None if none has."""
    rows = [
        Row(p.title, p.budget_usd, sources=tuple(p.sources.all()), url=p.get_absolute_url())
        for p in programmes
        if p.budget_usd is not None
    ]
    if not rows:
        return None
    return bar_chart("programme-budgets", _("Programme budgets"), _("Programme"), rows)
