"""The pipeline statistics: participation by place, field and month, the funnel, and
who may see them. Known data in, exact figures out (tables and charts)."""

import re
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from participation.extensions import db
from participation.projects.models import Project
from participation.projects.services import ProjectPlan, create_project, load_project, update_plan
from participation.rating.services import rate_idea
from participation.reports import stats
from participation.timeutil import utcnow
from tests.factories import (
    add_supports,
    create_comment,
    create_idea,
    create_user,
    get_field,
    get_municipality,
)
from tests.helpers import html_of, main_of

URL = "/pipeline/stats"
BERLIN = ZoneInfo("Europe/Berlin")


def table(response, table_id: str) -> dict[str, list[str]]:
    """A table's rows (body and footer) as {row header: [cells]}, in order."""
    html = main_of(response).split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for body in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        header = re.search(r'<th scope="row">([^<]*)</th>', body)
        if header:
            rows[header.group(1)] = re.findall(r"<td>([^<]*)</td>", body)
    return rows


def chart(response, title_id: str) -> list[str]:
    """The titles of a chart's bars, in order."""
    html = main_of(response)
    start = html.index(f'aria-labelledby="{title_id}"')
    svg = html[start : html.index("</svg>", start)]
    return re.findall(r'<g class="bar"><title>([^<]*)</title>', svg)


def bar_count(response, title_id: str) -> int:
    """How many bars are drawn (a zero draws none)."""
    html = main_of(response)
    start = html.index(f'aria-labelledby="{title_id}"')
    return html[start : html.index("</svg>", start)].count("<rect ")


@pytest.fixture
def member(as_user):
    return as_user(create_user(roles=("committee",)))


def plan(title="Projekt", status="planned") -> ProjectPlan:
    return ProjectPlan(
        title=title,
        status=status,
        field_ids=[get_field("mobilitaet").id],
        municipality_ids=[get_municipality("rheine").id],
    )


def test_participation_per_municipality_and_field(member):
    first = create_idea(municipality="rheine", field="mobilitaet", supports=3)
    create_comment(first)
    create_comment(first)
    create_idea(municipality="rheine", field="demografie", supports=1)
    create_idea(municipality="kreisweit", field="verwaltung", supports=2)
    declined = create_idea(municipality="rheine", field="mobilitaet", state="declined")
    create_comment(declined)
    for state in ("pending", "rejected", "hidden", "withdrawn"):
        hidden = create_idea(municipality="rheine", field="mobilitaet", state=state)
        add_supports(hidden, 5)
    create_comment(first, state="pending")  # not published: not counted

    response = member.get(URL)
    assert response.status_code == 200
    places = table(response, "places-table")
    assert next(iter(places)) == "Kreisweit"  # the district first, then the towns in order
    assert len(places) == 26  # Kreisweit, 24 towns, Gesamt
    assert places["Kreisweit"] == ["1", "2", "0"]
    assert places["Rheine"] == ["3", "4", "3"]
    assert places["Emsdetten"] == ["0", "0", "0"]
    assert places["Gesamt"] == ["4", "6", "3"]
    fields = table(response, "fields-table")
    assert fields["Mobilität"] == ["2", "3", "3"]
    assert fields["Demografie"] == ["1", "1", "0"]
    assert fields["Verwaltung"] == ["1", "2", "0"]
    assert fields["Klimaschutz und Nachhaltigkeit"] == ["0", "0", "0"]
    assert fields["Gesamt"] == ["4", "6", "3"]

    place_bars = chart(response, "place-chart-title")
    assert len(place_bars) == 25
    assert place_bars[0] == "Kreisweit: 1"
    assert "Rheine: 3" in place_bars and "Emsdetten: 0" in place_bars
    assert bar_count(response, "place-chart-title") == 2  # only Kreisweit and Rheine have ideas
    assert chart(response, "field-chart-title")[:3] == [
        "Verwaltung: 1",
        "Klimaschutz und Nachhaltigkeit: 0",
        "Demografie: 1",
    ]


