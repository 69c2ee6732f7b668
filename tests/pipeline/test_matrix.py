"""The portfolio matrix: rated public ideas placed by mean feasibility and relevance,
the same ideas in a table, filters, quadrants, and who may see it."""

import re

import pytest
from sqlalchemy import event

from participation.extensions import db
from participation.projects.services import ProjectPlan, create_project, decline_idea
from participation.rating.services import rate_idea
from participation.reports import matrix
from tests.factories import create_idea, create_user, get_field, get_municipality
from tests.helpers import html_of, main_of

URL = "/pipeline/matrix"
POINT = re.compile(
    r'<a class="point point-([\w-]+)" tabindex="-1" href="([^"]+)">'
    r'<title>([^<]*)</title><circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"></circle></a>'
)


def rate(idea, *pairs):
    """Each (relevance, feasibility) pair from another member; the mean is what counts."""
    for relevance, feasibility in pairs:
        rate_idea(create_user(roles=("committee",)), idea, relevance, feasibility)
    db.session.commit()


def points(response) -> list[dict]:
    svg = main_of(response).split('<svg class="matrix matrix-points"', 1)[1].split("</svg>", 1)[0]
    return [
        {"group": g, "href": href, "title": t, "cx": float(x), "cy": float(y), "r": float(r)}
        for g, href, t, x, y, r in POINT.findall(svg)
    ]


def table(response) -> list[dict]:
    """The data table's rows: the idea (title and state) and each figure by column header."""
    html = main_of(response).split('class="data-table stack-table matrix-table"', 1)[1]
    html = html.split("</table>", 1)[0]
    headers = re.findall(r'<th scope="col">([^<]*)</th>', html)
    assert headers[0] == "Idee und Stand"
    rows = []
    for idea_id, body in re.findall(r'<tr id="idea-(\d+)">(.*?)</tr>', html, re.S):
        title, state = re.search(
            r'<th scope="row"><a href="[^"]+">([^<]*)</a> <span class="meta idea-stand">([^<]*)',
            body,
        ).groups()
        cells = re.findall(r"<td>([^<]*)</td>", body)
        figures = dict(zip([h.replace("\u00ad", "") for h in headers[1:]], cells, strict=True))
        rows.append({"id": int(idea_id), "Idee": title, "Stand": state, **figures})
    return rows


@pytest.fixture
def member(as_user):
    return as_user(create_user(roles=("team",)))


def test_rated_ideas_are_points_and_rows_with_their_means(member):
    lead = create_idea(title="Mitfahrbänke", field="mobilitaet", supports=9)
    rate(lead, (5, 4), (4, 5))
    cable = create_idea(title="Seilbahn über die Ems", municipality="emsdetten", supports=4)
    rate(cable, (5, 1), (4, 2))
    shelf = create_idea(title="Bücherschrank am Bahnhof", field="demografie", supports=1)
    rate(shelf, (2, 5))
    later = create_idea(title="Goldene Parkbänke", municipality="kreisweit")
    rate(later, (1, 1), (2, 1), (1, 2))
    create_idea(title="Noch nicht bewertet", supports=20)
    hidden = create_idea(title="Später ausgeblendet")
    rate(hidden, (5, 5))
    hidden.state = "hidden"
    db.session.commit()

    response = member.get(URL)
    assert response.status_code == 200
    drawn = points(response)
    assert [p["title"].split(":")[0] for p in drawn] == [
        "Mitfahrbänke",
        "Seilbahn über die Ems",
        "Bücherschrank am Bahnhof",
        "Goldene Parkbänke",
    ]
    assert drawn[0]["title"] == (
        "Mitfahrbänke: Relevanz 4,5, Realisierbarkeit 4,5, 9 Unterstützungen, Offen"
    )
    assert drawn[3]["title"].endswith("0 Unterstützungen, Offen")
    assert all(p["group"] == "open" for p in drawn)
    assert drawn[0]["href"] == f"/pipeline/ideas/{lead.id}/rate"

    rows = table(response)
    assert [row["id"] for row in rows] == [lead.id, cable.id, shelf.id, later.id]
    links = re.findall(r'<tr id="idea-\d+">\s*<th scope="row"><a href="([^"]+)"', main_of(response))
    assert links == [p["href"] for p in drawn]
    assert rows[1] == {
        "id": cable.id,
        "Idee": "Seilbahn über die Ems",
        "Handlungsfeld": "Mobilität",
        "Kommune": "Emsdetten",
        "Unterstützungen": "4",
        "Relevanz": "4,5",
        "Realisierbarkeit": "1,5",
        "Quadrant": "Potenzial (aufwendig)",
        "Bewertungen": "2",
        "Stand": "Offen",
    }
    assert [row["Quadrant"] for row in rows] == [
        "Leitprojekt-Kandidaten",
        "Potenzial (aufwendig)",
        "Schnelle Erfolge",
        "Zurückstellen",
    ]
    assert (rows[3]["Relevanz"], rows[3]["Realisierbarkeit"], rows[3]["Bewertungen"]) == (
        "1,3",
        "1,3",
        "3",
    )
    assert rows[3]["Kommune"] == "Kreisweit" and rows[2]["Handlungsfeld"] == "Demografie"
    page = main_of(response)
    assert "4 bewertete Ideen" in page
    assert "1 öffentliche Idee noch ohne Bewertung" in page
    assert "Später ausgeblendet" not in page


