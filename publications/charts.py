"""Server-drawn SVG charts of publications per year (people/charts.py: co-authors).

No chart library and no request elsewhere: the geometry is computed here and a
template (`includes/_chart_years.html`) writes the SVG, with a title and a
description for screen readers and a table-like text alternative.
"""

from dataclasses import dataclass

from people.models import Person
from publications.models import Publication
from research.models import ResearchTheme

CHART_WIDTH = 640
CHART_HEIGHT = 200
MARGIN_LEFT = 32
MARGIN_RIGHT = 8
MARGIN_TOP = 16
MARGIN_BOTTOM = 28


@dataclass
class Bar:
    year: int
    count: int
    x: float
    y: float
    width: float
    height: float
    label_x: float
    show_label: bool


@dataclass
class YearChart:
    title: str
    description: str
    bars: list
    ticks: list  # (value, y) for the horizontal grid lines
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    baseline: float = CHART_HEIGHT - MARGIN_BOTTOM
    left: int = MARGIN_LEFT
    right: int = CHART_WIDTH - MARGIN_RIGHT

    @property
    def total(self):
        return sum(bar.count for bar in self.bars)


def _nice_step(top):
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500):
        if top / step <= 4:
            return step
    return 1000


def busiest_phrase(counts):
    """Where a chart of [(year, count), ...] peaks, ties named: "most in 2021
    (2)", "most in 2019, 2020 and 2021 (2 each)", or "2 each year" when every
    year ties."""
    top = max(count for _year, count in counts)
    years = [str(year) for year, count in counts if count == top]
    if len(years) == 1:
        return f"most in {years[0]} ({top})"
    if len(years) == len(counts):
        return f"{top} each year"
    named = f"{', '.join(years[:-1])} and {years[-1]}"
    return f"most in {named} ({top} each)"


def year_chart(counts, *, title, subject=""):
    """Geometry of a bar chart for [(year, count), ...]; None when there is nothing."""
    if not counts:
        return None
    top = max(count for _year, count in counts) or 1
    step = _nice_step(top)
    top = ((top + step - 1) // step) * step
    plot_width = CHART_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = CHART_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    slot = plot_width / len(counts)
    bar_width = max(min(slot * 0.7, 48), 2)
    label_every = max(1, round(len(counts) / 12 + 0.49))
    bars = []
    for index, (year, count) in enumerate(counts):
        height = plot_height * count / top
        x = MARGIN_LEFT + slot * index + (slot - bar_width) / 2
        bars.append(
            Bar(
                year=year,
                count=count,
                x=round(x, 2),
                y=round(CHART_HEIGHT - MARGIN_BOTTOM - height, 2),
                width=round(bar_width, 2),
                height=round(height, 2),
                label_x=round(x + bar_width / 2, 2),
                show_label=(len(counts) - 1 - index) % label_every == 0,
            )
        )
    ticks = [
        (value, round(CHART_HEIGHT - MARGIN_BOTTOM - plot_height * value / top, 2))
        for value in range(0, top + 1, step)
    ]
    total = sum(count for _year, count in counts)
    description = (
        f"{total} publication{'s' if total != 1 else ''}"
        f"{' of ' + subject if subject else ''} from {counts[0][0]} to "
        f"{counts[-1][0]}; {busiest_phrase(counts)}."
    )
    return YearChart(title=title, description=description, bars=bars, ticks=ticks)


def publications_for(subject):
    """The publications a chart about subject (None, a person or a theme) counts."""
    if isinstance(subject, Person):
        return Publication.objects.with_person(subject.pk)
    if isinstance(subject, ResearchTheme):
        return Publication.objects.linked_to_themes(
            ResearchTheme.objects.active().tree().with_descendants(subject)
        )
    return Publication.objects.all()
