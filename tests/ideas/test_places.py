"""Places of ideas: a text and a point in the district, maps only with a tile server,
and the district overview drawn on the server."""

import json
import re

import pytest
from sqlalchemy import select

from participation import create_app
from participation.extensions import db
from participation.ideas import places
from participation.ideas.models import Idea
from participation.strategy.district_map import draw_district_map
from participation.strategy.services import list_municipalities
from tests.conftest import empty_tables
from tests.factories import (
    PASSWORD,
    create_idea,
    create_user,
    idea_form_data,
)
from tests.helpers import Browser, audit, e, field_error, fresh, html_of, main_of

TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
ATTRIBUTION = "© Beispiel-Kacheln"
PLACE_LABEL = "Ort (z. B. Kreuzung, Straße, Gebäude)"
RHEINE = ("52.2801", "7.4402")  # by the town hall of Rheine
MUNICH = ("48.137", "11.575")
TITLE = "Zebrastreifen an der Emsbrücke"
BODY = "An der Emsbrücke queren viele Kinder die Straße; ein Zebrastreifen würde helfen."


def idea_form(**changes) -> dict:
    return idea_form_data(TITLE, BODY, **changes)


def point(latitude: str, longitude: str) -> dict:
    return {"latitude": latitude, "longitude": longitude}


def the_ideas() -> list[Idea]:
    db.session.expire_all()
    return list(db.session.scalars(select(Idea).order_by(Idea.id)))


def with_place(idea: Idea, place: str | None = "Markt", lat=52.28, lon=7.44) -> Idea:
    idea.place, idea.latitude, idea.longitude = place, lat, lon
    db.session.commit()
    return idea


def csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    parts = (part.strip().partition(" ") for part in policy.split(";"))
    return {name: value for name, _, value in parts}


@pytest.fixture
def tiles_app(make_app):
    """The app with a tile server configured: maps appear."""
    return make_app(MAP_TILE_URL=TILE_URL, MAP_TILE_ATTRIBUTION=ATTRIBUTION)


@pytest.fixture
def with_tiles(tiles_app):
    """A browser on the app with maps; signed in as `user` when one is given."""

    def open_browser(user=None) -> Browser:
        browser = Browser(tiles_app.test_client())
        if user is not None:
            assert browser.login(user.email).status_code == 302
        return browser

    return open_browser


# --- Submitting a place ---------------------------------------------------------------


def test_an_idea_with_place_text_and_point_goes_through_the_preview(with_tiles):
    browser = with_tiles(create_user())
    form_page = html_of(browser.get("/ideas/new"))
    assert f">{e(PLACE_LABEL)}" in form_page
    assert 'data-place-map="pick"' in form_page
    assert "vendor/leaflet/leaflet.js" in form_page and "js/map.js" in form_page

    data = idea_form(place="Kreuzung Emsstraße / Markt", **point(*RHEINE))
    preview = main_of(browser.submit("/ideas/new", data))
    assert "Vorschau Ihrer Idee" in preview
    assert "Ort: Kreuzung Emsstraße / Markt" in preview
    assert 'value="52.2801"' in preview and 'value="7.4402"' in preview
    assert the_ideas() == [], "the preview saves nothing"

    response = browser.submit("/ideas/new", {**data, "confirmed": "1"})
    assert response.status_code == 302
    [idea] = the_ideas()
    assert (idea.place, idea.latitude, idea.longitude) == (
        "Kreuzung Emsstraße / Markt",
        52.2801,
        7.4402,
    )
    page = main_of(browser.get(f"/ideas/{idea.id}"))
    assert "Kreuzung Emsstraße / Markt, Rheine" in page
    assert 'data-place-map="show" data-lat="52.2801" data-lon="7.4402"' in page


def test_without_a_tile_server_the_place_is_text_only(browser):
    browser.login(create_user().email)
    form_page = main_of(browser.get("/ideas/new"))
    assert f">{e(PLACE_LABEL)}" in form_page
    assert "data-place-map" not in form_page
    assert re.search(r'<input [^>]*name="latitude" type="hidden"', form_page)

    browser.submit("/ideas/new", idea_form(place="Am Bahnhof"))
    response = browser.submit("/ideas/new", idea_form(place="Am Bahnhof", confirmed="1"))
    assert response.status_code == 302
    [idea] = the_ideas()
    assert (idea.place, idea.latitude, idea.longitude) == ("Am Bahnhof", None, None)
    page = main_of(browser.get(f"/ideas/{idea.id}"))
    assert "Am Bahnhof, Rheine" in page
    assert "data-place-map" not in page