def test_points_sit_in_their_quadrant_and_grow_with_support(member):
    top = create_idea(supports=16)
    rate(top, (5, 5))
    quarter = create_idea(supports=4)
    rate(quarter, (1, 5))
    none = create_idea()
    rate(none, (5, 1))

    by_title = {p["title"].split(":")[0]: p for p in points(member.get(URL))}
    big, middle, small = by_title[top.title], by_title[quarter.title], by_title[none.title]
    # area follows support: 16 → the largest radius, 4 → half of it, none → the smallest
    assert (big["r"], middle["r"], small["r"]) == (matrix.R_MAX, matrix.R_MAX / 2, matrix.R_MIN)
    split_x, split_y = matrix.X_SCALE(3), matrix.Y_SCALE(3)
    assert big["cx"] > split_x and big["cy"] < split_y  # top right: high, high
    assert middle["cx"] > split_x and middle["cy"] > split_y  # bottom right: quick wins
    assert small["cx"] < split_x and small["cy"] < split_y  # top left: potential


@pytest.mark.parametrize(
    ("relevance", "feasibility", "quadrant"),
    [
        ((3,), (3,), "Leitprojekt-Kandidaten"),  # 3,0 counts as high on both scales
        ((3, 2), (5,), "Schnelle Erfolge"),  # relevance 2,5
        ((4,), (3, 2), "Potenzial (aufwendig)"),  # feasibility 2,5
        ((2, 3), (2, 3), "Zurückstellen"),
    ],
)
def test_quadrants_split_at_three(member, relevance, feasibility, quadrant):
    idea = create_idea()
    members = [create_user(roles=("committee",)) for _ in range(2)]
    for index, member_user in enumerate(members):
        rel = relevance[min(index, len(relevance) - 1)]
        feas = feasibility[min(index, len(feasibility) - 1)]
        rate_idea(member_user, idea, rel, feas)
    db.session.commit()
    [row] = table(member.get(URL))
    assert row["Quadrant"] == quadrant


def test_quadrant_rule():
    assert matrix.quadrant_of(3.0, 3.0) == matrix.Quadrant.LEAD
    assert matrix.quadrant_of(2.99, 5.0) == matrix.Quadrant.QUICK
    assert matrix.quadrant_of(5.0, 2.99) == matrix.Quadrant.POTENTIAL
    assert matrix.quadrant_of(1.0, 1.0) == matrix.Quadrant.LATER


