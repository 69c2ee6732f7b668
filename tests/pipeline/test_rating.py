"""Rating ideas over HTTP: the form, the one row per member and idea, the overview."""

import pytest

from participation.extensions import db
from participation.rating.services import rate_idea
from tests.factories import create_idea, create_user
from tests.helpers import field_error, html_of, main_of
from tests.pipeline.helpers import assessments, figure, overview_rows, rate_url


def rate(user, idea, relevance, feasibility, note=""):
    """A rating written directly (the form is tested on its own)."""
    rate_idea(user, idea, relevance, feasibility, note)
    db.session.commit()


@pytest.mark.parametrize("role", ["committee", "team"])
def test_member_rates_a_published_idea(as_user, role):
    member = create_user(roles=(role,))
    idea = create_idea(title="Mitfahrbänke in allen Ortsteilen")
    browser = as_user(member)

    form = browser.get(rate_url(idea))
    assert form.status_code == 200
    assert "Mitfahrbänke in allen Ortsteilen" in main_of(form)
    assert 'name="relevance" required type="radio" value="5"' in html_of(form)

    response = browser.submit(
        rate_url(idea), {"relevance": "4", "feasibility": "2", "note": "  Gut mit Kreisbus  "}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/pipeline?unrated=1")
    [saved] = assessments(idea)
    assert (saved.rater_id, saved.relevance, saved.feasibility) == (member.id, 4, 2)
    assert saved.note == "Gut mit Kreisbus"
    assert "ist gespeichert" in html_of(browser.get("/pipeline"))


def test_rating_again_changes_the_same_row(as_user):
    member = create_user(roles=("committee",))
    idea = create_idea()
    browser = as_user(member)
    browser.submit(rate_url(idea), {"relevance": "2", "feasibility": "2", "note": "Erst skeptisch"})
    [first] = assessments(idea)

    form = browser.get(rate_url(idea))
    assert 'value="2" checked' in html_of(form) or 'checked id="relevance-1"' in html_of(form)
    assert "Erst skeptisch" in html_of(form)

    response = browser.submit(rate_url(idea), {"relevance": "5", "feasibility": "3", "note": ""})
    assert response.status_code == 302
    [again] = assessments(idea)
    assert again.id == first.id
    assert (again.relevance, again.feasibility, again.note) == (5, 3, "")


def test_two_members_rate_the_same_idea_once_each(as_user):
    committee, team = create_user(roles=("committee",)), create_user(roles=("team",))
    idea = create_idea()
    for member, value in ((committee, "5"), (team, "3"), (committee, "4")):
        as_user(member).submit(rate_url(idea), {"relevance": value, "feasibility": value})
    rows = assessments(idea)
    assert sorted((row.rater_id, row.relevance) for row in rows) == [
        (committee.id, 4),
        (team.id, 3),
    ]


def test_the_rate_page_lists_the_members_ratings_and_notes(as_user):
    idea = create_idea()
    rate(create_user(display_name="Rita Rat", roles=("committee",)), idea, 5, 1, "Zu teuer")
    page = main_of(as_user(create_user(roles=("team",))).get(rate_url(idea)))
    assert "Rita Rat" in page and "Zu teuer" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"relevance": "0", "feasibility": "3"}, "relevance", "Relevanz von 1 bis 5"),
        ({"relevance": "6", "feasibility": "3"}, "relevance", "Relevanz von 1 bis 5"),
        ({"relevance": "drei", "feasibility": "3"}, "relevance", "Relevanz von 1 bis 5"),
        ({"feasibility": "3"}, "relevance", "Relevanz von 1 bis 5"),
        ({"relevance": "3", "feasibility": "6"}, "feasibility", "Realisierbarkeit von 1 bis 5"),
        ({"relevance": "3", "feasibility": "-1"}, "feasibility", "Realisierbarkeit von 1 bis 5"),
        ({"relevance": "3"}, "feasibility", "Realisierbarkeit von 1 bis 5"),
    ],
)
def test_invalid_values_are_refused_in_german(as_user, data, field, message):
    idea = create_idea()
    response = as_user(create_user(roles=("committee",))).submit(rate_url(idea), data)
    assert response.status_code == 200
    html = html_of(response)
    error = field_error(html, field)
    assert error is not None and message in error, error
    assert main_of(response).count(f'id="{field}-error"') == 1
    assert main_of(response).count(error) == 2  # next to the field and in the summary
    assert 'id="error-summary"' in html
    assert assessments() == []


