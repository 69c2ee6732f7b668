"""The roadmap, a project and an idea's path in a real browser on a 360-px phone:
WCAG checks by axe, no sideways scrolling of the page, the timeline as a list of tracks."""

import os
from datetime import date

import pytest

from participation.extensions import db
from participation.projects import services as projects
from participation.rating.services import rate_idea
from tests.browser.helpers import log_in
from tests.factories import create_idea, create_user
from tests.roadmap.helpers import full_plan, make_project

Axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe
expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Set ROADMAP_SCREENSHOTS=/some/dir to look at the pages.
SCREENSHOTS = os.environ.get("ROADMAP_SCREENSHOTS")


def assert_accessible(page, name: str) -> None:
    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    violations = results.response["violations"]
    lines = [
        f"{v['id']}: {v['help']} → " + ", ".join(" ".join(n["target"]) for n in v["nodes"])
        for v in violations
    ]
    assert not violations, f"axe auf {page.url}:\n" + "\n".join(lines)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, f"{name} zu breit"
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def a_busy_roadmap():
    team = create_user(roles=("team",))
    taken = create_idea(title="Radboxen am Bahnhof")
    declined = create_idea(title="Seilbahn nach Tecklenburg")
    rate_idea(team, taken, 4, 4, "")
    project = make_project(
        team,
        title="Mobilstationen an allen Bahnhöfen des Kreises",
        fields=("mobilitaet", "klimaschutz-nachhaltigkeit"),
        places=("rheine", "greven", "emsdetten"),
        ideas=[taken],
        **full_plan(),
    )
    projects.add_funding(team, project, "LEADER Steinfurter Land", 1_250_000, "approved")
    done = projects.add_milestone(team, project, "Standorte festgelegt", date(2027, 3, 31))
    projects.set_milestone_done(team, project, done.id, True)
    projects.add_milestone(team, project, "Erste Station eröffnet", date(2027, 9, 1))
    projects.publish_update(team, project, "Planung beginnt", "Wir **starten**.")
    projects.decline_idea(team, declined, "Zu teuer für den Nutzen; der Bus fährt schon.")
    statuses = ["planned", "active", "completed", "paused", "stopped"]
    for n, status in enumerate(statuses * 2):
        make_project(
            team,
            title=f"Donaudampfschifffahrtsgesellschaftsprojekt {n}",
            fields=(("demografie",), ("verwaltung",), ("mobilitaet",))[n % 3],
            places=("kreisweit",) if n % 2 else ("ochtrup",),
            kind="lead" if n % 3 == 0 else "potential",
            status=status,
            progress=n * 10,
            starts_on=date(2026 + n % 3, 1 + n, 1),
            ends_on=date(2029, 12, 31) if n % 4 else None,
        )
    db.session.commit()
    return project, taken, declined


def test_roadmap_project_and_idea_pages_at_360_px(new_phone):
    project, taken, declined = a_busy_roadmap()
    page = new_phone(width=360, **({"device_scale_factor": 1} if SCREENSHOTS else {}))

    page.goto("/roadmap")
    expect(page.get_by_role("heading", name="Roadmap", level=1)).to_be_visible()
    region = page.get_by_role("region", name="Zeitplan-Tabelle, seitlich verschiebbar")
    expect(region).to_be_visible()
    # On a phone each project is a row: its period, and its bar on a track over the whole
    # period; nothing scrolls sideways, neither the page nor the table.
    widths = region.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert widths[0] <= widths[1]
    expect(region.locator(".timeline-track")).to_have_count(11)
    expect(page.locator(".timeline-ends")).to_be_visible()
    assert_accessible(page, "roadmap")

    page.get_by_text("Projekte filtern").first.click()
    page.get_by_label("Art", exact=True).select_option("lead")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page.locator(".result-count")).to_contain_text("5 Projekte, davon 5 Leitprojekte")
    assert_accessible(page, "roadmap-gefiltert")

    page.goto(f"/projects/{project.id}")
    expect(page.get_by_role("cell", name="1.250.000,00 €")).to_be_visible()
    assert_accessible(page, "projekt")

    page.goto(f"/ideas/{taken.id}")
    expect(page.get_by_role("heading", name="Der Weg dieser Idee")).to_be_visible()
    assert_accessible(page, "idee-uebernommen")
    page.goto(f"/ideas/{declined.id}")
    expect(page.get_by_role("heading", name="Antwort des Projektteams")).to_be_visible()
    assert_accessible(page, "idee-abgelehnt")


def test_following_a_project_in_the_browser(new_phone):
    project = make_project(title="Hitzeschutz in Kitas")
    page = new_phone(width=360, **({"device_scale_factor": 1} if SCREENSHOTS else {}))
    log_in(page, create_user().email)
    page.goto(f"/projects/{project.id}")
    page.get_by_role("button", name="Projekt folgen").click()
    expect(page.get_by_text("Sie folgen dem Projekt. Neuigkeiten finden Sie")).to_be_visible()
    expect(page.get_by_role("button", name="Nicht mehr folgen")).to_be_visible()
    assert_accessible(page, "projekt-gefolgt")