def test_a_point_outside_the_district_is_refused_and_everything_typed_stays(with_tiles):
    browser = with_tiles(create_user())
    response = browser.submit("/ideas/new", idea_form(place="Marienplatz", **point(*MUNICH)))
    html = html_of(response)
    assert field_error(html, "latitude") == places.OUTSIDE
    assert "Vorschau Ihrer Idee" not in html
    for kept in (e(TITLE), "Marienplatz", 'value="48.137"', 'value="11.575"'):
        assert kept in html
    response = browser.submit("/ideas/new", idea_form(confirmed="1", **point(*MUNICH)))
    assert field_error(html_of(response), "latitude") == places.OUTSIDE
    assert the_ideas() == []


@pytest.mark.parametrize(
    ("given", "refused"),
    [({"latitude": RHEINE[0]}, "longitude"), ({"longitude": "7,44"}, "latitude")],
)
def test_only_one_coordinate_is_refused(with_tiles, given, refused):
    browser = with_tiles(create_user())
    html = html_of(browser.submit("/ideas/new", idea_form(confirmed="1", **given)))
    assert field_error(html, refused) == places.BOTH_OR_NEITHER
    assert the_ideas() == []


def test_a_decimal_comma_is_understood(with_tiles):
    browser = with_tiles(create_user())
    browser.submit("/ideas/new", idea_form(confirmed="1", **point("52,2801", "7,4402")))
    [idea] = the_ideas()
    assert (idea.latitude, idea.longitude) == (52.2801, 7.4402)


@pytest.mark.parametrize(
    "hostile", ["NaN", "1e999", "²", "inf", "-Infinity", "52.1.2", "0x34", "52°17'", "x" * 3000]
)
def test_hostile_coordinates_are_refused_with_a_message(with_tiles, hostile):
    browser = with_tiles(create_user())
    response = browser.submit("/ideas/new", idea_form(confirmed="1", **point(hostile, "7.44")))
    assert response.status_code == 200
    html = html_of(response)
    assert (
        field_error(html, "latitude")
        == "Bitte geben Sie den Breitengrad als Zahl an, z. B. 52,2801."
    )
    assert e(hostile) in html, "what was typed stays in the field"
    assert the_ideas() == []


def test_the_place_text_is_one_line_of_plain_text(browser):
    browser.login(create_user().email)
    hostile = '<img src=x onerror="alert(1)">  Ecke\n  Markt'
    browser.submit("/ideas/new", idea_form(place=hostile, confirmed="1"))
    [idea] = the_ideas()
    assert idea.place == '<img src=x onerror="alert(1)"> Ecke Markt'
    page = main_of(browser.get(f"/ideas/{idea.id}"))
    assert "&lt;img src=x" in page and "<img src=x" not in page


def test_a_place_text_longer_than_200_characters_is_refused(browser):
    browser.login(create_user().email)
    html = html_of(browser.submit("/ideas/new", idea_form(place="Markt " * 40, confirmed="1")))
    assert field_error(html, "place") == "Der Ort darf höchstens 200 Zeichen lang sein."
    assert the_ideas() == []


def test_editing_changes_the_place_and_the_log_shows_it(with_tiles):
    author = create_user()
    idea = with_place(create_idea(author, state="pending"), "Markt", 52.28, 7.44)
    browser = with_tiles(author)
    form_page = html_of(browser.get(f"/ideas/{idea.id}/edit"))
    assert 'value="Markt"' in form_page and 'value="52.28"' in form_page

    data = idea_form(title=idea.title, body=idea.body, place="Bahnhof", **point("52.275", "7.45"))
    assert browser.submit(f"/ideas/{idea.id}/edit", data).status_code == 302
    idea = fresh(idea)
    assert (idea.place, idea.latitude, idea.longitude) == ("Bahnhof", 52.275, 7.45)
    [entry] = audit("idea.edit")
    assert json.loads(entry.before)["place"] == "Markt"
    assert json.loads(entry.after)["latitude"] == 52.275


def test_editing_without_a_map_keeps_the_point(browser):
    author = create_user()
    idea = with_place(create_idea(author, state="pending"), "Markt", 52.28, 7.44)
    browser.login(author.email)
    data = idea_form(title=idea.title, body=idea.body, place="Markt", **point("52.28", "7.44"))
    assert browser.submit(f"/ideas/{idea.id}/edit", data).status_code == 302
    assert (fresh(idea).latitude, fresh(idea).longitude) == (52.28, 7.44)