def test_a_note_with_control_characters_or_too_long_is_refused(as_user):
    idea = create_idea()
    browser = as_user(create_user(roles=("committee",)))
    for note, message in (("a\x01b", "Steuerzeichen"), ("x" * 2001, "höchstens 2000 Zeichen")):
        response = browser.submit(
            rate_url(idea), {"relevance": "3", "feasibility": "3", "note": note}
        )
        assert message in (field_error(html_of(response), "note") or "")
    assert assessments() == []


@pytest.mark.parametrize("state", ["pending", "hidden", "rejected", "withdrawn"])
def test_only_published_ideas_can_be_rated(as_user, state):
    idea = create_idea(state=state)
    browser = as_user(create_user(roles=("committee",)))
    assert browser.get(rate_url(idea)).status_code == 404
    token_page = "/pipeline"
    response = browser.submit(
        rate_url(idea), {"relevance": "3", "feasibility": "3"}, form_page=token_page
    )
    assert response.status_code == 404
    assert assessments() == []


def test_an_unknown_idea_is_not_found(as_user):
    assert (
        as_user(create_user(roles=("team",))).get("/pipeline/ideas/999999/rate").status_code == 404
    )


def test_overview_counts_raters_of_all_members(as_user):
    committee = [create_user(roles=("committee",)) for _ in range(3)]
    team = [create_user(roles=("team",)) for _ in range(2)]
    create_user(roles=("committee", "team"))  # counted once
    create_user(roles=("moderator",))  # not a member
    create_user()  # a resident
    rated, unrated = create_idea(), create_idea()
    for member in (committee[0], committee[1], team[0]):
        rate(member, rated, 4, 3)

    rows = overview_rows(main_of(as_user(team[1]).get("/pipeline")))
    assert figure(rows[rated.id], "Bewertet") == "3 von 6 bewertet"
    assert figure(rows[unrated.id], "Bewertet") == "0 von 6 bewertet"
    assert figure(rows[unrated.id], "Relevanz") == "–"
    assert figure(rows[unrated.id], "Uneinigkeit") == "–"


def test_overview_shows_means_with_a_decimal_comma_and_the_disagreement(as_user):
    first, second, third = (create_user(roles=("committee",)) for _ in range(3))
    split, agreed, apart = create_idea(), create_idea(), create_idea()
    rate(first, split, 5, 2)
    rate(second, split, 4, 3)
    rate(first, agreed, 3, 3)
    rate(second, agreed, 3, 3)
    rate(first, apart, 1, 5)
    rate(second, apart, 5, 4)
    rate(third, apart, 3, 4)

    rows = overview_rows(main_of(as_user(third).get("/pipeline")))
    assert figure(rows[split.id], "Relevanz") == "4,5"
    assert figure(rows[split.id], "Realisierbarkeit") == "2,5"
    assert figure(rows[split.id], "Uneinigkeit") == "gering (1)"
    assert figure(rows[agreed.id], "Relevanz") == "3,0"
    assert figure(rows[agreed.id], "Uneinigkeit") == "gering (0)"
    assert figure(rows[apart.id], "Relevanz") == "3,0"
    assert figure(rows[apart.id], "Realisierbarkeit") == "4,3"
    assert figure(rows[apart.id], "Uneinigkeit") == "groß (4)"
    assert "." not in figure(rows[apart.id], "Realisierbarkeit")


def test_overview_shows_supports_and_comments(as_user):
    idea = create_idea(title="Bücherschrank am Bahnhof", supports=3)
    rows = overview_rows(main_of(as_user(create_user(roles=("team",))).get("/pipeline")))
    assert "3 Unterstützungen" in rows[idea.id] and "0 Kommentare" in rows[idea.id]