def test_ideas_in_a_project_and_declined_ideas_look_different(member):
    team = create_user(roles=("team",))
    taken = create_idea(title="Dorfladen mit Kreisbus")
    rate(taken, (5, 4))
    declined = create_idea(title="Autobahn durchs Moor")
    rate(declined, (1, 1))
    open_idea = create_idea(title="Offene Werkstatt", supports=1)
    rate(open_idea, (3, 3))
    plan = ProjectPlan(
        title="Nahversorgung im Dorf",
        field_ids=[get_field("mobilitaet").id],
        municipality_ids=[get_municipality("rheine").id],
    )
    create_project(team, plan, [taken])
    decline_idea(team, declined, "Passt nicht zu den Klimazielen.")
    db.session.commit()

    response = member.get(URL)
    groups = {p["title"].split(":")[0]: p for p in points(response)}
    assert groups["Dorfladen mit Kreisbus"]["group"] == "in-project"
    assert groups["Autobahn durchs Moor"]["group"] == "declined"
    assert groups["Offene Werkstatt"]["group"] == "open"
    assert groups["Dorfladen mit Kreisbus"]["title"].endswith("In ein Projekt eingeflossen")
    for idea in (taken, declined, open_idea):  # every point leads to its rating page
        assert groups[idea.title]["href"] == f"/pipeline/ideas/{idea.id}/rate"
        assert member.get(f"/pipeline/ideas/{idea.id}/rate").status_code == 200
    states = {row["Idee"]: row["Stand"] for row in table(response)}
    assert states == {
        "Dorfladen mit Kreisbus": "In ein Projekt eingeflossen",
        "Autobahn durchs Moor": "Nicht weiterverfolgt",
        "Offene Werkstatt": "Offen",
    }
    legend = main_of(response).split('class="matrix-legend"', 1)[1].split("</ul>", 1)[0]
    for shape in ("point-in-project", "point-open", "point-declined"):
        assert shape in legend


def test_filters_by_field_and_municipality(member):
    ideas = {
        "rheine-mobil": create_idea(municipality="rheine", field="mobilitaet"),
        "rheine-demo": create_idea(municipality="rheine", field="demografie"),
        "greven-mobil": create_idea(municipality="greven", field="mobilitaet"),
    }
    for idea in ideas.values():
        rate(idea, (4, 4))
    create_idea(municipality="greven", field="mobilitaet")  # unrated

    def shown(query: str) -> set[int]:
        return {row["id"] for row in table(member.get(URL + query))}

    assert shown("") == {idea.id for idea in ideas.values()}
    assert shown("?field=mobilitaet") == {ideas["rheine-mobil"].id, ideas["greven-mobil"].id}
    assert shown("?municipality=rheine") == {ideas["rheine-mobil"].id, ideas["rheine-demo"].id}
    assert shown("?field=mobilitaet&municipality=greven") == {ideas["greven-mobil"].id}
    page = main_of(member.get(URL + "?field=mobilitaet&municipality=greven"))
    assert '<option value="greven" selected>' in page
    assert "1 öffentliche Idee noch ohne Bewertung" in page
    link = re.search(r'<a href="([^"]+)">1 öffentliche Idee noch ohne Bewertung', page).group(1)
    assert link == "/pipeline?field=mobilitaet&amp;municipality=greven&amp;rated=no"
    listed = main_of(member.get(link.replace("&amp;", "&")))
    assert listed.count('aria-labelledby="rated-') == 1  # the rating list shows that one idea
    # values outside the allowlist are ignored, not passed on
    assert shown("?field=%27%20OR%201%3D1--&municipality=nirgendwo&sort=x") == shown("")


def test_an_empty_selection_says_so(member):
    rate(create_idea(municipality="rheine"), (4, 4))
    response = member.get(URL + "?municipality=lotte")
    assert response.status_code == 200
    assert "noch keine öffentliche Idee bewertet" in main_of(response)
    assert '<svg class="matrix"' not in main_of(response)


def test_sorting_orders_table_and_points_alike(member):
    a = create_idea(title="A", supports=1)
    rate(a, (5, 1))
    b = create_idea(title="B", supports=3)
    rate(b, (2, 4))
    c = create_idea(title="C", supports=2)
    rate(c, (4, 5))
    expected = {
        "": ["B", "C", "A"],
        "?sort=relevance": ["A", "C", "B"],
        "?sort=feasibility": ["C", "B", "A"],
        "?sort=quadrant": ["C", "A", "B"],
    }
    for query, order in expected.items():
        response = member.get(URL + query)
        assert [row["Idee"] for row in table(response)] == order, query
        assert [p["title"].split(":")[0] for p in points(response)] == order, query


