"""Where an idea is: its town, a place text and optionally a point inside the district.

Also what maps show: the number of public ideas per town for the district overview,
and the pins of the public map of ideas.
"""

from dataclasses import dataclass
from math import isfinite

from ..extensions import db
from ..strategy.district_map import DistrictMap, draw_district_map
from ..strategy.geography import district_bounds
from ..strategy.services import list_municipalities
from . import tallies
from .models import Idea

PLACE_MAX = 200
# The map of ideas shows at most this many pins, the newest (a list shows them all).
MAX_PINS = 1000
BOTH_OR_NEITHER = "Bitte geben Sie Breiten- und Längengrad zusammen an – oder keinen von beiden."
OUTSIDE = (
    "Der Punkt liegt außerhalb des Kreisgebiets. Bitte wählen Sie einen Ort innerhalb des Kreises."
)
NO_DISTRICT = "Für diesen Kreis sind keine Koordinaten hinterlegt: Ein Punkt ist nicht möglich."


@dataclass(frozen=True)
class PlaceProblem:
    field: str
    message: str


def clean_place(text: str | None) -> str | None:
    """One line of plain text: whitespace and line breaks collapse, nothing becomes None."""
    words = (text or "").split()
    return " ".join(words) or None


def place_problem(place: str | None, latitude, longitude) -> PlaceProblem | None:
    """What is wrong with a place (text and point), or None when it may be saved."""
    if place is not None and len(place) > PLACE_MAX:
        return PlaceProblem("place", f"Der Ort darf höchstens {PLACE_MAX} Zeichen lang sein.")
    if (latitude is None) != (longitude is None):
        return PlaceProblem("latitude" if latitude is None else "longitude", BOTH_OR_NEITHER)
    if latitude is None:
        return None
    if not all(isinstance(v, float | int) and isfinite(v) for v in (latitude, longitude)):
        return PlaceProblem("latitude", "Bitte geben Sie den Punkt als Zahlen an.")
    bounds = district_bounds()
    if bounds is None:
        return PlaceProblem("latitude", NO_DISTRICT)
    if not bounds.contains(latitude, longitude):
        return PlaceProblem("latitude", OUTSIDE)
    return None


def set_place(idea: Idea, place: str | None, latitude, longitude) -> None:
    """After `place_problem` found nothing: the text, and the point rounded to about 10 cm."""
    idea.place = clean_place(place)
    idea.latitude = None if latitude is None else round(float(latitude), 6)
    idea.longitude = None if longitude is None else round(float(longitude), 6)


# --- The district overview ------------------------------------------------------------


def public_idea_counts() -> dict[int, int]:
    """Public ideas per municipality id, from the kept tallies (`tallies.py`)."""
    return tallies.public_ideas_per_municipality()


def district_overview(current: str | None = None) -> DistrictMap:
    """The towns as dots sized by their public ideas; `current` (a slug) highlighted.

    Registered as the template function `district_overview` for
    `strategy/_district_map.html`."""
    return draw_district_map(list_municipalities(), public_idea_counts(), current)


# --- The map of ideas -----------------------------------------------------------------


@dataclass(frozen=True)
class Pin:
    id: int
    title: str
    place: str | None
    latitude: float
    longitude: float


def pins(filtered) -> list[Pin]:
    """The newest public ideas with a point among those a list's query finds.

    `filtered` is the list's query (`listing.filtered_ideas`), so the map shows
    what the list shows, as far as it has points."""
    query = (
        filtered.where(Idea.latitude.is_not(None), Idea.longitude.is_not(None))
        .with_only_columns(Idea.id, Idea.title, Idea.place, Idea.latitude, Idea.longitude)
        .order_by(None)
        .order_by(Idea.created_at.desc(), Idea.id.desc())
        .limit(MAX_PINS)
    )
    return [Pin(*row) for row in db.session.execute(query)]
