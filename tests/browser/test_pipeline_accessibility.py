"""axe-core (WCAG 2.0/2.1 A and AA) on every pipeline and roadmap page at phone size, with
a realistic portfolio; keyboard use of the selection; the matrix's name and table; and no
sideways scrolling of the page (wide tables scroll inside their own region)."""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from participation.extensions import db
from participation.ideas import services as idea_services
from participation.projects import services as projects
from participation.rating.services import rate_idea
from tests.browser.helpers import (
    assert_fits_phone,
    has_visible_focus,
    log_in,
    page_width,
    tab_to,
)
from tests.browser.test_accessibility import assert_no_violations
from tests.factories import create_comment, create_idea, create_user, get_field, get_municipality

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

LONG_WORD = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen"


@dataclass
class Portfolio:
    team: object
    resident: object
    lead: object  # a lead project with everything: funding, milestones, updates, two ideas
    quiet: object  # a district-wide potential project without dates or news
    adopted: object  # an idea in two projects
    taken: object  # an idea in one project
    declined: object
    open_idea: object  # published, rated, in no project yet
    unrated: object


def _plan(title: str, fields, places, **values) -> projects.ProjectPlan:
    return projects.ProjectPlan(
        title=title,
        field_ids=[get_field(slug).id for slug in fields],
        municipality_ids=[get_municipality(slug).id for slug in places],
        **values,
    )


def a_portfolio() -> Portfolio:
    """Rated ideas from several towns, three projects in different states, an answer."""
    team = create_user(display_name="Tina Team", roles=("team",))
    committee = create_user(display_name="Klara Komitee", roles=("committee",))
    resident = create_user(display_name="Maximiliane Mustermann-Überlänge")
    rheine = create_idea(title="Mitfahrbänke an den Ortsausgängen von Rheine", supports=6)
    ibbenbueren = create_idea(
        title="Mitfahrbänke für die Bauerschaften", municipality="ibbenbueren", supports=3
    )
    open_idea = create_idea(
        title=f"Ein {LONG_WORD} für Westerkappeln", municipality="westerkappeln", supports=2
    )
    declined = create_idea(title="Seilbahn auf den Thieberg", municipality="rheine", supports=1)
    unrated = create_idea(
        title="Digitale Bürgerdienste im Rathaus", field="verwaltung", municipality="kreisweit"
    )
    create_comment(rheine, body="Gute Idee, auch für ältere Menschen.")
    idea_services.support_idea(resident, rheine)
    idea_services.follow_idea(resident, rheine)
    for rater, marks in (
        (team, [(4, 4), (5, 3), (2, 5), (1, 2)]),
        (committee, [(5, 4), (4, 2), (3, 4), (1, 1)]),
    ):
        for idea, (relevance, feasibility) in zip(
            (rheine, ibbenbueren, open_idea, declined), marks, strict=True
        ):
            rate_idea(rater, idea, relevance, feasibility, "Intern: passt zur Strategie.")

    lead = projects.create_project(
        team,
        _plan(
            f"Mobilstationen und {LONG_WORD} an allen Bahnhöfen des Kreises",
            ("mobilitaet", "klimaschutz-nachhaltigkeit"),
            ("rheine", "ibbenbueren", "greven"),
            summary="Bus, Bahn, Rad und Mitfahrbank an einem Ort.",
            kind="lead",
            status="active",
            progress=40,
            what="Zwölf Mobilstationen mit **Radboxen**, Ladesäulen und Mitfahrbänken.",
            starts_on=date(2026, 3, 1),
            ends_on=date(2028, 12, 31),
            place="Bahnhofsvorplätze",
            lead="Kreis Steinfurt, Amt für Mobilität",
            partners="Städte und Gemeinden, Regionalverkehr Münsterland",
            staff_fte=Decimal("1.5"),
            budget=Decimal("1250000"),
            internal_notes="Kämmerer skeptisch.",
        ),
        [rheine, ibbenbueren],
    )
    projects.add_funding(team, lead, "LEADER Steinfurter Land", Decimal("800000"), "approved")
    projects.add_funding(
        team, lead, "Smart Cities – Made in Germany", Decimal("450000.50"), "applied"
    )
    done = projects.add_milestone(team, lead, "Standorte festgelegt", date(2026, 6, 30))
    projects.set_milestone_done(team, lead, done.id, True)
    projects.add_milestone(team, lead, "Erste Station eröffnet", date(2027, 9, 1))
    projects.publish_update(team, lead, "Planung beginnt", "Wir **starten** in Rheine.")
    projects.publish_update(
        team, lead, "Förderung bewilligt", "LEADER fördert 800.000 €.", date(2026, 5, 2)
    )
    quiet = projects.create_project(
        team,
        _plan(
            "Hitzeschutz in Kitas",
            ("bevoelkerungsschutz-gesundheit",),
            ("kreisweit",),
            summary="Schatten und Trinkwasser für die Kleinsten.",
        ),
        [rheine],
    )
    projects.add_funding(team, quiet, "Haushaltsmittel des Kreises", None, "applied")
    projects.create_project(
        team,
        _plan(
            "Glasfaser für Gewerbegebiete",
            ("infrastruktur-standort",),
            ("ochtrup", "metelen"),
            kind="lead",
            status="completed",
            progress=100,
            starts_on=date(2025, 1, 1),
            ends_on=date(2026, 3, 31),
        ),
    )
    projects.decline_idea(team, declined, "Zu teuer für den Nutzen; der Bürgerbus fährt schon.")
    db.session.commit()
    return Portfolio(team, resident, lead, quiet, rheine, ibbenbueren, declined, open_idea, unrated)


