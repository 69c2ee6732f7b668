"""/pipeline from the kept rating summaries: the figures and orders follow ratings added,
changed and removed (by whatever writer), and `flask recount` finds and repairs drift."""

from sqlalchemy import delete, select, update

from participation.accounts.models import User
from participation.extensions import db
from participation.rating.models import Assessment
from participation.rating.services import rate_idea
from participation.rating.summaries import idea_rating_summaries
from tests.factories import create_idea, create_user
from tests.helpers import html_of
from tests.pipeline.helpers import figure, overview_rows, rate_url


def figures(browser, idea, query: str = "") -> tuple[str, str, str, str]:
    row = overview_rows(html_of(browser.get(f"/pipeline{query}")))[idea.id]
    return tuple(
        figure(row, label) for label in ("Bewertet", "Relevanz", "Realisierbarkeit", "Uneinigkeit")
    )


def order(browser, query: str) -> list[int]:
    return list(overview_rows(html_of(browser.get(f"/pipeline{query}"))))


def rate(browser, idea, relevance: int, feasibility: int) -> None:
    response = browser.submit(
        rate_url(idea), {"relevance": str(relevance), "feasibility": str(feasibility)}
    )
    assert response.status_code == 302, html_of(response)


def recount_check(runner) -> str:
    result = runner.invoke(args=["recount", "--check"])
    assert result.exit_code == 0, result.output
    return result.output


def test_figures_and_orders_follow_ratings_added_changed_and_removed(as_user, runner):
    anna, ben = create_user(roles=("committee",)), create_user(roles=("team",))
    carla = create_user(roles=("team",))
    first, second, unrated = create_idea(supports=3), create_idea(supports=2), create_idea()
    by_anna, by_ben, by_carla = as_user(anna), as_user(ben), as_user(carla)
    assert figures(by_anna, first) == ("0 von 3 bewertet", "–", "–", "–")

    rate(by_anna, first, 5, 4)
    rate(by_ben, first, 2, 2)
    assert figures(by_anna, first) == ("2 von 3 bewertet", "3,5", "3,0", "groß (3)")

    rate(by_anna, first, 1, 3)  # Anna changes her mind
    rate(by_carla, second, 4, 5)
    assert figures(by_anna, first) == ("2 von 3 bewertet", "1,5", "2,5", "gering (1)")
    assert figures(by_anna, second) == ("1 von 3 bewertet", "4,0", "5,0", "gering (0)")
    assert order(by_anna, "?sort=rating") == [second.id, first.id, unrated.id]
    assert order(by_anna, "?sort=relevance") == [second.id, first.id, unrated.id]
    assert order(by_anna, "?sort=unrated") == [unrated.id, second.id, first.id]
    assert order(by_anna, "?rated=no") == [unrated.id]

    # No page removes a rating; plain SQL and a deleted account (its ratings go along,
    # ON DELETE CASCADE) must not confuse the figures either.
    db.session.execute(
        delete(Assessment).where(Assessment.rater_id == ben.id, Assessment.idea_id == first.id)
    )
    db.session.execute(delete(User).where(User.id == carla.id))
    db.session.commit()
    assert figures(by_anna, first) == ("1 von 2 bewertet", "1,0", "3,0", "gering (0)")
    assert figures(by_anna, second) == ("0 von 2 bewertet", "–", "–", "–")
    assert order(by_anna, "?sort=rating") == [first.id, second.id, unrated.id]
    assert order(by_anna, "?rated=no") == [second.id, unrated.id]
    assert "0 Abweichungen gefunden." in recount_check(runner)


def test_pages_of_a_sort_by_rating_run_from_the_rated_into_the_unrated_ideas(as_user):
    """Rated ideas come first, best first; the unrated ones follow by support, and the
    page where the two meet holds both."""
    member = create_user(roles=("team",))
    rated = [create_idea(supports=n % 4) for n in range(28)]
    unrated = [create_idea(supports=n) for n in range(5)]
    for n, idea in enumerate(rated):
        rate_idea(member, idea, 1 + n % 5, 1 + (n * 3) % 5)
    db.session.commit()
    assessments = {a.idea_id: a for a in db.session.scalars(select(Assessment))}

    def rating_key(idea):
        a = assessments[idea.id]
        return (-(a.relevance + a.feasibility), -idea.support_count, -idea.id)

    best_first = sorted(rated, key=rating_key)
    most_supported = sorted(unrated, key=lambda idea: (-idea.support_count, -idea.id))
    expected = [idea.id for idea in best_first + most_supported]
    browser = as_user(member)

    shown = order(browser, "?sort=rating") + order(browser, "?sort=rating&page=2")

    assert shown == expected
    by_support = sorted(rated, key=lambda idea: (-idea.support_count, -idea.id))
    fewest_ratings_first = [idea.id for idea in most_supported + by_support]
    shown = order(browser, "?sort=unrated") + order(browser, "?sort=unrated&page=2")
    assert shown == fewest_ratings_first


def test_the_total_follows_the_filters(as_user):
    member = create_user(roles=("team",))
    for state in ("published", "published", "adopted", "declined", "pending", "hidden"):
        create_idea(state=state, municipality="greven")
    create_idea(field="klimaschutz-nachhaltigkeit", supports=4)
    browser = as_user(member)

    def total(query: str = "") -> str:
        html = html_of(browser.get(f"/pipeline{query}"))
        return html.split('<p class="result-count" role="status">', 1)[1].split("</p>", 1)[0]

    assert total() == "5 Ideen"
    assert total("?taken=published&municipality=greven") == "2 Ideen"
    assert total("?field=klimaschutz-nachhaltigkeit") == "1 Idee"
    assert total("?min_supports=1") == "1 Idee"
    assert total("?taken=adopted&unrated=1") == "1 Idee"


def test_recount_finds_and_repairs_drifted_summaries(as_user, runner):
    member = create_user(roles=("team",))
    rated, unrated = create_idea(), create_idea()
    browser = as_user(member)
    rate(browser, rated, 4, 2)
    summary = idea_rating_summaries.c
    db.session.execute(
        update(idea_rating_summaries).where(summary.idea_id == rated.id).values(raters=3)
    )
    db.session.execute(
        idea_rating_summaries.insert().values(
            idea_id=unrated.id, raters=1, relevance_sum=5, feasibility_sum=5
        )
    )
    db.session.commit()
    assert figures(browser, rated)[:2] == ("3 von 1 bewertet", "1,3"), "the page believes it"

    check = runner.invoke(args=["recount", "--check"])

    assert check.exit_code == 1
    assert f"Idee {rated.id}: Bewertungen raters gespeichert 3, tatsächlich 1" in check.output
    assert f"Idee {unrated.id}: Bewertungen raters gespeichert 1, tatsächlich 0" in check.output
    assert "4 Abweichungen gefunden." in check.output

    repair = runner.invoke(args=["recount"])

    assert repair.exit_code == 0, repair.output
    assert "4 Abweichungen repariert." in repair.output
    assert figures(browser, rated) == ("1 von 1 bewertet", "4,0", "2,0", "gering (0)")
    assert figures(browser, unrated) == ("0 von 1 bewertet", "–", "–", "–")
    kept = db.session.execute(select(summary.idea_id, summary.raters)).all()
    assert kept == [(rated.id, 1)], "an idea without ratings has no summary"
    assert "0 Abweichungen gefunden." in recount_check(runner)
