"""The home page on a phone: what this is, "Idee einreichen", signs of life; below it the
newest and most supported ideas, "Ihre Kommune", where the strategy stands, project news."""

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from participation.accounts.models import User
from participation.extensions import db
from participation.projects import services as projects
from participation.strategy import services as strategy_services
from participation.timeutil import utcnow
from tests.factories import add_supports, create_idea, create_user
from tests.helpers import e, html_of, idea_ids_in, main_of
from tests.ideas.test_queries import queries_for
from tests.roadmap.helpers import make_project


def section(page: str, title_id: str) -> str:
    """The <section> whose heading has this id."""
    start = page.index(f'id="{title_id}"')
    return page[start : page.index("</section>", start)]


def signs_of_life(page: str) -> dict[str, int]:
    """The four figures above the fold: {"Ideen": 3, …}, German thousands dots removed."""
    hero = section(page, "hero-title")
    figures = re.findall(r"<strong>([\d.]+)</strong> ([^<]+)<", hero)
    return {label.strip(): int(number.replace(".", "")) for number, label in figures}


def people_taking_part() -> int:
    db.session.expire_all()
    query = select(func.count()).where(User.confirmed_at.is_not(None), User.deleted_at.is_(None))
    return db.session.scalar(query)


def test_above_the_fold_says_what_this_is_and_invites_to_submit(client):
    page = main_of(client.get("/"))
    hero = section(page, "hero-title")
    assert "Ihre Ideen für den digitalen Kreis Steinfurt" in hero
    assert '<a class="button home-submit" href="/ideas/new">Idee einreichen</a>' in hero
    # The administration's introduction stays, below the first screen.
    intro = section(page, "intro-title")
    assert "gemeinsame Digitalstrategie des Kreises Steinfurt" in intro
    assert page.index('id="hero-title"') < page.index('id="intro-title"')


def test_signs_of_life_count_what_the_public_sees(client):
    team = create_user(roles=("team",))
    published = create_idea(supports=3)
    create_idea(state="adopted", supports=2)
    create_idea(state="declined")
    pending = create_idea(state="pending")
    add_supports(pending, 4)  # supports of an idea nobody sees yet do not count
    create_idea(state="hidden", supports=5)
    create_idea(state="rejected")
    create_user(confirmed=False)  # has not confirmed: not taking part yet
    make_project(team, title="Mobilstationen", status="active")
    make_project(team, title="Bürgerbus", status="planned")

    figures = signs_of_life(main_of(client.get("/")))

    assert figures == {
        "Ideen": 3,
        "Unterstützungen": 5,
        "Personen machen mit": people_taking_part(),
        "Projekt in Umsetzung": 1,
    }
    assert published.support_count == 3


def test_figures_use_german_numbers_and_singular(client):
    create_idea(supports=1)
    page = main_of(client.get("/"))
    assert signs_of_life(page)["Idee"] == 1
    assert signs_of_life(page)["Unterstützung"] == 1
    assert "Projekte in Umsetzung" in section(page, "hero-title")


def test_figures_are_counted_at_most_once_a_minute(app, client, monkeypatch):
    """A busy home page must not count on every visit: a new idea shows a minute later."""
    monkeypatch.setitem(app.config, "SITE_FIGURES_SECONDS", 60)
    app.extensions.pop("site_figures", None)
    create_idea()
    assert signs_of_life(main_of(client.get("/")))["Idee"] == 1
    create_idea()
    assert signs_of_life(main_of(client.get("/")))["Idee"] == 1
    app.extensions.pop("site_figures")  # the minute is over
    assert signs_of_life(main_of(client.get("/")))["Ideen"] == 2


def test_home_page_never_reads_the_supports_and_runs_the_same_queries_for_many_ideas(
    app, browser, count_queries
):
    for n in range(2):
        create_idea(supports=n + 1)
    few = queries_for(browser, count_queries, "/")
    for _ in range(8):
        create_idea(supports=2)
    db.session.remove()
    with count_queries() as statements:
        assert browser.get("/").status_code == 200
    assert len(statements) == few
    assert not [s for s in statements if re.search(r"\bsupports\b", s, re.IGNORECASE)]


def test_newest_and_most_supported_ideas_in_order_and_only_public_ones(client):
    now = utcnow()
    old = create_idea(supports=9, created_at=now - timedelta(days=9))
    middle = create_idea(supports=1, created_at=now - timedelta(days=5))
    adopted = create_idea(state="adopted", supports=4, created_at=now - timedelta(days=3))
    newest = create_idea(created_at=now - timedelta(days=1))
    create_idea(title="Noch geheim", state="pending", supports=20, created_at=now)
    create_idea(title="Ausgeblendet", state="hidden", supports=30, created_at=now)

    page = main_of(client.get("/"))

    assert idea_ids_in(section(page, "newest-title")) == [newest.id, adopted.id, middle.id]
    assert idea_ids_in(section(page, "supported-title")) == [old.id, adopted.id, middle.id]
    assert "Noch geheim" not in page and "Ausgeblendet" not in page
    assert 'href="/ideas?sort=supported"' in section(page, "supported-title")


