"""An overview of the district drawn on the server: a dot per town, sized by its ideas.

Pure geometry from the towns' coordinates (the data file's) and a count per town; the
template `strategy/_district_map.html` turns it into an inline SVG without script or
tiles. The counts come from whoever calls (`ideas.places.district_overview`).
"""

from dataclasses import dataclass
from math import cos, radians, sqrt

from .models import Municipality

WIDTH = 400  # viewBox units; on a 360 px phone about 0.8 px each
PADDING = 22
FONT_SIZE = 12
CHAR_WIDTH = 0.58  # of the font size, a generous average for town names
DOT_MIN, DOT_MAX = 3.5, 11.0
LABEL_GAP = 3.0


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    anchor: str  # "start", "middle" or "end"


@dataclass(frozen=True)
class TownDot:
    slug: str
    name: str
    count: int
    x: float
    y: float
    r: float
    current: bool
    label: Label | None


@dataclass(frozen=True)
class TownCount:
    """A place in the list next to the map (the district as a whole too)."""

    slug: str
    name: str
    count: int
    current: bool


@dataclass(frozen=True)
class DistrictMap:
    width: int
    height: int
    font_size: int
    dots: list[TownDot]
    # Every place with its count, in the data file's order: the map's text alternative.
    places: list[TownCount]

    def count_for(self, slug: str) -> int:
        return next((place.count for place in self.places if place.slug == slug), 0)


@dataclass(frozen=True)
class _Box:
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: "_Box") -> bool:
        return not (
            self.right <= other.left
            or other.right <= self.left
            or self.bottom <= other.top
            or other.bottom <= self.top
        )


def draw_district_map(
    municipalities: list[Municipality], counts: dict[int, int], current: str | None = None
) -> DistrictMap:
    """Place every town with coordinates; label as many as fit, the busiest first."""
    towns = [m for m in municipalities if _has_point(m)]
    places = [
        TownCount(m.slug, m.name, counts.get(m.id, 0), m.slug == current) for m in municipalities
    ]
    if not towns:
        return DistrictMap(WIDTH, 0, FONT_SIZE, [], places)
    project, height = _projection(towns)
    busiest = max([counts.get(t.id, 0) for t in towns] + [1])
    points = {t.id: (*project(t), _radius(counts.get(t.id, 0), busiest)) for t in towns}
    labels = _place_labels(towns, points, counts, current, height)
    dots = [
        TownDot(
            t.slug, t.name, counts.get(t.id, 0), *points[t.id], t.slug == current, labels.get(t.id)
        )
        for t in towns
    ]
    return DistrictMap(WIDTH, height, FONT_SIZE, dots, places)


def _has_point(town: Municipality) -> bool:
    return not town.is_district_wide and None not in (town.latitude, town.longitude)


def _projection(towns: list[Municipality]):
    """Equirectangular, squeezed east-west by the cosine of the middle latitude."""
    south, north = min(t.latitude for t in towns), max(t.latitude for t in towns)
    west, east = min(t.longitude for t in towns), max(t.longitude for t in towns)
    squeeze = cos(radians((south + north) / 2))
    span_x, span_y = max((east - west) * squeeze, 1e-6), max(north - south, 1e-6)
    scale = (WIDTH - 2 * PADDING) / span_x
    height = round(min(span_y * scale, WIDTH * 1.5) + 2 * PADDING)
    scale = min(scale, (height - 2 * PADDING) / span_y)

    def project(town: Municipality) -> tuple[float, float]:
        x = PADDING + (town.longitude - west) * squeeze * scale
        y = PADDING + (north - town.latitude) * scale
        return round(x, 1), round(y, 1)

    return project, height


def _radius(count: int, busiest: int) -> float:
    """Area grows with the count, so a town with four times the ideas looks four times."""
    return round(DOT_MIN + (DOT_MAX - DOT_MIN) * sqrt(count / busiest), 1)


def _place_labels(towns, points, counts, current, height) -> dict[int, Label]:
    order = sorted(towns, key=lambda t: (t.slug != current, -counts.get(t.id, 0), t.name))
    taken = [_dot_box(*points[t.id]) for t in towns]
    labels = {}
    for town in order:
        for label, box in _label_candidates(town.name, *points[town.id]):
            inside = box.left >= 0 and box.top >= 0 and box.right <= WIDTH and box.bottom <= height
            if inside and not any(box.overlaps(other) for other in taken):
                labels[town.id] = label
                taken.append(box)
                break
    return labels


def _dot_box(x: float, y: float, r: float) -> _Box:
    return _Box(x - r, y - r, x + r, y + r)


def _label_candidates(name: str, x: float, y: float, r: float):
    """Beside the dot (right, left), above, below, then diagonally: each a label and the
    box its text covers."""
    width = len(name) * FONT_SIZE * CHAR_WIDTH
    ascent, descent = FONT_SIZE * 0.75, FONT_SIZE * 0.25
    middle = y + FONT_SIZE * 0.35
    right, left = x + r + LABEL_GAP, x - r - LABEL_GAP
    above, below = y - r - LABEL_GAP - descent, y + r + LABEL_GAP + ascent
    spots = [
        (right, middle, "start"),
        (left, middle, "end"),
        (x, above, "middle"),
        (x, below, "middle"),
        (x + r * 0.7, above + r * 0.3, "start"),
        (x + r * 0.7, below - r * 0.3, "start"),
        (x - r * 0.7, above + r * 0.3, "end"),
        (x - r * 0.7, below - r * 0.3, "end"),
    ]
    for left_x, baseline, anchor in spots:
        start = {"start": left_x, "middle": left_x - width / 2, "end": left_x - width}[anchor]
        box = _Box(start, baseline - ascent, start + width, baseline + descent)
        yield Label(round(left_x, 1), round(baseline, 1), anchor), box