def test_the_bars_can_show_supports_or_comments(member):
    idea = create_idea(municipality="greven", supports=7)
    create_comment(idea)
    supports = member.get(URL + "?measure=supports")
    assert "Greven: 7" in chart(supports, "place-chart-title")
    assert "Mobilität: 7" in chart(supports, "field-chart-title")
    assert '?measure=supports#places" aria-current="true"' in main_of(supports)
    comments = member.get(URL + "?measure=comments")
    assert "Greven: 1" in chart(comments, "place-chart-title")
    unknown = member.get(URL + "?measure=drop%20table")
    assert unknown.status_code == 200
    assert "Greven: 1" in chart(unknown, "place-chart-title")  # back to ideas


def test_large_figures_have_german_thousands(member):
    idea = create_idea(municipality="lotte")
    idea.support_count = 12345
    db.session.commit()
    response = member.get(URL + "?measure=supports")
    assert table(response, "places-table")["Lotte"] == ["1", "12.345", "0"]
    assert "Lotte: 12.345" in chart(response, "place-chart-title")


def _berlin_month(months_back: int) -> datetime:
    """Noon on the 15th, `months_back` months ago in Berlin, as naive UTC."""
    local = datetime.now(BERLIN)
    year, month = local.year, local.month - months_back
    while month < 1:
        year, month = year - 1, month + 12
    return datetime(year, month, 15, 12, tzinfo=BERLIN).astimezone(UTC).replace(tzinfo=None)


def test_ideas_and_supports_per_month(member):
    this_month, two_ago, last_shown, too_old = (_berlin_month(n) for n in (0, 2, 11, 12))
    now = min(utcnow(), this_month)
    create_idea(created_at=now)
    older = create_idea(created_at=two_ago)
    add_supports(older, 3, created_at=two_ago)
    add_supports(older, 2, created_at=now)
    create_idea(created_at=two_ago, state="pending")  # not public: not counted
    hidden_later = create_idea(created_at=two_ago, state="hidden")  # nor are its supports
    add_supports(hidden_later, 4, created_at=now)
    create_idea(created_at=last_shown)
    create_idea(created_at=too_old)

    response = member.get(URL)
    months = table(response, "months-table")
    assert len(months) == 12
    names = list(months)
    names_expected = [stats.Month(_berlin_month(n).date().replace(day=1)).long for n in (11, 2, 0)]
    assert (names[0], names[9], names[11]) == tuple(names_expected)
    assert months[names[11]] == ["1", "2"]
    assert months[names[9]] == ["1", "3"]
    assert months[names[0]] == ["1", "0"]
    assert sum(int(ideas) for ideas, _ in months.values()) == 3
    idea_bars = chart(response, "idea-month-chart-title")
    assert len(idea_bars) == 12 and idea_bars[-1] == f"{names[11]}: 1"
    assert bar_count(response, "idea-month-chart-title") == 3
    assert chart(response, "support-month-chart-title")[9] == f"{names[9]}: 3"
    assert bar_count(response, "support-month-chart-title") == 2


def test_months_follow_berlin_time():
    """Midnight in Berlin is 22:00 or 23:00 UTC the day before."""
    summer = datetime(2026, 3, 31, 22, 30)  # 1 April, 00:30 in Berlin (CEST)
    winter = datetime(2025, 12, 31, 23, 30)  # 1 January, 00:30 in Berlin (CET)
    before = datetime(2026, 3, 31, 21, 30)  # 31 March, 23:30 in Berlin
    create_idea(created_at=summer)
    create_idea(created_at=winter)
    create_idea(created_at=before)

    months = stats.per_month(now=datetime(2026, 4, 20, 12))
    assert [m.start.isoformat() for m in months[:2]] == ["2025-05-01", "2025-06-01"]
    counts = {m.long: m.ideas for m in months}
    assert counts["April 2026"] == 1
    assert counts["März 2026"] == 1
    assert counts["Januar 2026"] == 1
    assert counts["Dezember 2025"] == 0
    assert months[-1].long == "April 2026"
    bounds = stats.month_starts(datetime(2026, 4, 20, 12))
    assert bounds[-2] == datetime(2026, 3, 31, 22)  # April starts at 22:00 UTC
    assert bounds[-1] == datetime(2026, 4, 30, 22)
    assert datetime(2025, 10, 31, 23) in bounds  # November starts at 23:00 UTC (CET)


