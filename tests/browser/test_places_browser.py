"""A resident on a 360 px phone names the place of an idea: on a map when the operator
configured a tile server (here a local one, never the internet), as text without."""

import io
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.ideas.models import Idea
from tests.browser.helpers import log_in
from tests.browser.test_accessibility import assert_no_violations
from tests.factories import create_idea, create_user

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

TITLE = "Zebrastreifen an der Emsbrücke"
BODY = "An der Emsbrücke queren viele Kinder die Straße; ein Zebrastreifen würde helfen."
PLACE = "Kreuzung Emsstraße / Markt"
PHONE_WIDTH = 360
SLOW = 20_000  # ms: tiles and Leaflet on a busy test machine


def tile_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (226, 232, 236)).save(buffer, "PNG")
    return buffer.getvalue()


class TileServer:
    """Answers every path with one grey tile and counts what it served."""

    def __init__(self):
        png, served = tile_png(), []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                served.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(png)))
                self.end_headers()
                self.wfile.write(png)

            def log_message(self, *args):
                pass

        self.served = served
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def tiles(app, monkeypatch, page_problems):
    """The live app with a tile server on another origin: only the CSP lets its tiles in."""
    server = TileServer()
    monkeypatch.setitem(app.config, "MAP_TILE_URL", server.origin + "/{z}/{x}/{y}.png")
    monkeypatch.setitem(app.config, "MAP_TILE_ATTRIBUTION", "Testkacheln")
    yield server
    server.close()


def allow_tiles(page_problems, tiles) -> None:
    """The tile server is the one other host these pages may ask (that is the point)."""
    foreign = page_problems.foreign_requests
    assert any(tiles.origin in request for request in foreign), "no tile was loaded"
    foreign[:] = [request for request in foreign if tiles.origin not in request]


def fill_idea(page) -> None:
    page.goto("/ideas/new")
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Beschreibung").fill(BODY)
    page.get_by_label("Handlungsfeld").select_option(label="Mobilität")
    page.get_by_label("Kommune").select_option(label="Rheine")
    page.get_by_label("Ort (z. B. Kreuzung, Straße, Gebäude)").fill(PLACE)


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def the_idea() -> Idea:
    db.session.expire_all()
    return db.session.scalars(select(Idea).where(Idea.title == TITLE)).one()


def test_a_resident_sets_the_place_on_the_map_by_tapping(new_phone, tiles, page_problems):
    shown = create_idea(title="Bank am Emsufer")
    shown.place, shown.latitude, shown.longitude = "Emsufer", 52.2801, 7.4402
    db.session.commit()
    page = new_phone(width=PHONE_WIDTH)
    log_in(page, create_user().email)
    fill_idea(page)

    place_map = page.locator('[data-place-map="pick"]')
    expect(place_map).to_be_visible()
    expect(page.locator(".leaflet-tile-loaded").first).to_be_visible(timeout=SLOW)
    no_sideways_scroll(page)
    box = place_map.bounding_box()
    place_map.tap(position={"x": box["width"] * 0.4, "y": box["height"] * 0.45})
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1, timeout=SLOW)
    expect(page.locator("[data-map-status]").first).to_contain_text("Punkt gesetzt")
    latitude = page.get_by_label("Breitengrad").input_value()
    longitude = page.get_by_label("Längengrad").input_value()
    assert re.fullmatch(r"5[12]\.\d{6}", latitude) and re.fullmatch(r"[78]\.\d{6}", longitude)
    expect(place_map.get_by_role("button", name="Vergrößern")).to_be_visible()
    assert_no_violations(page)

    page.get_by_role("button", name="Weiter zur Vorschau").click()
    expect(page.locator(".preview")).to_contain_text(f"Ort: {PLACE}")
    expect(page.get_by_label("Breitengrad")).to_have_value(latitude)
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1, timeout=SLOW)  # shown again
    page.get_by_role("button", name="Idee einreichen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    place = page.locator(".idea-place")
    expect(place).to_contain_text(f"{PLACE}, Rheine")
    expect(place.locator(".leaflet-marker-icon")).to_have_count(1, timeout=SLOW)
    expect(place.locator(".leaflet-tile-loaded").first).to_be_visible(timeout=SLOW)
    no_sideways_scroll(page)
    assert_no_violations(page)
    idea = the_idea()
    assert (idea.place, idea.latitude, idea.longitude) == (PLACE, float(latitude), float(longitude))

    # The map of ideas: the published idea with a point is a pin (the new one still waits).
    page.goto("/ideas?ansicht=karte")
    ideas_map = page.locator('[data-place-map="ideas"]')
    expect(ideas_map.locator(".leaflet-marker-icon")).to_have_count(1, timeout=SLOW)
    expect(page.locator(".ideas-map [data-map-status]")).to_have_text(
        "1 Idee mit Ort auf der Karte.", timeout=SLOW
    )
    ideas_map.get_by_role("button", name="Bank am Emsufer").click()
    expect(ideas_map.get_by_role("button", name="Schließen")).to_be_visible()
    assert_no_violations(page)
    ideas_map.get_by_role("link", name="Bank am Emsufer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bank am Emsufer")
    allow_tiles(page_problems, tiles)


def test_without_a_tile_server_the_resident_names_the_place_in_words(new_phone, page_problems):
    page = new_phone(width=PHONE_WIDTH)
    leaflet = []
    page.on("request", lambda request: "leaflet" in request.url and leaflet.append(request.url))
    log_in(page, create_user().email)
    fill_idea(page)
    expect(page.locator("[data-place-map]")).to_have_count(0)
    expect(page.get_by_label("Breitengrad")).to_have_count(0)
    page.get_by_role("button", name="Weiter zur Vorschau").click()
    page.get_by_role("button", name="Idee einreichen").click()

    expect(page.locator(".idea-place")).to_contain_text(f"{PLACE}, Rheine")
    idea = the_idea()
    assert (idea.place, idea.latitude) == (PLACE, None)
    assert leaflet == []


def test_the_district_overview_leads_to_a_town_at_phone_size(new_phone):
    create_idea(municipality="rheine")
    page = new_phone(width=PHONE_WIDTH)
    page.goto("/municipalities")
    overview = page.locator("svg.district-map-svg")
    expect(overview.locator("a")).to_have_count(24)
    assert overview.bounding_box()["width"] <= PHONE_WIDTH
    no_sideways_scroll(page)
    overview.get_by_role("link", name="Rheine: 1 Idee").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rheine")
    current = page.locator('svg.district-map-svg a[aria-current="page"]')
    expect(current).to_have_attribute("aria-label", "Rheine: 1 Idee")