def as_team(page, portfolio: Portfolio, path: str) -> None:
    log_in(page, portfolio.team.email)
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: HTTP {response.status}"


def _pipeline(page, p):
    as_team(page, p, "/pipeline")
    expect(page.locator(".queue-item")).to_have_count(5)
    expect(page.get_by_role("button", name="Zum Projekt hinzufügen")).to_be_visible()


def _pipeline_filtered(page, p):
    as_team(page, p, "/pipeline?taken=adopted&rated=yes&sort=rating")
    expect(page.locator(".queue-item")).to_have_count(2)


def _pipeline_committee(page, p):
    """The steering committee rates but does not plan: no checkboxes."""
    log_in(page, create_user(display_name="Karl Komitee", roles=("committee",)).email)
    page.goto("/pipeline")
    expect(page.get_by_role("checkbox", name=re.compile("^Auswählen"))).to_have_count(0)


def _rate(page, p):
    as_team(page, p, f"/pipeline/ideas/{p.adopted.id}/rate")
    expect(page.get_by_role("region", name="Bewertungen der Mitglieder")).to_be_visible()


def _decline(page, p):
    as_team(page, p, f"/pipeline/ideas/{p.open_idea.id}/decline")


def _decline_with_errors(page, p):
    _decline(page, p)
    page.get_by_role("button", name="Antwort veröffentlichen").click()
    expect(page.locator("#answer-error")).to_be_visible()


def _projects(page, p):
    as_team(page, p, "/pipeline/projects")
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(4)


def _new_project(page, p):
    as_team(page, p, f"/pipeline/projects/new?idea={p.open_idea.id}&idea={p.unrated.id}")
    expect(page.get_by_role("region", name="Diese Ideen fließen ein")).to_be_visible()


def _new_project_with_errors(page, p):
    as_team(page, p, "/pipeline/projects/new")
    page.get_by_label("Fortschritt in Prozent").fill("150")
    page.get_by_label("Wann: Beginn").fill("2028-01-01")
    page.get_by_role("button", name="Projekt anlegen").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#title-error")).to_be_visible()
    expect(page.locator("#progress-error")).to_be_visible()


def _edit_project(page, p):
    as_team(page, p, f"/pipeline/projects/{p.lead.id}/edit")
    expect(page.get_by_role("region", name="Finanzierung")).to_contain_text("LEADER")