def test_the_funnel_counts_each_step_by_its_definition(member):
    team = create_user(roles=("team",))
    committee = create_user(roles=("committee",))
    for state in ("pending", "rejected", "withdrawn", "hidden"):
        create_idea(state=state)
    rated, rated_too, unrated = create_idea(), create_idea(), create_idea()
    rate_idea(committee, rated, 4, 4)
    rate_idea(team, rated, 5, 3)
    rate_idea(committee, rated_too, 2, 2)
    in_active, in_done, unrated_done = create_idea(), create_idea(), create_idea()
    rate_idea(committee, in_active, 3, 3)
    rate_idea(committee, in_done, 5, 5)
    create_project(team, plan("Läuft", status="active"), [in_active, in_done])
    done = create_project(team, plan("Fertig"), [in_done, unrated_done])
    update_plan(team, load_project(done.id), plan("Fertig", status="completed"))
    db.session.commit()
    assert db.session.get(Project, done.id).status == "completed"
    assert unrated.state == "published"

    response = member.get(URL)
    funnel = table(response, "funnel-table")
    # submitted: all but withdrawn (pending, rejected, hidden, 3 published, 3 adopted) = 9;
    # once public: hidden + 3 published + 3 adopted = 7; rated: 4 ideas;
    # in a project: 3; in a completed project: in_done and unrated_done = 2
    assert funnel == {
        "Eingereicht": ["9", "100,0 %"],
        "Veröffentlicht": ["7", "77,8 %"],
        "Bewertet": ["4", "44,4 %"],
        "In ein Projekt übernommen": ["3", "33,3 %"],
        "Umgesetzt": ["2", "22,2 %"],
    }
    assert chart(response, "funnel-chart-title") == [
        "Eingereicht: 9",
        "Veröffentlicht: 7",
        "Bewertet: 4",
        "In ein Projekt übernommen: 3",
        "Umgesetzt: 2",
    ]
    assert bar_count(response, "funnel-chart-title") == 5
    page = main_of(response)
    assert "alle eingereichten Ideen außer zurückgezogenen" in page
    assert "in mindestens einem abgeschlossenen Projekt" in page


def test_an_empty_platform_shows_zeros(member):
    response = member.get(URL)
    assert response.status_code == 200
    assert table(response, "funnel-table")["Eingereicht"] == ["0", "–"]
    assert bar_count(response, "funnel-chart-title") == 0
    assert table(response, "places-table")["Gesamt"] == ["0", "0", "0"]


def test_every_chart_has_a_table_with_caption_and_headers(member):
    page = main_of(member.get(URL))
    assert page.count('role="img"') == 5
    assert page.count("<caption") == 4  # places, fields, months (both charts), funnel
    assert page.count('<th scope="col">') == 4 + 4 + 3 + 3
    assert "style=" not in page
    nav = page.split('aria-label="Projektpipeline"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{URL}" aria-current="page">Statistik' in nav


def test_a_fixed_number_of_queries(member):
    def queries() -> int:
        statements = []

        def count(*_args):
            statements.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert member.get(URL).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    few = queries()
    team = create_user(roles=("team",))
    ideas = [create_idea(municipality=m, supports=1) for m in ("rheine", "greven", "lotte")]
    create_comment(ideas[0])
    rate_idea(team, ideas[1], 3, 3)
    create_project(team, plan(), ideas[:2])
    db.session.commit()
    assert queries() == few


def test_anonymous_people_are_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("roles", [(), ("moderator",), ("moderator:rheine",), ("admin",)])
def test_other_roles_are_refused(as_user, roles):
    response = as_user(create_user(roles=roles)).get(URL)
    assert response.status_code == 403
    assert "Wie weit Ideen kommen" not in html_of(response)


@pytest.mark.parametrize("role", ["committee", "team"])
def test_committee_and_team_see_the_statistics(as_user, role):
    create_idea()
    response = as_user(create_user(roles=(role,))).get(URL)
    assert response.status_code == 200
    assert table(response, "funnel-table")["Eingereicht"] == ["1", "100,0 %"]


def test_month_bounds_cover_twelve_months_across_the_year_end():
    bounds = stats.month_starts(datetime(2026, 2, 10, 12), count=12)
    assert len(bounds) == 13
    local = [b.replace(tzinfo=UTC).astimezone(BERLIN) for b in bounds]
    assert [(d.year, d.month, d.day, d.hour) for d in (local[0], local[-1])] == [
        (2025, 3, 1, 0),
        (2026, 3, 1, 0),
    ]
    assert all(b2 - b1 >= timedelta(days=28) for b1, b2 in pairwise(bounds))
