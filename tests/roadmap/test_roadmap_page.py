"""/roadmap: every project grouped by field of action, filters, the timeline by quarter."""

import gzip
import re
from datetime import date

import pytest

from participation.accounts.models import User
from participation.extensions import db
from tests.factories import create_user
from tests.helpers import html_of, main_of
from tests.ideas.test_queries import queries_for
from tests.roadmap.helpers import SECRET_NOTE, full_plan, make_project


def titles_in(html: str) -> list[str]:
    """Project titles on the list (not the timeline), in page order."""
    return re.findall(r'class="project-title" id="projekt-\d+"><a href="[^"]+">([^<]+)</a>', html)


def groups_in(html: str) -> dict[str, list[str]]:
    """Field heading -> project titles under it."""
    parts = re.split(r'<section class="roadmap-group"[^>]*>\s*<h2 id="feld-[^"]+">', html)[1:]
    return {part.split(" <span", 1)[0]: titles_in(part) for part in parts}


def three_projects():
    team = create_user(roles=("team",))
    make_project(team, title="Mobilstationen", fields=("mobilitaet",), **full_plan())
    make_project(
        team,
        title="Dorfläden mit Bürgerbus",
        fields=("mobilitaet", "demografie"),
        places=("greven", "emsdetten"),
        kind="potential",
        status="planned",
    )
    make_project(
        team,
        title="Kreisweites Ehrenamtsportal",
        fields=("verwaltung",),
        places=("kreisweit",),
        status="completed",
        progress=100,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 9, 30),
    )


def test_roadmap_lists_every_project_under_its_first_field(client):
    three_projects()
    response = client.get("/roadmap")
    assert response.status_code == 200
    page = main_of(response)

    assert "3 Projekte, davon 1 Leitprojekt" in page
    # Fields in their strategy order; a project with two fields appears once, under the first.
    assert groups_in(page) == {
        "Verwaltung": ["Kreisweites Ehrenamtsportal"],
        "Demografie": ["Dorfläden mit Bürgerbus"],
        "Mobilität": ["Mobilstationen"],
    }
    assert page.count("Dorfläden mit Bürgerbus</a></h3>") == 1
    assert "Auch in: Mobilität" in page

    mobil = page.split(">Mobilstationen</a></h3>", 1)[1].split("</article>", 1)[0]
    assert "Leitprojekt" in mobil and "In Umsetzung" in mobil and "Rheine" in mobil
    assert '<progress max="100" value="40"' in mobil
    assert "40&nbsp;% umgesetzt" in mobil
    assert "01.03.2027</time> – <time" in mobil and "31.12.2028" in mobil

    portal = page.split(">Kreisweites Ehrenamtsportal</a></h3>", 1)[1].split("</article>", 1)[0]
    assert "Kreisweit" in portal and "Abgeschlossen" in portal and "100&nbsp;% umgesetzt" in portal
    bus = page.split(">Dorfläden mit Bürgerbus</a></h3>", 1)[1].split("</article>", 1)[0]
    assert "Potenzialprojekt" in bus and "Emsdetten, Greven" in bus
    assert "Zeitraum: noch offen" in bus

    # Each title links to its project page, which answers.
    link = re.search(r'<a href="(/projects/\d+)">Mobilstationen</a>', page).group(1)
    assert client.get(link).status_code == 200
    assert SECRET_NOTE not in html_of(response)


def test_roadmap_is_in_the_main_navigation(client):
    page = html_of(client.get("/ideas"))
    menu = page.split('class="menu"', 1)[1].split("</nav>", 1)[0]
    assert '<a href="/roadmap">Roadmap</a>' in menu
    current = html_of(client.get("/roadmap")).split('class="menu"', 1)[1]
    assert '<a href="/roadmap" aria-current="page">Roadmap</a>' in current


def test_an_empty_roadmap_says_so(client):
    page = main_of(client.get("/roadmap"))
    assert "0 Projekte, davon 0 Leitprojekte" in page
    assert "Noch stehen keine Projekte auf der Roadmap" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("municipality=greven", ["Dorfläden mit Bürgerbus"]),
        ("municipality=kreisweit", ["Kreisweites Ehrenamtsportal"]),
        ("municipality=ochtrup", []),
        ("field=mobilitaet", ["Mobilstationen", "Dorfläden mit Bürgerbus"]),
        ("field=verwaltung", ["Kreisweites Ehrenamtsportal"]),
        ("kind=lead", ["Mobilstationen"]),
        ("kind=potential", ["Dorfläden mit Bürgerbus", "Kreisweites Ehrenamtsportal"]),
        ("status=completed", ["Kreisweites Ehrenamtsportal"]),
        ("status=planned&field=demografie", ["Dorfläden mit Bürgerbus"]),
        ("kind=lead&status=planned", []),
    ],
)
def test_filters_narrow_the_roadmap(client, query, expected):
    three_projects()
    page = main_of(client.get(f"/roadmap?{query}"))
    assert sorted(titles_in(page)) == sorted(expected)
    assert "gefunden" in page and '<a href="/roadmap">Filter zurücksetzen</a>' in page
    for pair in query.split("&"):
        value = pair.split("=")[1]
        assert f'<option value="{value}" selected>' in page, pair
    if not expected:
        assert "Keine Projekte gefunden" in page


@pytest.mark.parametrize(
    "query",
    [
        "kind=<script>alert(1)</script>",
        "status=deleted",
        "field=../../etc/passwd",
        "municipality=' OR 1=1 --",
        "field=&municipality=&kind=&status=",
        "kind=lead&kind=potential&status[]=active",
    ],
)
def test_hostile_filter_values_are_ignored(client, query):
    three_projects()
    response = client.get("/roadmap", query_string=query)
    assert response.status_code == 200
    page = main_of(response)
    if query.startswith("kind=lead&"):
        # the first value of a repeated parameter counts, like everywhere else
        assert titles_in(page) == ["Mobilstationen"]
        return
    assert len(titles_in(page)) == 3
    assert "3 Projekte, davon 1 Leitprojekt" in page
    assert "selected" not in page
    assert "<script>alert" not in page and "passwd" not in page and "OR 1=1" not in page