def test_without_ideas_the_home_page_invites_the_first(client):
    page = main_of(client.get("/"))
    assert "Noch gibt es keine veröffentlichten Ideen." in section(page, "newest-title")
    assert 'id="supported-title"' not in page


def test_town_picker_lists_every_town_and_leads_to_its_page(client, browser, as_user):
    picker = section(main_of(client.get("/")), "town-title")
    assert 'action="/municipalities/choose"' in picker and 'method="get"' in picker
    assert '<label for="municipality">Kommune</label>' in picker
    assert len(re.findall(r"<option ", picker)) == 25  # 24 towns and "Kreisweit"
    assert ">Anzeigen</button>" in picker

    response = client.get("/municipalities/choose?municipality=greven")
    assert response.status_code == 302
    assert response.headers["Location"] == "/municipalities/greven"
    resident = as_user(create_user(municipality="ochtrup"))
    assert '<option value="ochtrup" selected>' in html_of(resident.get("/"))


@pytest.mark.parametrize(
    "hostile", ["gibt-es-nicht", "../admin", "rheine' --", "Greven", "x" * 3000, "//evil.org"]
)
def test_town_picker_refuses_what_is_no_town(client, hostile):
    response = client.get("/municipalities/choose", query_string={"municipality": hostile})
    assert response.status_code == 404
    assert "Location" not in response.headers


def test_town_picker_without_a_choice_shows_all_towns(client):
    response = client.get("/municipalities/choose?municipality=")
    assert response.headers["Location"] == "/municipalities"


def at(monkeypatch, day: date) -> None:
    moment = datetime(day.year, day.month, day.day, 12)
    monkeypatch.setattr(strategy_services, "utcnow", lambda: moment)


@pytest.mark.parametrize(
    ("day", "current", "text"),
    [
        (date(2022, 1, 15), "Projektentwicklung", "Schritt 3 von 4: Projektentwicklung"),
        (date(2022, 3, 1), "Konsolidierung und Umsetzungsplanung", "Schritt 4 von 4"),
        (date(2022, 5, 20), "Konsolidierung und Umsetzungsplanung", "(März – April 2022)"),
        (date(2022, 6, 20), "Umsetzung", "Seit dem Beschluss am 20. Juni 2022"),
    ],
)
def test_the_phase_of_the_strategy_process_follows_the_date(
    client, monkeypatch, day, current, text
):
    at(monkeypatch, day)
    phase = section(main_of(client.get("/")), "phase-title")
    marked = re.findall(r'<li class="phase-now" aria-current="step">([^<]+)', phase)
    assert [name.strip() for name in marked] == [current]
    assert e(text) in phase
    assert 'href="/process"' in phase


def test_today_the_strategy_is_being_put_into_practice(client):
    phase = section(main_of(client.get("/")), "phase-title")
    assert '<li class="phase-now" aria-current="step">Umsetzung' in phase
    assert "Projektentwicklung" in phase  # the steps before it, in order


def test_before_the_first_dated_step_no_phase_is_claimed(client, monkeypatch):
    at(monkeypatch, date(2021, 6, 1))
    assert 'id="phase-title"' not in main_of(client.get("/"))


def test_latest_project_news_link_to_their_place_on_the_project_page(client):
    team = create_user(roles=("team",))
    bus = make_project(team, title="Bürgerbus für Metelen")
    bench = make_project(team, title="Mitfahrbänke")
    first = projects.publish_update(team, bus, "Fahrplan steht", "Ab Mai.", date(2025, 3, 1))
    latest = projects.publish_update(team, bench, "Erste Bank steht", "In Laer.", date(2025, 6, 2))
    next_month = utcnow().date() + timedelta(days=30)
    projects.publish_update(team, bus, "Zukunftsmusik", "Noch nicht.", next_month)
    db.session.commit()

    news = section(main_of(client.get("/")), "news-title")

    assert f'href="/projects/{bench.id}#update-{latest.id}">Erste Bank steht</a>' in news
    assert f'href="/projects/{bus.id}#update-{first.id}">Fahrplan steht</a>' in news
    assert news.index("Erste Bank steht") < news.index("Fahrplan steht")
    assert "02.06.2025" in news and "Mitfahrbänke" in news
    assert "Zukunftsmusik" not in news  # dated in the future: not news yet


def test_fields_of_action_moved_below_and_stay(client):
    page = main_of(client.get("/"))
    assert page.index('id="news-title"') < page.index('id="fields-title"')
    assert 'href="/fields/mobilitaet"' in section(page, "fields-title")