def test_ideas_with_equal_means_do_not_cover_each_other(member):
    for _ in range(3):
        rate(create_idea(), (4, 4))
    centres = {(p["cx"], p["cy"]) for p in points(member.get(URL))}
    assert len(centres) == 3


def test_a_very_large_selection_shows_the_best_supported(member, monkeypatch):
    monkeypatch.setattr(matrix, "MAX_POINTS", 2)
    for supports in (0, 2, 1):
        rate(create_idea(title=f"Mit {supports}", supports=supports), (3, 3))
    response = member.get(URL)
    assert [row["Idee"] for row in table(response)] == ["Mit 2", "Mit 1"]
    assert len(points(response)) == 2
    page = main_of(response)
    assert "3 bewertete Ideen" in page and "gezeigt werden die 2 mit der meisten" in page


def test_the_chart_is_an_accessible_image(member):
    rate(create_idea(title="Mitfahrbänke"), (4, 4))
    page = main_of(member.get(URL))
    svg = page.split('<svg class="matrix"', 1)[1].split("</svg>", 1)[0]
    assert 'role="img" aria-labelledby="matrix-title matrix-desc"' in svg
    # the points' links lie on top of the image, hidden from assistive technology, which
    # finds the same links in the table
    layer = page.split('<svg class="matrix matrix-points"', 1)[1].split(">", 1)[0]
    assert 'aria-hidden="true"' in layer
    assert '<title id="matrix-title">Portfolio-Matrix mit 1 bewerteten Ideen</title>' in svg
    assert "Leitprojekt-Kandidaten: 1" in svg.split('<desc id="matrix-desc">')[1]
    for label in ("Realisierbarkeit (Mittel)", "Relevanz (Mittel)", "Schnelle Erfolge"):
        assert label in svg
    assert svg.count('class="tick"') == 10  # 1–5 on both axes
    assert "style=" not in page
    assert "<caption>Bewertete Ideen in der Reihenfolge der Punkte" in page
    nav = page.split('aria-label="Projektpipeline"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{URL}" aria-current="page">Portfolio-Matrix' in nav
    assert 'href="/pipeline/stats">Statistik' in nav


def test_a_fixed_number_of_queries(member, app):
    def queries(path) -> int:
        statements = []

        def count(*_args):
            statements.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert member.get(path).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    rate(create_idea(), (4, 4))
    few = queries(URL)
    team = create_user(roles=("team",))
    for number in range(6):
        idea = create_idea(municipality="greven" if number % 2 else "rheine", supports=number)
        rate(idea, (number % 5 + 1, 3))
    create_project(
        team,
        ProjectPlan(
            title="P",
            field_ids=[get_field("mobilitaet").id],
            municipality_ids=[get_municipality("rheine").id],
        ),
        [idea],
    )
    db.session.commit()
    assert queries(URL) == few
    assert queries(URL + "?field=mobilitaet&municipality=greven&sort=quadrant") == few


REFUSED = {"resident": (), "moderator": ("moderator",), "admin": ("admin",)}


def test_anonymous_people_are_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_are_refused(as_user, role):
    rate(create_idea(title="Geheim bewertete Idee"), (5, 5))
    response = as_user(create_user(roles=REFUSED[role])).get(URL)
    assert response.status_code == 403
    assert "Geheim bewertete Idee" not in html_of(response)


@pytest.mark.parametrize("role", ["committee", "team"])
def test_committee_and_team_see_the_matrix(as_user, role):
    rate(create_idea(title="Bewertete Idee"), (5, 5))
    response = as_user(create_user(roles=(role,))).get(URL)
    assert response.status_code == 200
    assert "Bewertete Idee" in main_of(response)


def test_residents_see_no_ratings_anywhere(as_user, client):
    idea = create_idea(title="Mitfahrbänke")
    rate(idea, (5, 2))
    resident = as_user(create_user())
    for browser in (resident, client):
        for path in ("/ideas", f"/ideas/{idea.id}", "/"):
            page = html_of(browser.get(path))
            assert "Relevanz" not in page and "Realisierbarkeit" not in page, path
            assert "/pipeline/matrix" not in page and "/pipeline/stats" not in page, path
    assert resident.get(URL).status_code == 403
