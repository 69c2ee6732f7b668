"""Geometry for the small charts the server draws as inline SVG.

Numbers go in, coordinates come out; the templates write the markup (autoescaped),
so no user text is ever pasted into SVG here. Every chart is VIEW_WIDTH units
wide and scales with its viewBox, down to a 360 px phone.
"""

from dataclasses import dataclass
from math import floor, log10

from ..templating import format_number

VIEW_WIDTH = 360


def de_percent(part: int, whole: int) -> str:
    if not whole:
        return "–"
    return f"{format_number(100 * part / whole, 1)} %"


def nice_ceiling(value: float) -> int:
    """The next round number at or above value (1, 2, 2.5, 5 times a power of ten)."""
    if value <= 1:
        return 1
    power = 10 ** floor(log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * power
        if value <= candidate and candidate == int(candidate):
            return int(candidate)
    return int(10 * power)  # pragma: no cover - the loop always ends at 10


@dataclass(frozen=True)
class LinearScale:
    """Maps a domain (data) onto a range (SVG units)."""

    domain: tuple[float, float]
    range: tuple[float, float]

    def __call__(self, value: float) -> float:
        (d0, d1), (r0, r1) = self.domain, self.range
        return round(r0 + (value - d0) * (r1 - r0) / (d1 - d0), 1)


# Horizontal bars, the label above each bar: long names (fields of action) fit a phone.
ROW_HEIGHT = 46
BAR_HEIGHT = 16
LABEL_BASELINE = 15
BAR_TOP = 21
VALUE_ROOM = 72  # right of the longest bar, for its figure


@dataclass(frozen=True)
class HBar:
    label: str
    value: int
    text: str  # the figure written at the bar's end
    label_y: float
    bar_y: float
    width: float

    @property
    def value_x(self) -> float:
        return round(self.width + 6, 1)

    @property
    def value_y(self) -> float:
        return self.bar_y + BAR_HEIGHT - 3


@dataclass(frozen=True)
class HBarChart:
    bars: list[HBar]
    height: int
    bar_height: int = BAR_HEIGHT
    width: int = VIEW_WIDTH


def hbar_chart(items: list[tuple[str, int]]) -> HBarChart:
    """One bar per (label, value), scaled to the largest value; zero draws no bar."""
    top = max((value for _, value in items), default=0) or 1
    scale = LinearScale((0, top), (0, VIEW_WIDTH - VALUE_ROOM))
    bars = []
    for row, (label, value) in enumerate(items):
        width = max(scale(value), 2) if value else 0
        y = row * ROW_HEIGHT
        bars.append(
            HBar(label, value, format_number(value, 0), y + LABEL_BASELINE, y + BAR_TOP, width)
        )
    return HBarChart(bars=bars, height=max(len(items) * ROW_HEIGHT, ROW_HEIGHT))


# Columns over time: a left axis with three ticks, two label lines below each column.
COLUMN_PLOT_LEFT = 44
COLUMN_PLOT_TOP = 10
COLUMN_PLOT_BOTTOM = 170
COLUMN_HEIGHT = 210


@dataclass(frozen=True)
class Column:
    label: str
    sublabel: str  # the year, under January and the first column
    value: int
    x: float
    y: float
    width: float
    height: float

    @property
    def center(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


@dataclass(frozen=True)
class ColumnChart:
    columns: list[Column]
    ticks: list[Tick]
    plot_left: int = COLUMN_PLOT_LEFT
    plot_right: int = VIEW_WIDTH
    base_y: int = COLUMN_PLOT_BOTTOM
    height: int = COLUMN_HEIGHT
    width: int = VIEW_WIDTH

    @property
    def label_y(self) -> int:
        return self.base_y + 17

    @property
    def sublabel_y(self) -> int:
        return self.base_y + 34


def column_chart(items: list[tuple[str, str, int]]) -> ColumnChart:
    """One column per (label, sublabel, value), on an axis from 0 to a round number."""
    top = nice_ceiling(max((value for *_, value in items), default=0))
    scale = LinearScale((0, top), (COLUMN_PLOT_BOTTOM, COLUMN_PLOT_TOP))
    slot = (VIEW_WIDTH - COLUMN_PLOT_LEFT) / max(len(items), 1)
    width = round(slot * 0.7, 1)
    columns = []
    for index, (label, sublabel, value) in enumerate(items):
        y = scale(value)
        if value and COLUMN_PLOT_BOTTOM - y < 2:
            y = COLUMN_PLOT_BOTTOM - 2  # a small month stays visible
        x = round(COLUMN_PLOT_LEFT + index * slot + (slot - width) / 2, 1)
        columns.append(
            Column(label, sublabel, value, x, y, width, round(COLUMN_PLOT_BOTTOM - y, 1))
        )
    ticks = [Tick(scale(v), format_number(v, 0)) for v in (0, top / 2, top) if v == int(v)]
    return ColumnChart(columns=columns, ticks=ticks)