def _milestone_with_errors(page, p):
    as_team(page, p, f"/pipeline/projects/{p.lead.id}/edit")
    page.get_by_role("button", name="Meilenstein eintragen").click()
    expect(page.locator("#milestone-title-error")).to_be_visible()


def _funding_with_errors(page, p):
    as_team(page, p, f"/pipeline/projects/{p.lead.id}/edit")
    page.get_by_role("button", name="Finanzierung eintragen").click()
    expect(page.locator("#funding-programme-error")).to_be_visible()


def _new_update(page, p):
    as_team(page, p, f"/pipeline/projects/{p.lead.id}/updates/new")


def _new_update_with_errors(page, p):
    _new_update(page, p)
    page.get_by_role("button", name="Veröffentlichen").click()
    expect(page.locator("#error-summary")).to_be_visible()


def _matrix(page, p):
    as_team(page, p, "/pipeline/matrix")
    expect(page.locator(".matrix-table tbody tr")).to_have_count(4)


def _stats(page, p):
    as_team(page, p, "/pipeline/stats")


def _export(page, p):
    as_team(page, p, "/pipeline/export")


def _roadmap(page, p):
    page.goto("/roadmap")
    expect(page.locator(".project-card")).to_have_count(3)


def _roadmap_filtered(page, p):
    page.goto("/roadmap?kind=lead&municipality=rheine")
    expect(page.locator(".project-card")).to_have_count(1)


def _roadmap_empty(page, p):
    page.goto("/roadmap?municipality=lotte")
    expect(page.locator(".empty")).to_be_visible()


def _project(page, p):
    page.goto(f"/projects/{p.lead.id}")
    expect(page.get_by_role("region", name="Neuigkeiten").get_by_role("article")).to_have_count(2)


def _project_following(page, p):
    log_in(page, p.resident.email)
    page.goto(f"/projects/{p.lead.id}")
    page.get_by_role("button", name="Projekt folgen").click()
    expect(page.get_by_role("button", name="Nicht mehr folgen")).to_be_visible()


def _project_as_team(page, p):
    as_team(page, p, f"/projects/{p.quiet.id}")
    expect(page.get_by_role("link", name="Bearbeiten")).to_be_visible()


def _idea_in_two_projects(page, p):
    log_in(page, p.resident.email)
    page.goto(f"/ideas/{p.adopted.id}")
    expect(page.get_by_role("region", name="In 2 Projekte eingeflossen")).to_be_visible()


def _idea_in_one_project(page, p):
    page.goto(f"/ideas/{p.taken.id}")
    expect(
        page.get_by_role("region", name=re.compile("^In Projekt „Mobilstationen"))
    ).to_be_visible()


def _idea_declined(page, p):
    page.goto(f"/ideas/{p.declined.id}")
    expect(page.get_by_role("region", name="Antwort des Projektteams")).to_be_visible()


def _idea_open(page, p):
    page.goto(f"/ideas/{p.open_idea.id}")
    expect(page.get_by_role("region", name="Der Weg dieser Idee")).to_contain_text(
        "Vom Projektteam bewertet"
    )


PAGES = {
    "pipeline": _pipeline,
    "pipeline-gefiltert": _pipeline_filtered,
    "pipeline-lenkungsausschuss": _pipeline_committee,
    "bewerten": _rate,
    "nicht-weiterverfolgen": _decline,
    "nicht-weiterverfolgen-fehler": _decline_with_errors,
    "projekte": _projects,
    "projekt-neu": _new_project,
    "projekt-neu-fehler": _new_project_with_errors,
    "projekt-bearbeiten": _edit_project,
    "meilenstein-fehler": _milestone_with_errors,
    "finanzierung-fehler": _funding_with_errors,
    "neuigkeit": _new_update,
    "neuigkeit-fehler": _new_update_with_errors,
    "matrix": _matrix,
    "statistik": _stats,
    "export": _export,
    "roadmap": _roadmap,
    "roadmap-gefiltert": _roadmap_filtered,
    "roadmap-leer": _roadmap_empty,
    "projekt": _project,
    "projekt-gefolgt": _project_following,
    "projekt-als-team": _project_as_team,
    "idee-in-zwei-projekten": _idea_in_two_projects,
    "idee-in-einem-projekt": _idea_in_one_project,
    "idee-nicht-weiterverfolgt": _idea_declined,
    "idee-bewertet": _idea_open,
}