def test_a_revised_idea_keeps_its_new_place(browser):
    author = create_user()
    idea = create_idea(author, state="rejected")
    browser.login(author.email)
    data = idea_form(title=idea.title, body=idea.body, place="Schulhof")
    assert browser.submit(f"/ideas/{idea.id}/revise", data).status_code == 302
    assert (fresh(idea).state, fresh(idea).place) == ("pending", "Schulhof")


def test_the_moderation_reads_the_place_before_deciding(as_user):
    idea = with_place(create_idea(state="pending"), "Hinter der Sporthalle", 52.28, 7.44)
    moderator = as_user(create_user(roles=("moderator",)))
    page = main_of(moderator.get(f"/moderation/ideas/{idea.id}"))
    assert "Hinter der Sporthalle · Punkt 52.28, 7.44" in page


def test_the_data_export_holds_the_place(browser):
    author = create_user()
    with_place(create_idea(author), "Markt", 52.28, 7.44)
    browser.login(author.email)
    response = browser.submit("/account/export", {"password": PASSWORD, "format": "json"})
    [idea] = json.loads(response.get_data(as_text=True))["ideas"]
    assert (idea["place"], idea["latitude"], idea["longitude"]) == ("Markt", 52.28, 7.44)


# --- Maps only with a tile server -----------------------------------------------------


def test_without_a_tile_server_no_page_has_a_map_and_the_policy_is_unchanged(browser):
    idea = with_place(create_idea())
    browser.login(create_user().email)
    for path in ("/ideas/new", "/ideas", "/ideas?ansicht=karte", f"/ideas/{idea.id}", "/"):
        response = browser.get(path)
        html = html_of(response)
        assert "leaflet" not in html and "map.js" not in html and "data-place-map" not in html
        assert csp(response)["img-src"] == "'self' data:"
    assert browser.get("/ideas/orte.json").status_code == 404


def test_the_policy_admits_images_from_exactly_the_tile_host(with_tiles):
    response = with_tiles().get("/ideas")
    policy = csp(response)
    assert policy["img-src"] == "'self' data: https://tiles.example.org"
    assert policy["default-src"] == policy["connect-src"] == policy["script-src"] == "'self'"


def test_subdomains_of_a_tile_url_are_each_named(make_app):
    client = make_app(MAP_TILE_URL="https://{s}.tiles.example.org/{z}/{x}/{y}.png").test_client()
    assert csp(client.get("/"))["img-src"] == (
        "'self' data: https://a.tiles.example.org https://b.tiles.example.org "
        "https://c.tiles.example.org"
    )


@pytest.mark.parametrize(
    "url", ["http://tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org/tile.png"]
)
def test_a_tile_url_that_cannot_work_refuses_to_start(url):
    with pytest.raises(RuntimeError, match="MAP_TILE_URL"):
        create_app("test", MAP_TILE_URL=url)


def test_the_privacy_page_names_the_tile_server_only_when_there_is_one(client, with_tiles):
    facts = "Seiten mit einer Karte laden die Kartenbilder von tiles.example.org."
    assert facts in main_of(with_tiles().get("/datenschutz"))
    assert "Kartenbilder" not in main_of(client.get("/datenschutz"))


def test_pages_without_a_map_load_no_leaflet_even_with_a_tile_server(with_tiles):
    idea = create_idea()  # no point
    browser = with_tiles()
    for path in ("/", "/ideas", f"/ideas/{idea.id}", "/municipalities", "/municipalities/rheine"):
        html = html_of(browser.get(path))
        assert "leaflet" not in html and "map.js" not in html, path


def test_the_map_of_ideas_shows_only_public_ideas_with_a_point(with_tiles):
    shown = with_place(create_idea(title="Bank am Emsufer"), "Emsufer")
    with_place(create_idea(state="pending"), "Geheim")
    with_place(create_idea(state="hidden"), "Versteckt")
    create_idea(title="Ohne Ort")
    elsewhere = with_place(create_idea(municipality="greven"), "Greven Markt", 52.09, 7.61)
    browser = with_tiles()

    page = html_of(browser.get("/ideas?ansicht=karte"))
    assert 'data-place-map="ideas"' in page and "vendor/leaflet/leaflet.css" in page
    assert 'data-pins-url="/ideas/orte.json"' in page
    pins = browser.get("/ideas/orte.json").get_json()["pins"]
    assert {pin["id"] for pin in pins} == {shown.id, elsewhere.id}
    [pin] = [pin for pin in pins if pin["id"] == shown.id]
    assert (pin["title"], pin["place"], pin["lat"], pin["lon"], pin["url"]) == (
        "Bank am Emsufer",
        "Emsufer",
        52.28,
        7.44,
        f"/ideas/{shown.id}",
    )

    filtered = html_of(browser.get("/ideas?ansicht=karte&municipality=greven"))
    assert 'data-pins-url="/ideas/orte.json?municipality=greven"' in filtered
    pins = browser.get("/ideas/orte.json?municipality=greven").get_json()["pins"]
    assert [pin["id"] for pin in pins] == [elsewhere.id]