def test_only_published_ideas_are_in_the_overview(as_user):
    published = create_idea()
    for state in ("pending", "hidden", "rejected", "withdrawn"):
        create_idea(state=state)
    page = main_of(as_user(create_user(roles=("committee",))).get("/pipeline"))
    assert list(overview_rows(page)) == [published.id]
    assert "1 Idee" in page


def test_the_unrated_filter_hides_what_i_rated(as_user):
    me, other = create_user(roles=("committee",)), create_user(roles=("team",))
    mine, theirs, nobodys = create_idea(), create_idea(), create_idea()
    rate(me, mine, 3, 3)
    rate(other, theirs, 3, 3)
    browser = as_user(me)

    everything = overview_rows(main_of(browser.get("/pipeline")))
    assert set(everything) == {mine.id, theirs.id, nobodys.id}
    assert "Bewertung ändern" in everything[mine.id]
    assert "Bewertung ändern" not in everything[theirs.id]

    page = main_of(browser.get("/pipeline?unrated=1"))
    assert set(overview_rows(page)) == {theirs.id, nobodys.id}
    assert "2 Ideen" in page
    assert 'id="unrated" name="unrated" value="1" checked' in page


def test_sort_by_relevance_orders_by_the_mean(as_user):
    first, second = create_user(roles=("committee",)), create_user(roles=("team",))
    low = create_idea(supports=5)
    high = create_idea()
    middle = create_idea(supports=2)
    unrated = create_idea(supports=9)
    rate(first, low, 1, 5)
    rate(second, low, 2, 5)
    rate(first, high, 5, 1)
    rate(second, high, 4, 1)
    rate(first, middle, 3, 3)

    browser = as_user(first)
    by_relevance = list(overview_rows(main_of(browser.get("/pipeline?sort=relevance"))))
    assert by_relevance == [high.id, middle.id, low.id, unrated.id]
    by_support = list(overview_rows(main_of(browser.get("/pipeline"))))
    assert by_support == [unrated.id, low.id, middle.id, high.id]
    fewest = list(overview_rows(main_of(browser.get("/pipeline?sort=unrated"))))
    assert fewest[0] == unrated.id and fewest[-2:] in ([low.id, high.id], [high.id, low.id])
    assert list(overview_rows(main_of(browser.get("/pipeline?sort=quatsch")))) == by_support


def test_overview_filters_by_field_and_municipality(as_user):
    bus = create_idea(field="mobilitaet", municipality="rheine")
    create_idea(field="verwaltung", municipality="rheine")
    create_idea(field="mobilitaet", municipality="kreisweit")
    browser = as_user(create_user(roles=("committee",)))
    page = main_of(browser.get("/pipeline?field=mobilitaet&municipality=rheine"))
    assert list(overview_rows(page)) == [bus.id]


def test_overview_pages(as_user, monkeypatch):
    from participation.rating import overview

    monkeypatch.setattr(overview, "PER_PAGE", 2)
    ideas = [create_idea(supports=n) for n in (3, 2, 1)]
    browser = as_user(create_user(roles=("committee",)))
    first = main_of(browser.get("/pipeline"))
    assert list(overview_rows(first)) == [ideas[0].id, ideas[1].id]
    assert "Seite 1 von 2" in first and 'href="/pipeline?page=2"' in first
    second = main_of(browser.get("/pipeline?page=2"))
    assert list(overview_rows(second)) == [ideas[2].id]
    assert list(overview_rows(main_of(browser.get("/pipeline?page=abc")))) == list(
        overview_rows(first)
    )


def test_blocked_members_do_not_count_as_possible_raters(as_user):
    from datetime import timedelta

    from participation.timeutil import utcnow

    me = create_user(roles=("committee",))
    blocked = create_user(roles=("team",))
    blocked.blocked_at = utcnow()
    was_blocked = create_user(roles=("team",))
    was_blocked.blocked_at, was_blocked.blocked_until = utcnow() - timedelta(days=9), utcnow()
    db.session.commit()
    idea = create_idea()
    rows = overview_rows(main_of(as_user(me).get("/pipeline")))
    assert figure(rows[idea.id], "Bewertet") == "0 von 2 bewertet"