@pytest.mark.parametrize("name", PAGES)
def test_pipeline_and_roadmap_pages(phone, name):
    PAGES[name](phone, a_portfolio())
    assert_no_violations(phone)
    assert_fits_phone(phone)


def test_selection_works_with_the_keyboard(phone):
    p = a_portfolio()
    as_team(phone, p, "/pipeline")
    checkbox = phone.get_by_role("checkbox", name=re.compile(r"^Auswählen ?: Ein Donau"))
    button = phone.get_by_role("button", name="Neues Projekt aus Auswahl")

    # From the top of the page: skip link, menus, filters, then the list.
    assert tab_to(phone, checkbox) > 5
    assert has_visible_focus(checkbox), "Das Auswahlfeld zeigt keinen Fokus."
    phone.keyboard.press("Space")
    expect(checkbox).to_be_checked()
    tab_to(phone, button)  # past the other ideas' links and checkboxes
    assert has_visible_focus(button), "Der Knopf zeigt keinen Fokus."
    expect(checkbox).to_be_checked()
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Neues Projekt")
    sources = phone.get_by_role("region", name="Diese Ideen fließen ein")
    expect(sources.get_by_role("listitem").get_by_role("link")).to_have_text([p.open_idea.title])


def test_matrix_has_a_name_and_a_table(phone):
    p = a_portfolio()
    as_team(phone, p, "/pipeline/matrix")
    chart = phone.get_by_role("img", name=re.compile(r"^Portfolio-Matrix mit 4 bewerteten Ideen"))
    expect(chart).to_be_visible()
    expect(chart).to_have_accessible_name(re.compile(r"Alle Werte stehen in der Tabelle"))
    # The points are shortcuts for the mouse only; keyboards use the table's links.
    expect(phone.locator("svg.matrix-points")).to_have_attribute("aria-hidden", "true")
    table = phone.get_by_role("table", name=re.compile("^Bewertete Ideen"))
    headers = table.get_by_role("columnheader")
    expect(headers.filter(has_text="Relevanz")).to_have_count(1)
    expect(headers.filter(has_text=re.compile("Realisier.?barkeit"))).to_have_count(1)
    rows = table.locator("tbody").get_by_role("row")
    expect(rows).to_have_count(4)
    expect(rows.get_by_role("rowheader").get_by_role("link")).to_have_count(4)
    expect(table).to_contain_text("Seilbahn auf den Thieberg")
    region = phone.get_by_role("region", name="Tabelle der bewerteten Ideen")
    expect(region).to_have_attribute("tabindex", "0")
    assert_fits_phone(phone)


@pytest.mark.parametrize("width", [360, 390])
def test_no_sideways_scrolling(new_phone, width):
    """The page never scrolls sideways; on a phone the roadmap's timeline is a list."""
    p = a_portfolio()
    page = new_phone(width=width)
    too_wide = {}

    def visit(path: str) -> None:
        page.goto(path)
        if page_width(page) > width:
            too_wide[path] = page_width(page)

    visit("/roadmap")
    timeline = page.get_by_role("region", name="Zeitplan-Tabelle, seitlich verschiebbar")
    inner, outer = timeline.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert inner <= outer, "Auf dem Handy ist der Zeitplan eine Liste, nichts zu verschieben."
    expect(timeline.locator(".timeline-track").first).to_be_visible()
    expect(timeline).to_have_attribute("tabindex", "0")
    visit(f"/projects/{p.lead.id}")
    log_in(page, p.team.email)
    for path in ("/pipeline", f"/pipeline/projects/{p.lead.id}/edit", "/pipeline/matrix"):
        visit(path)
    assert not too_wide, f"Seiten scrollen bei {width} px seitwärts: {too_wide}"
