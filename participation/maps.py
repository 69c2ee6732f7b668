"""Map tiles from a tile server the operator names: off unless `MAP_TILE_URL` is set.

A tile server is a third party that sees the address of everyone who looks at a map,
so the platform shows no map at all by default. When one is configured, the pages with
a map load Leaflet (served by the app) and the tiles from that one server, and the
Content-Security-Policy admits images from exactly its host.
"""

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from flask import current_app

# Leaflet fills `{s}` with one of these subdomains (its default).
SUBDOMAINS = ("a", "b", "c")
PLACEHOLDERS = ("{z}", "{x}", "{y}")


@dataclass(frozen=True)
class TileServer:
    url: str  # e.g. "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    attribution: str  # the operator's text, may hold a link (Leaflet shows it as HTML)


def tile_server() -> TileServer | None:
    """The configured tile server, or None: then no page shows a map."""
    url = (current_app.config.get("MAP_TILE_URL") or "").strip()
    if not url:
        return None
    return TileServer(url, current_app.config.get("MAP_TILE_ATTRIBUTION") or "")


def check_tile_url(url: str) -> None:
    """Refuse to start with a tile URL that could never work (or would load over http)."""
    if not url:
        return
    parts = urlsplit(url)
    local = parts.hostname in ("localhost", "127.0.0.1")
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise RuntimeError(f"MAP_TILE_URL muss mit https:// beginnen: {url!r}")
    if not parts.hostname or any(p not in url for p in PLACEHOLDERS):
        raise RuntimeError(
            "MAP_TILE_URL braucht einen Server und die Platzhalter {z}, {x} und {y}, "
            f"z. B. https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png: {url!r}"
        )


@lru_cache(maxsize=4)
def tile_sources(url: str) -> tuple[str, ...]:
    """The CSP sources of a tile URL: scheme, host and port, each `{s}` spelled out."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    if "{s}" not in origin:
        return (origin,)
    return tuple(origin.replace("{s}", sub) for sub in SUBDOMAINS)


def tile_host_names(url: str) -> tuple[str, ...]:
    """The tile server's host names, for the privacy statement."""
    return tuple(urlsplit(source).hostname or "" for source in tile_sources(url))