# --- The district overview ------------------------------------------------------------

TOWN_LINK = re.compile(
    r'<a href="/municipalities/([a-z-]+)" class="district-town[^"]*" aria-label="([^"]+)"'
)


def test_the_overview_has_a_link_per_town_with_its_public_ideas(client):
    for state in ("published", "published", "adopted", "pending", "rejected", "hidden"):
        create_idea(municipality="rheine", state=state)
    create_idea(municipality="emsdetten")
    create_idea(municipality="kreisweit")
    html = main_of(client.get("/municipalities"))
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    links = dict(TOWN_LINK.findall(html))
    assert len(links) == 24 and len(TOWN_LINK.findall(svg)) == 24
    assert links["rheine"] == "Rheine: 3 Ideen"
    assert links["emsdetten"] == "Emsdetten: 1 Idee"
    assert links["hoerstel"] == "Hörstel: 0 Ideen"
    assert "kreisweit" not in links, "the district as a whole is no dot"
    assert "<script" not in svg and "style=" not in svg


def test_a_town_page_highlights_its_town(client):
    html = main_of(client.get("/municipalities/greven"))
    [current] = re.findall(
        r'<a href="/municipalities/greven" class="district-town is-current[^>]*>', html
    )
    assert 'aria-current="page"' in current
    assert html.count("is-current") == 1


def test_the_drawing_keeps_every_dot_inside_and_names_most_towns(app):
    counts = {m.id: n * 7 % 30 for n, m in enumerate(list_municipalities())}
    drawn = draw_district_map(list_municipalities(), counts, current="rheine")
    assert len(drawn.dots) == 24
    for dot in drawn.dots:
        assert dot.r <= dot.x <= drawn.width - dot.r and dot.r <= dot.y <= drawn.height - dot.r
    labelled = [dot for dot in drawn.dots if dot.label]
    assert len(labelled) >= 12, "at a phone's width, at least half the towns carry a name"
    assert next(dot for dot in drawn.dots if dot.slug == "rheine").label is not None
    busiest = max(drawn.dots, key=lambda dot: dot.count)
    assert busiest.r == max(dot.r for dot in drawn.dots)


@pytest.mark.parametrize("hostile", ["\x00", "²", str(2**63), "x" * 3000, "-1"])
def test_hostile_filters_on_the_pins_never_give_a_500(with_tiles, hostile):
    with_place(create_idea())
    names = ("field", "municipality", "state", "sort", "q", "page", "ansicht")
    browser = with_tiles()
    for path in ("/ideas/orte.json", "/ideas"):
        response = browser.get(path, query_string=dict.fromkeys(names, hostile))
        assert response.status_code == (400 if hostile == "\x00" else 200), path


def test_demo_ideas_have_places_near_their_towns_the_same_every_time(runner):
    runs = []
    for _ in range(2):
        empty_tables()
        result = runner.invoke(args=["demo", "--ideas", "60", "--users", "10"])
        assert result.exit_code == 0, result.output
        runs.append([(i.title, i.place, i.latitude, i.longitude) for i in the_ideas()])
    assert runs[0] == runs[1]
    placed = [idea for idea in the_ideas() if idea.latitude is not None]
    assert 10 <= len(placed) <= 40
    towns = {town.id: town for town in list_municipalities()}
    for idea in placed:
        town = towns[idea.municipality_id]
        assert idea.place and not town.is_district_wide
        assert abs(idea.latitude - town.latitude) < 0.02
        assert abs(idea.longitude - town.longitude) < 0.02


@pytest.mark.parametrize("remove", [False, True])
def test_a_deleted_account_leaves_no_place_of_erased_ideas(browser, remove):
    author = create_user()
    public = with_place(create_idea(author), "Vor meinem Haus", 52.28, 7.44)
    waiting = with_place(create_idea(author, state="pending"), "Mein Garten", 52.29, 7.45)
    browser.login(author.email)
    data = {"password": PASSWORD, **({"remove_contributions": "y"} if remove else {})}
    assert browser.submit("/account/delete", data).status_code == 302
    assert (fresh(waiting).place, fresh(waiting).latitude, fresh(waiting).longitude) == (None,) * 3
    kept = (fresh(public).place, fresh(public).latitude)
    assert kept == ((None, None) if remove else ("Vor meinem Haus", 52.28))
