"""Kept tallies: the totals the public pages show follow every change of an idea, whoever
writes it (services, plain SQL), and `flask recount` finds and repairs drift."""

import re

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import delete, select, update

from participation.extensions import db
from participation.ideas.models import Idea
from participation.ideas.tallies import KEPT, idea_tallies
from tests.factories import create_idea, create_user, get_field, get_municipality, idea_form_data
from tests.helpers import html_of, main_of
from tests.moderation.helpers import post

MOBILITY, CLIMATE = "mobilitaet", "klimaschutz-nachhaltigkeit"
RESULT_COUNT = r'class="result-count" role="status">\s*(\d+) Ideen?'


def shown(client) -> dict[str, int]:
    """Every total a visitor sees: the list, two fields' and two towns' pages, and the
    district overview's dot of each town."""
    figures = {"ideas": _number(RESULT_COUNT, main_of(client.get("/ideas")))}
    for slug in (MOBILITY, CLIMATE):
        page = main_of(client.get(f"/fields/{slug}"))
        none = "noch keine veröffentlichten Ideen" in page
        figures[slug] = 0 if none else _number(r"Alle Ideen</a> \((\d+)\)", page)
    for slug, name in (("rheine", "Rheine"), ("greven", "Greven")):
        page = main_of(client.get(f"/municipalities/{slug}"))
        figures[slug] = _number(r"(\d+) öffentliche Ideen?", page)
        figures[f"{slug} (Karte)"] = _number(rf'aria-label="{name}: (\d+) Ideen?"', page)
    return figures


def _number(pattern: str, html: str) -> int:
    match = re.search(pattern, html)
    assert match, f"{pattern!r} not on the page"
    return int(match.group(1))


def expected(ideas=0, mobility=0, climate=0, rheine=0, greven=0) -> dict[str, int]:
    return {
        "ideas": ideas,
        MOBILITY: mobility,
        CLIMATE: climate,
        "rheine": rheine,
        "rheine (Karte)": rheine,
        "greven": greven,
        "greven (Karte)": greven,
    }


def submit(browser, title: str, **changes) -> Idea:
    data = idea_form_data(title, f"{title}: eine Beschreibung, lang genug für das Formular.")
    data.update(changes)
    browser.submit("/ideas/new", data)
    response = browser.submit("/ideas/new", {**data, "confirmed": "1"})
    assert response.status_code == 302, html_of(response)
    return db.session.scalars(select(Idea).where(Idea.title == title)).one()


def decide(browser, idea: Idea, action: str) -> None:
    url = f"/moderation/ideas/{idea.id}/{action}"
    data = {"template": "0", "reason": "Begründung der Moderation"}
    response = post(browser, url, data if action in ("reject", "hide") else {}, page="/moderation")
    assert response.status_code == 302, (action, html_of(response))


def recount_check(runner) -> str:
    result = runner.invoke(args=["recount", "--check"])
    assert result.exit_code == 0, result.output
    return result.output


