"""The public strategy pages: what a visitor reads before taking part."""

import re
from pathlib import Path

import pytest
from markupsafe import escape

from participation.strategy.models import FieldOfAction, Municipality, ProcessStep, Value
from participation.templating import load_district_data
from tests.factories import count_rows
from tests.helpers import assert_legal_footer

PLACEHOLDER_NOTICE = "Dieser Text ist eine Vorlage"


@pytest.fixture
def district(app) -> dict:
    return load_district_data(app.config["DISTRICT_DATA"])


def page(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, path
    html = response.get_data(as_text=True)
    assert_legal_footer(html)
    return html


def e(text: str) -> str:
    return str(escape(text))


def in_order(html: str, texts: list[str], after: str = "<main") -> bool:
    """All texts appear, in this order, in the part of the page after `after`."""
    html = html.split(after, 1)[1]
    positions = [html.find(e(text)) for text in texts]
    return -1 not in positions and positions == sorted(positions)


def test_home_introduces_the_strategy_and_invites_to_sign_up(client, district):
    html = page(client, "/")
    assert e(district["site"]["tagline"]) in html
    names = [field["name"] for field in district["fields"]]
    assert in_order(html, names, after='id="fields-title"')
    for field in district["fields"]:
        assert f'href="/fields/{field["slug"]}"' in html
    for value in district["values"]:
        assert e(value["name"]) in html
    assert 'href="/register"' in html
    assert 'href="/login"' in html


def test_vision_shows_its_seven_values_in_order(client, district):
    html = page(client, "/vision")
    assert "Die 7 Werte unserer Vision" in html
    assert len(district["values"]) == 7 == count_rows(Value)
    assert in_order(html, [value["name"] for value in district["values"]])
    for value in district["values"]:
        assert e(value["description"]) in html
    assert 'aria-current="page"' in html.split('href="/vision"', 1)[1][:30]


def test_process_shows_four_steps_and_who_steers(client, district):
    html = page(client, "/process")
    assert "Die 4 Schritte" in html
    assert count_rows(ProcessStep) == 4
    assert in_order(html, [step["title"] for step in district["process_steps"]])
    assert "<h3>Lenkungsausschuss</h3>" in html
    assert "<h3>Projektteam</h3>" in html
    # Step descriptions are Markdown: emphasis becomes markup, not asterisks.
    assert "<strong>relevant</strong>" in html
    assert "**relevant**" not in html


def test_fields_lists_six_fields_with_links(client, district):
    html = page(client, "/fields")
    assert "in 6 Handlungsfelder" in html
    assert count_rows(FieldOfAction) == 6
    assert in_order(html, [field["name"] for field in district["fields"]])
    for field in district["fields"]:
        assert f'<a href="/fields/{field["slug"]}">{e(field["name"])}</a>' in html


def test_each_field_has_its_own_page(client, district):
    for field in district["fields"]:
        html = page(client, f"/fields/{field['slug']}")
        assert f"<h1>{e(field['name'])}</h1>" in html
        assert e(field["summary"]) in html
        assert "<li>" in html  # the description's list, rendered from Markdown
        assert 'href="/fields"' in html  # breadcrumb back to the overview


def test_municipalities_lists_24_towns_and_the_district(client, district):
    html = page(client, "/municipalities")
    towns = [town["name"] for town in district["municipalities"]]
    assert len(towns) == 24
    assert count_rows(Municipality) == 25
    assert "seine 24 Städte und Gemeinden" in html
    assert 'href="/municipalities/kreisweit"' in html
    assert ">Kreisweit</a>" in html
    # German alphabetical order, as in the data file: Hörstel before Horstmar.
    assert in_order(html, towns, after='class="municipality-list"')
    assert in_order(html, ["Hopsten", "Hörstel", "Horstmar"], after='class="municipality-list"')
    for town in district["municipalities"]:
        assert f'href="/municipalities/{town["slug"]}"' in html


def test_municipality_page(client):
    html = page(client, "/municipalities/rheine")
    assert "<h1>Rheine</h1>" in html
    assert "Stadt im Kreis Steinfurt" in html
    assert 'href="/municipalities"' in html


def test_district_wide_page_explains_itself(client, district):
    html = page(client, "/municipalities/kreisweit")
    assert "<h1>Kreisweit</h1>" in html
    assert e(district["district_wide"]["description"]) in html


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/impressum", "Impressum"),
        ("/datenschutz", "Datenschutzerklärung"),
        ("/barrierefreiheit", "Erklärung zur Barrierefreiheit"),
    ],
)
def test_legal_pages_say_they_are_placeholders(client, path, title):
    html = page(client, path)
    assert f"<h1>{title}</h1>" in html
    assert PLACEHOLDER_NOTICE in html
    assert "[E-Mail-Adresse]" in html


def test_easy_language_page_is_no_placeholder(client):
    html = page(client, "/leichte-sprache")
    assert "<h1>Leichte Sprache</h1>" in html
    assert 'class="easy-language"' in html
    assert PLACEHOLDER_NOTICE not in html


@pytest.mark.parametrize(
    "path", ["/fields/gibt-es-nicht", "/municipalities/gibt-es-nicht", "/gibt-es-nicht"]
)
def test_unknown_address_gives_a_german_404_page(client, path):
    html = page(client, path, status=404)
    assert '<html lang="de">' in html
    assert "<h1>Seite nicht gefunden</h1>" in html
    assert "Fehlercode 404" in html
    assert 'href="/"' in html


def test_page_titles_name_the_page_and_the_site(client):
    html = page(client, "/fields")
    assert re.search(r"<title>Handlungsfelder – #Zukunft ST</title>", html)


def test_the_datenschutz_page_names_the_drafts_kept_in_the_browser_as_the_script_keeps_them(
    client,
):
    """The privacy page is a legal text: the period it states is the script's own."""
    script = (Path(__file__).resolve().parent.parent / "static/js/site.js").read_text("utf-8")
    days = int(re.search(r"MAX_AGE_MS = (\d+) \* 24 \* 3600 \* 1000", script).group(1))
    text = page(client, "/datenschutz")
    assert "Entwürfe in Ihrem Browser" in text
    assert f"spätestens nach {days} Tagen" in text