def timeline_of(html: str) -> str:
    return html.split('<table class="timeline">', 1)[1].split("</table>", 1)[0]


def test_timeline_shows_each_project_from_start_to_end_quarter(client):
    team = create_user(roles=("team",))
    make_project(
        team, title="Radschnellweg", starts_on=date(2027, 2, 1), ends_on=date(2027, 11, 30)
    )
    make_project(
        team, title="Hitzeschutzplan", starts_on=date(2028, 4, 1), ends_on=date(2028, 5, 1)
    )
    make_project(team, title="Nur ein Start", starts_on=date(2027, 8, 15))
    make_project(team, title="Noch ohne Daten")
    page = main_of(client.get("/roadmap"))

    # A labelled region that scrolls sideways on a phone, with a real table inside.
    assert re.search(
        r'<div class="timeline-scroll" role="region" aria-label="Zeitplan-Tabelle, '
        r'seitlich verschiebbar"[^>]*tabindex="0">',
        page,
    )
    assert '<h2 id="zeitplan">Zeitplan nach Quartalen</h2>' in page
    table = timeline_of(page)
    quarters = re.findall(
        r'<th scope="col" class="timeline-quarter[^"]*">Q(\d) <span class="timeline-year">(\d+)',
        table,
    )
    assert [f"Q{q} {y}" for q, y in quarters] == [
        "Q1 2027",
        "Q2 2027",
        "Q3 2027",
        "Q4 2027",
        "Q1 2028",
        "Q2 2028",
    ]
    rows = re.findall(r"<tr>\s*<th scope=\"row\"><a [^>]+>([^<]+)</a></th>(.*?)</tr>", table, re.S)
    cells = {
        title: [
            (span, re.sub(r"<[^>]+>", "", text))
            for span, text in re.findall(r'<td colspan="(\d+)"[^>]*>(.*?)</td>', body)
        ]
        for title, body in rows
    }
    assert list(cells) == ["Radschnellweg", "Nur ein Start", "Hitzeschutzplan"]
    assert cells["Radschnellweg"] == [("4", "Q1 2027 – Q4 2027, Geplant"), ("2", "")]
    assert cells["Nur ein Start"] == [("2", ""), ("4", "ab Q3 2027, Geplant")]
    assert cells["Hitzeschutzplan"] == [("5", ""), ("1", "Q2 2028, Geplant")]
    undated = page.split("Noch ohne Zeitplan:", 1)[1].split("</p>", 1)[0]
    assert "Noch ohne Daten" in undated and "Radschnellweg" not in undated


def test_timeline_marks_the_current_quarter(client):
    today = date.today()
    make_project(
        title="Läuft gerade",
        starts_on=date(today.year - 1, 1, 1),
        ends_on=date(today.year + 1, 1, 1),
    )
    table = timeline_of(main_of(client.get("/roadmap")))
    quarter = f"Q{(today.month - 1) // 3 + 1}"
    assert re.search(
        rf'class="timeline-quarter timeline-now">{quarter} <span class="timeline-year">'
        rf"{today.year}</span><span class=\"visually-hidden\"> \(aktuelles Quartal\)",
        table,
    )


def test_a_typo_in_a_year_does_not_draw_a_thousand_columns(client):
    make_project(title="Tippfehler", starts_on=date(2027, 1, 1), ends_on=date(2207, 12, 31))
    table = timeline_of(main_of(client.get("/roadmap")))
    assert table.count('class="timeline-quarter') == 40
    assert "Q1 2027 – Q4 2207" in table


def test_roadmap_runs_the_same_few_queries_for_5_and_30_projects(client, as_user, count_queries):
    viewers = {"anonymous": client, "resident": as_user(create_user())}
    urls = ["/roadmap", "/roadmap?field=mobilitaet&kind=potential", "/roadmap?municipality=rheine"]
    team_id = create_user(roles=("team",)).id

    def add(number: int, offset: int) -> None:
        team = db.session.get(User, team_id)
        for n in range(offset, offset + number):
            make_project(
                team,
                title=f"Projekt {n}",
                fields=("mobilitaet", "demografie") if n % 2 else ("verwaltung",),
                places=("rheine", "greven") if n % 3 else ("kreisweit",),
                kind="lead" if n % 4 == 0 else "potential",
                starts_on=date(2027, 1 + n % 12, 1),
                ends_on=date(2029, 1 + n % 12, 1) if n % 5 else None,
            )

    def measure() -> dict:
        return {
            (url, who): queries_for(b, count_queries, url)
            for url in urls
            for who, b in viewers.items()
        }

    add(5, 0)
    few = measure()
    add(25, 5)
    many = measure()
    print(f"\nSQL statements for /roadmap, 5 -> 30 projects: {few} -> {many}")
    assert few == many
    # the projects, their fields, their municipalities, and the two filter lists
    assert few[("/roadmap", "anonymous")] == 5

    db.session.remove()
    response = client.get("/roadmap", headers={"Accept-Encoding": "gzip"})
    body = response.get_data()
    size = len(gzip.decompress(body)) if response.headers.get("Content-Encoding") == "gzip" else 0
    print(f"/roadmap with 30 projects: {len(body)} bytes sent, {size} bytes of HTML")
    assert response.headers.get("Content-Encoding") == "gzip"
    assert len(body) < 30_000