def test_totals_follow_submitting_moving_deciding_withdrawing_and_deleting(as_user, client, runner):
    author = as_user(create_user())
    moderator = as_user(create_user(roles=("moderator",)))
    create_idea(field=MOBILITY, municipality="rheine")  # one public idea from the start
    assert shown(client) == expected(ideas=1, mobility=1, rheine=1)

    moved = submit(author, "Trinkbrunnen an allen Schulen im Kreis")
    assert shown(client) == expected(ideas=1, mobility=1, rheine=1), "pending is not public"
    edited = idea_form_data(
        moved.title, moved.body, municipality=str(get_municipality("greven").id)
    )
    edited["field"] = str(get_field(CLIMATE).id)
    assert author.submit(f"/ideas/{moved.id}/edit", edited).status_code == 302
    decide(moderator, moved, "approve")
    assert shown(client) == expected(ideas=2, mobility=1, climate=1, rheine=1, greven=1)

    rejected = submit(author, "Eine Idee, die nicht freigegeben wird")
    decide(moderator, rejected, "reject")
    withdrawn = submit(author, "Eine Idee, die ihre Autorin zurückzieht")
    assert author.submit(f"/ideas/{withdrawn.id}/withdraw", {"confirm": "1"}).status_code == 302
    assert shown(client) == expected(ideas=2, mobility=1, climate=1, rheine=1, greven=1)

    decide(moderator, moved, "hide")
    assert shown(client) == expected(ideas=1, mobility=1, rheine=1)
    post(moderator, f"/moderation/ideas/{moved.id}/restore", page="/moderation")
    assert shown(client) == expected(ideas=2, mobility=1, climate=1, rheine=1, greven=1)

    # No page deletes or moves a public idea; an operator's SQL must not confuse the totals.
    db.session.execute(
        update(Idea)
        .where(Idea.id == moved.id)
        .values(municipality_id=get_municipality("rheine").id)
    )
    db.session.commit()
    assert shown(client) == expected(ideas=2, mobility=1, climate=1, rheine=2)
    db.session.execute(delete(Idea).where(Idea.id == moved.id))
    db.session.commit()
    assert shown(client) == expected(ideas=1, mobility=1, rheine=1)
    assert "0 Abweichungen gefunden." in recount_check(runner)


def test_filtered_totals_of_the_list_match_the_ideas_shown(client):
    for state in ("published", "published", "adopted", "declined", "pending", "hidden"):
        create_idea(state=state, municipality="greven")
    create_idea(field=CLIMATE)

    def total(query: str) -> int:
        return _number(RESULT_COUNT, main_of(client.get(f"/ideas{query}")))

    assert total("") == 5
    assert total("?municipality=greven") == 4
    assert total("?state=published") == 3
    assert total("?state=published&municipality=greven") == 2
    assert total(f"?field={CLIMATE}&municipality=greven") == 0
    assert total("?state=adopted&field=mobilitaet") == 1
    assert total("?municipality=gibt-es-nicht") == 0


def test_recount_finds_and_repairs_drifted_tallies(runner, client):
    create_idea(municipality="greven")
    create_idea(municipality="greven", state="pending")
    greven, mobility = get_municipality("greven").id, get_field(MOBILITY).id
    db.session.execute(
        update(idea_tallies)
        .where(
            idea_tallies.c.field_id == mobility,
            idea_tallies.c.municipality_id == greven,
            idea_tallies.c.state == "published",
        )
        .values(ideas=idea_tallies.c.ideas + 4)
    )
    emsdetten = {"field_id": mobility, "municipality_id": get_municipality("emsdetten").id}
    db.session.execute(delete(idea_tallies).filter_by(**emsdetten))  # an earlier test's 0
    db.session.execute(idea_tallies.insert().values(**emsdetten, state="published", ideas=3))
    db.session.commit()
    assert shown(client)["greven"] == 5, "the page believes the tally"

    check = runner.invoke(args=["recount", "--check"])

    assert check.exit_code == 1
    assert (
        f"Ideen in Handlungsfeld {mobility}, Kommune {greven}, Stand published: "
        "gespeichert 5, tatsächlich 1"
    ) in check.output
    assert "2 Abweichungen gefunden." in check.output
    assert shown(client)["greven"] == 5, "--check changes nothing"

    repair = runner.invoke(args=["recount"])

    assert repair.exit_code == 0, repair.output
    assert "2 Abweichungen repariert." in repair.output
    assert shown(client) == expected(ideas=1, mobility=1, greven=1)
    assert "0 Abweichungen gefunden." in recount_check(runner)


def test_the_declared_tables_match_the_migration(app):
    """The kept tables are outside the models' metadata; their declaration (which the
    queries use) must still describe what the migration built."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_name": lambda name, type_, _: type_ != "table" or name in KEPT.tables,
            },
        )
        assert compare_metadata(context, KEPT) == []
