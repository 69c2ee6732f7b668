"""Where the district lies: a box around its towns, from the data file's coordinates.

Another district runs the platform by loading its own towns; nothing here names a place.
"""

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from .models import Municipality

# Town centres lie inside their district, its borders some kilometres further out:
# about 17 km north and south, 17 km east and west at these latitudes.
MARGIN_LATITUDE = 0.15
MARGIN_LONGITUDE = 0.25


@dataclass(frozen=True)
class Bounds:
    south: float
    west: float
    north: float
    east: float

    def contains(self, latitude: float, longitude: float) -> bool:
        return self.south <= latitude <= self.north and self.west <= longitude <= self.east

    def as_data(self) -> str:
        """ "south,west,north,east" for a data attribute the map script reads."""
        return ",".join(f"{value:.4f}" for value in (self.south, self.west, self.north, self.east))


def towns_with_coordinates() -> list[Municipality]:
    """The district's towns that have a point, in the data file's order."""
    return list(
        db.session.scalars(
            select(Municipality)
            .where(
                Municipality.is_district_wide.is_(False),
                Municipality.latitude.is_not(None),
                Municipality.longitude.is_not(None),
            )
            .order_by(Municipality.position)
        )
    )


def bounds_around(towns: list[Municipality]) -> Bounds | None:
    """The box around the towns' centres plus the margin; None without any coordinates."""
    if not towns:
        return None
    latitudes = [town.latitude for town in towns]
    longitudes = [town.longitude for town in towns]
    return Bounds(
        south=min(latitudes) - MARGIN_LATITUDE,
        west=min(longitudes) - MARGIN_LONGITUDE,
        north=max(latitudes) + MARGIN_LATITUDE,
        east=max(longitudes) + MARGIN_LONGITUDE,
    )


def district_bounds() -> Bounds | None:
    return bounds_around(towns_with_coordinates())
