"""The project pipeline end to end in a real browser.

The project team works on a laptop-sized screen: it rates two ideas from different
towns with the keyboard, takes both into one new project, plans it, adds a milestone
and publishes an update. A supporter of one of the ideas, who chose mail at once for such
news, then follows the mail on a phone to the idea and on to the project. And an idea
the team does not pursue shows its public reason to residents on a phone.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from participation.audit import AuditEntry
from participation.extensions import db
from participation.ideas import services as idea_services
from participation.ideas.models import Idea
from participation.projects.models import Milestone, Project, ProjectIdea, ProjectUpdate
from participation.projects.services import load_project
from participation.rating.models import Assessment
from tests.browser.helpers import (
    assert_fits_phone,
    log_in,
    open_laptop,
    rate_with_keyboard,
)
from tests.browser.test_accessibility import assert_no_violations
from tests.factories import (
    choose_channels,
    create_idea,
    create_user,
    link_from,
    notifications_of,
    outbox,
)

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

RHEINE_IDEA = "Mitfahrbänke an den Ortsausgängen von Rheine"
IBBENBUEREN_IDEA = "Mitfahrbänke für die Bauerschaften in Ibbenbüren"
PROJECT = "Mitfahrbänke im ganzen Kreis Steinfurt"
MILESTONE = "Standorte mit den Ortsteilen abgestimmt"
UPDATE = "Die ersten zehn Bänke stehen"
DECLINED_IDEA = "Seilbahn vom Bahnhof Rheine auf den Thieberg"
REASON = (
    "Eine Seilbahn kostet ein Vielfaches dessen, was der Kreis für den Nahverkehr ausgibt. "
    "Der Bürgerbus fährt den Thieberg ab Mai stündlich an."
)


def about(action: str, title: str) -> re.Pattern:
    """A button's or link's name: the visible action, then the hidden ": <title>"
    (Chromium puts a space before the colon of the visually hidden part)."""
    return re.compile(rf"^{action} ?: {re.escape(title)}$")


def fresh(model, **where) -> list:
    """Rows as the database has them now (the browser wrote them in another thread)."""
    db.session.expire_all()
    query = select(model).filter_by(**where).order_by(*model.__mapper__.primary_key)
    return list(db.session.scalars(query))


def reloaded(project) -> Project:
    """The project with its fields, places, funding, milestones, updates and ideas, as saved."""
    db.session.expire_all()
    return load_project(project.id)


def supporter_of(idea, display_name: str):
    """A resident who supports the idea and follows it, and chose a mail at once for
    news of followed ideas and projects (the default is a summary)."""
    person = create_user(display_name=display_name)
    idea_services.support_idea(person, idea)
    idea_services.follow_idea(person, idea)
    db.session.commit()
    choose_channels(person, followed="immediate", projects="immediate")
    return person


def test_team_takes_two_ideas_into_a_project_and_a_supporter_follows_it_on_a_phone(new_phone):
    team = create_user(display_name="Tina Team", roles=("team",))
    rheine_author = create_user(display_name="Rita Radlerin")
    rheine = create_idea(rheine_author, title=RHEINE_IDEA, municipality="rheine", supports=2)
    ibbenbueren = create_idea(title=IBBENBUEREN_IDEA, municipality="ibbenbueren", supports=1)
    supporter = supporter_of(ibbenbueren, "Sven Unterstützer")

    # The team member logs in on a laptop and opens the pipeline from the account menu.
    laptop = open_laptop(new_phone)
    log_in(laptop, team.email)
    laptop.get_by_role("navigation", name="Konto").get_by_role("link", name="Bewerten").click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Ideen bewerten und auswählen")
    items = laptop.locator(".queue-item")
    expect(items).to_have_count(2)

    # Rate both ideas with the keyboard; each save leads back to the unrated ones.
    items.get_by_role("link", name=about("Bewerten", RHEINE_IDEA)).click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text(RHEINE_IDEA)
    rate_with_keyboard(laptop, 4, 3, "Passt zum Leitprojekt Mobilität.")
    expect(laptop.locator(".flash")).to_contain_text(
        f"Ihre Bewertung von „{RHEINE_IDEA}“ ist gespeichert."
    )
    expect(laptop).to_have_url(re.compile(r"/pipeline\?unrated=1$"))
    expect(items.get_by_role("heading")).to_have_text([IBBENBUEREN_IDEA])
    items.get_by_role("link", name=about("Bewerten", IBBENBUEREN_IDEA)).click()
    rate_with_keyboard(laptop, 5, 4, "")
    expect(laptop.locator(".empty")).to_have_text("Keine Ideen in dieser Auswahl.")
    assert [(a.idea_id, a.relevance, a.feasibility) for a in fresh(Assessment)] == [
        (rheine.id, 4, 3),
        (ibbenbueren.id, 5, 4),
    ]

    # Both ideas, rated, ticked together: a new project from the selection.
    laptop.get_by_role("navigation", name="Projektpipeline").get_by_role(
        "link", name="Bewerten & auswählen"
    ).click()
    expect(items.locator(".rated-count")).to_have_text(["1 von 1 bewertet"] * 2)
    laptop.get_by_role("checkbox", name=about("Auswählen", RHEINE_IDEA)).check()
    laptop.get_by_role("checkbox", name=about("Auswählen", IBBENBUEREN_IDEA)).check()
    laptop.get_by_role("button", name="Neues Projekt aus Auswahl").click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Neues Projekt")
    sources = laptop.get_by_role("region", name="Diese Ideen fließen ein")
    expect(sources.get_by_role("listitem").get_by_role("link")).to_have_text(
        [RHEINE_IDEA, IBBENBUEREN_IDEA]
    )
    expect(sources).to_contain_text("(Ibbenbüren, 2 Unterstützungen)")
    # Fields and places come from the ideas; the team only adds the plan.
    places = laptop.get_by_role("group", name="Kommunen")
    expect(places.get_by_label("Rheine", exact=True)).to_be_checked()
    expect(places.get_by_label("Ibbenbüren", exact=True)).to_be_checked()
    expect(places.get_by_label("Kreisweit", exact=True)).not_to_be_checked()
    expect(
        laptop.get_by_role("group", name="Handlungsfelder").get_by_label("Mobilität")
    ).to_be_checked()
    assert fresh(Project) == []

    laptop.get_by_label("Titel").fill(PROJECT)
    laptop.get_by_label("Kurzbeschreibung").fill("Mitfahrbänke in allen Ortsteilen, gut sichtbar.")
    laptop.get_by_label("Leitprojekt").check()
    laptop.get_by_label("Status").select_option(label="In Umsetzung")
    laptop.get_by_label("Fortschritt in Prozent").fill("10")
    laptop.get_by_label("Wann: Beginn").fill("2027-03-01")
    laptop.get_by_label("Wann: Ende").fill("2028-06-30")
    laptop.get_by_label("Wer: Verantwortlich").fill("Kreis Steinfurt, Amt für Mobilität")
    laptop.get_by_label("Budget in Euro").fill("250.000,00")
    laptop.get_by_role("button", name="Projekt anlegen").click()
    expect(laptop.locator(".flash")).to_have_text(f"Das Projekt „{PROJECT}“ ist angelegt.")
    expect(laptop.get_by_role("heading", level=1)).to_have_text(PROJECT)
    expect(laptop.get_by_label("Budget in Euro")).to_have_value("250.000,00")

    [project] = fresh(Project)
    project = reloaded(project)
    assert laptop.url.endswith(f"/pipeline/projects/{project.id}/edit")
    assert (project.kind, project.status, project.progress) == ("lead", "active", 10)
    assert project.budget == Decimal("250000.00")
    assert (project.starts_on, project.ends_on) == (date(2027, 3, 1), date(2028, 6, 30))
    assert {place.slug for place in project.municipalities} == {"rheine", "ibbenbueren"}
    assert [field.slug for field in project.fields] == ["mobilitaet"]
    links = fresh(ProjectIdea, project_id=project.id)
    assert sorted(link.idea_id for link in links) == sorted([rheine.id, ibbenbueren.id])
    assert {idea.state for idea in fresh(Idea)} == {"adopted"}
    adopted = fresh(AuditEntry, action="idea.adopt")
    assert sorted(entry.object_id for entry in adopted) == sorted([rheine.id, ibbenbueren.id])

    # A milestone, done at once.
    laptop.get_by_label("Meilenstein", exact=True).fill(MILESTONE)
    laptop.get_by_label("Fällig am").fill("2027-04-30")
    laptop.get_by_role("button", name="Meilenstein eintragen").click()
    expect(laptop.locator(".flash")).to_have_text("Der Meilenstein ist eingetragen.")
    milestones = laptop.get_by_role("region", name="Meilensteine")
    expect(milestones.locator(".item-row")).to_contain_text([f"{MILESTONE} · 30.04.2027"])
    milestones.get_by_role("button", name=about("Erledigt", MILESTONE)).click()
    expect(laptop.locator(".flash")).to_have_text("Meilenstein erledigt.")
    [milestone] = fresh(Milestone, project_id=project.id)
    assert (milestone.title, milestone.due_on, milestone.done) == (
        MILESTONE,
        date(2027, 4, 30),
        True,
    )

    # Progress goes up; saving the plan again keeps everything else, the budget too.
    laptop.get_by_label("Fortschritt in Prozent").fill("20")
    laptop.get_by_role("button", name="Plan speichern").click()
    expect(laptop.locator(".flash")).to_have_text("Der Plan ist gespeichert.")
    project = reloaded(project)
    assert (project.progress, project.budget) == (20, Decimal("250000.00"))
    assert {place.slug for place in project.municipalities} == {"rheine", "ibbenbueren"}

    # The update goes public; everyone who follows one of the ideas gets a mail.
    laptop.get_by_role("link", name="Neuigkeit veröffentlichen").click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Neuigkeit veröffentlichen")
    laptop.get_by_label("Titel").fill(UPDATE)
    laptop.get_by_label("Text").fill("In Rheine und Ibbenbüren stehen die **ersten zehn Bänke**.")
    laptop.get_by_role("button", name="Veröffentlichen").click()
    expect(laptop).to_have_url(re.compile(rf"/projects/{project.id}$"))
    expect(laptop.locator(".flash")).to_contain_text("Die Neuigkeit ist veröffentlicht")
    [update] = fresh(ProjectUpdate, project_id=project.id)
    assert update.title == UPDATE
    assert update.published_on is not None

    mails = outbox(supporter.email)
    assert [mail.subject for mail in mails] == [
        f"Eine Idee fließt in ein Projekt ein: {IBBENBUEREN_IDEA}",
        f"Neues aus dem Projekt: {PROJECT}",
    ]
    assert link_from(mails[0], "/projects/") == f"/projects/{project.id}"
    assert link_from(mails[1], "/projects/") == f"/projects/{project.id}"
    assert "ersten zehn Bänke" in mails[1].body
    assert "Stand: In Umsetzung, 20 % umgesetzt." in mails[1].body
    # The other idea's author hears of both: of the decision on her idea by mail at once,
    # of the news in her inbox (project news come in the weekly summary unless chosen
    # otherwise); the team member of neither.
    assert [mail.subject for mail in outbox(rheine_author.email)] == [
        f"Eine Idee fließt in ein Projekt ein: {RHEINE_IDEA}",
    ]
    heard = [(n.event.kind, n.reason) for n in notifications_of(rheine_author)]
    assert heard == [("idea.taken", "author"), ("project.updated", "author")]
    assert outbox(team.email) == [] and notifications_of(team) == []

    # On a phone, the supporter follows the mail's link to the idea ...
    phone = new_phone()
    log_in(phone, supporter.email)
    phone.goto(link_from(mails[0], "/ideas/"))
    expect(phone.get_by_role("heading", level=1)).to_have_text(IBBENBUEREN_IDEA)
    expect(phone.locator(".state")).to_contain_text("Stand: In ein Projekt eingeflossen.")
    box = phone.get_by_role("region", name=f"In Projekt „{PROJECT}“ eingeflossen")
    expect(box).to_contain_text("Leitprojekt · Status: In Umsetzung")
    expect(box).to_contain_text("20 % umgesetzt")
    path = phone.get_by_role("region", name="Der Weg dieser Idee")
    expect(path.get_by_role("listitem")).to_contain_text(
        ["Eingereicht", "Veröffentlicht", "Vom Projektteam bewertet", "In Projekt übernommen"]
    )
    expect(path.get_by_role("link", name=PROJECT)).to_be_visible()
    assert_fits_phone(phone)
    assert_no_violations(phone)

    # ... and on to the project: the update, the progress, the milestone, both ideas.
    box.get_by_role("link", name=PROJECT).click()
    expect(phone).to_have_url(re.compile(rf"/projects/{project.id}$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text(PROJECT)
    expect(phone.locator("progress")).to_have_attribute("value", "20")
    expect(phone.locator(".progress-line")).to_contain_text("20 % umgesetzt")
    news = phone.get_by_role("region", name="Neuigkeiten")
    expect(news.get_by_role("heading", name=UPDATE)).to_be_visible()
    expect(news.locator("strong")).to_have_text("ersten zehn Bänke")
    expect(phone.get_by_role("region", name="Meilensteine")).to_contain_text(
        f"Erledigt: {MILESTONE}"
    )
    plan = phone.get_by_role("region", name="Der Plan")
    expect(plan).to_contain_text("Ibbenbüren, Rheine")
    expect(plan).to_contain_text("250.000,00 €")
    origin = phone.get_by_role("region", name="Aus diesen Ideen entstanden")
    expect(origin.get_by_role("link")).to_have_text([RHEINE_IDEA, IBBENBUEREN_IDEA])
    # Public means public: no edit button, and nothing internal.
    expect(phone.get_by_role("link", name="Bearbeiten")).to_have_count(0)
    expect(phone.locator("main")).not_to_contain_text("Passt zum Leitprojekt Mobilität")
    assert_fits_phone(phone)
    assert_no_violations(phone)


def test_team_declines_an_idea_and_a_resident_reads_the_reason_on_a_phone(new_phone):
    team = create_user(display_name="Tina Team", roles=("team",))
    author = create_user(display_name="Rolf Rheiner")
    idea = create_idea(author, title=DECLINED_IDEA, municipality="rheine", supports=3)
    create_idea(title="Radweg an der Emsstraße", municipality="greven")

    laptop = open_laptop(new_phone)
    log_in(laptop, team.email)
    laptop.goto("/pipeline")
    row = laptop.locator(".queue-item", has_text=DECLINED_IDEA)
    row.get_by_role("link", name=about("Nicht weiterverfolgen", DECLINED_IDEA)).click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Nicht weiterverfolgen")

    # Without a reason, nothing happens; the form says why.
    laptop.get_by_role("button", name="Antwort veröffentlichen").click()
    expect(laptop.locator("#error-summary")).to_be_visible()
    expect(laptop.locator("#answer-error")).to_have_text(
        "Bitte begründen Sie öffentlich, warum die Idee nicht weiterverfolgt wird."
    )
    assert fresh(Idea, id=idea.id)[0].state == "published"

    laptop.get_by_label("Öffentliche Begründung").fill(REASON)
    laptop.get_by_role("button", name="Antwort veröffentlichen").click()
    expect(laptop.locator(".flash")).to_have_text(
        f"„{DECLINED_IDEA}“ ist als nicht weiterverfolgt beantwortet."
    )
    expect(row.locator(".badge-state")).to_have_text("Nicht weiterverfolgt")
    expect(row.get_by_role("link", name=re.compile("^Nicht weiterverfolgen"))).to_have_count(0)
    [declined] = fresh(Idea, id=idea.id)
    assert (declined.state, declined.team_answer) == ("declined", REASON)
    assert [entry.object_id for entry in fresh(AuditEntry, action="idea.decline")] == [idea.id]
    [mail] = outbox(author.email)
    assert mail.subject == f"Antwort des Projektteams zu Ihrer Idee: {DECLINED_IDEA}"
    assert "Der Bürgerbus fährt den Thieberg ab Mai stündlich an." in mail.body

    # A resident (not logged in) sees the answer and the idea's path on a phone.
    phone = new_phone()
    phone.goto("/ideas")
    phone.get_by_role("link", name=DECLINED_IDEA).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(DECLINED_IDEA)
    expect(phone.locator(".state")).to_contain_text("Stand: Nicht weiterverfolgt.")
    answer = phone.get_by_role("region", name="Antwort des Projektteams")
    expect(answer).to_contain_text(REASON)
    path = phone.get_by_role("region", name="Der Weg dieser Idee")
    expect(path.get_by_role("listitem").last).to_contain_text("Nicht weiterverfolgt")
    expect(phone.get_by_role("region", name=re.compile("eingeflossen"))).to_have_count(0)
    assert_fits_phone(phone)
    assert_no_violations(phone)
