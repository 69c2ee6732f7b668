"""Submitting an idea: form, preview with similar ideas, pending state, edit and withdraw."""

import json

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.ideas.models import Follow, Idea
from tests.factories import (
    count_rows,
    create_idea,
    create_user,
    get_field,
    get_municipality,
    idea_form_data,
)
from tests.helpers import audit, e, field_error, fresh, html_of, idea_ids_in, main_of

TITLE = "Mehr sichere Radwege in Rheine bauen"
BODY = "Wir brauchen **mehr** Radwege, damit Kinder sicher zur Schule fahren können."


def idea_form(**changes) -> dict:
    return idea_form_data(TITLE, BODY, **changes)


def submit_idea(browser, **changes):
    """Preview first, then confirm: the two steps a person takes."""
    preview = browser.submit("/ideas/new", idea_form(**changes))
    assert preview.status_code == 200
    return browser.submit("/ideas/new", idea_form(confirmed="1", **changes))


def the_idea() -> Idea:
    db.session.expire_all()
    [idea] = db.session.scalars(select(Idea))
    return idea


def test_preview_shows_the_rendered_text_and_similar_published_ideas(browser):
    similar = create_idea(title="Radwege zwischen Rheine und Emsdetten")
    create_idea(title="Radwege für Hörstel", state="pending")
    create_idea(title="Ein Jugendzentrum für Ochtrup")
    browser.login(create_user().email)

    response = browser.submit("/ideas/new", idea_form())

    assert response.status_code == 200
    page = main_of(response)
    assert "Vorschau Ihrer Idee" in page
    assert "Gibt es das schon?" in page
    similar_box = page.split('class="similar"', 1)[1].split("</div>", 1)[0]
    assert f'href="/ideas/{similar.id}"' in similar_box
    assert "Hörstel" not in similar_box, "pending ideas are nobody's business"
    assert "Ochtrup" not in similar_box
    assert "<p>Wir brauchen <strong>mehr</strong> Radwege" in page
    assert 'name="confirmed" type="hidden" value="1"' in page
    assert count_rows(Idea) == 3, "the preview saves nothing"


def test_preview_without_similar_ideas_has_no_hint(browser):
    create_idea(title="Ein Jugendzentrum für Ochtrup")
    browser.login(create_user().email)
    page = main_of(browser.submit("/ideas/new", idea_form()))
    assert "Vorschau Ihrer Idee" in page
    assert "Gibt es das schon?" not in page


def test_similar_ideas_endpoint_lists_matches_for_the_live_hint(client):
    match = create_idea(title="Radwege zwischen Rheine und Emsdetten")
    response = client.get("/ideas/similar?title=Radweg%20Rheine")
    assert response.status_code == 200
    assert f'href="/ideas/{match.id}"' in html_of(response)
    assert "Gibt es das schon?" not in html_of(client.get("/ideas/similar?title=Windkraft"))


def test_confirmed_submission_creates_a_pending_idea_the_author_follows(browser):
    author = create_user()
    browser.login(author.email)

    response = submit_idea(browser)

    idea = the_idea()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/ideas/{idea.id}"
    assert (idea.title, idea.body, idea.state) == (TITLE, BODY, "pending")
    assert idea.author_id == author.id
    assert idea.field_id == get_field("mobilitaet").id
    assert idea.municipality_id == get_municipality("rheine").id
    follow = db.session.scalar(select(Follow).where(Follow.idea_id == idea.id))
    assert follow.user_id == author.id
    [entry] = audit("idea.submit")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (author.id, "ideas", idea.id)
    assert entry.after == "pending"

    page = main_of(browser.get(response.headers["Location"]))
    assert "Danke! Ihre Idee ist eingegangen" in page
    assert "Wartet auf Prüfung" in page
    assert "Bis dahin sehen nur Sie sie" in page
    assert "<strong>mehr</strong>" in page


def test_pending_idea_is_invisible_to_everyone_but_its_author(browser, client, as_user):
    browser.login(create_user().email)
    submit_idea(browser)
    idea = the_idea()
    other = as_user(create_user())
    anonymous = client.application.test_client()

    for visitor in (other, anonymous):
        assert visitor.get(f"/ideas/{idea.id}").status_code == 404
        assert e(TITLE) not in html_of(visitor.get("/ideas"))
        assert e(TITLE) not in html_of(visitor.get("/ideas?q=Radwege"))
    assert idea_ids_in(html_of(browser.get("/ideas"))) == [], "not even the author lists it"


def test_account_lists_own_ideas_with_their_state(browser):
    browser.login(create_user().email)
    submit_idea(browser)
    idea = the_idea()
    foreign = create_idea(title="Die Idee von jemand anderem")

    page = main_of(browser.get("/account"))

    own = page.split("Meine Ideen", 1)[1]
    assert f'href="/ideas/{idea.id}"' in own
    assert e(TITLE) in own
    assert "Wartet auf Prüfung" in own
    assert f'href="/ideas/{foreign.id}"' not in own


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "Kurz"}, "title", "Der Titel muss zwischen 8 und 160 Zeichen lang sein."),
        ({"title": ""}, "title", "Bitte geben Sie Ihrer Idee einen Titel."),
        ({"body": ""}, "body", "Bitte beschreiben Sie Ihre Idee."),
        ({"body": "Zu kurz."}, "body", "Die Beschreibung muss zwischen 30 und 6000 Zeichen"),
        ({"field": "0"}, "field", "Bitte wählen Sie ein Handlungsfeld."),
        ({"municipality": "0"}, "municipality", "Bitte wählen Sie, welche Kommune"),
        ({"municipality": "99999"}, "municipality", "Keine gültige Auswahl."),
        ({"field": "abc"}, "field", "Bitte wählen Sie ein Handlungsfeld."),
    ],
)
def test_errors_are_explained_next_to_the_field_and_keep_the_text(browser, changes, field, message):
    browser.login(create_user().email)
    for confirmed in ("", "1"):
        response = browser.submit("/ideas/new", idea_form(confirmed=confirmed, **changes))
        assert response.status_code == 200
        html = html_of(response)
        assert message in (field_error(html, field) or "")
        typed = idea_form(**changes)
        if typed["title"]:
            assert f'value="{e(typed["title"])}"' in html
        if typed["body"]:
            assert e(typed["body"]) in html.split('id="body"', 1)[1].split("</textarea>", 1)[0]
        if field != "municipality":
            assert f'<option selected value="{typed["municipality"]}">Rheine' in html
    assert count_rows(Idea) == 0


def test_unconfirmed_person_is_asked_to_confirm_first(browser):
    browser.login(create_user(confirmed=False).email)
    response = browser.get("/ideas/new")
    assert response.status_code == 403
    assert "Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse" in html_of(response)
    response = browser.submit("/ideas/new", idea_form(confirmed="1"), form_page="/account")
    assert response.status_code == 403
    assert count_rows(Idea) == 0


def test_anonymous_visitor_is_sent_to_the_login(browser):
    response = browser.get("/ideas/new")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fideas%2Fnew"
    response = browser.submit("/ideas/new", idea_form(confirmed="1"), form_page="/login")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert count_rows(Idea) == 0


def test_author_edits_the_pending_idea(browser):
    browser.login(create_user().email)
    submit_idea(browser)
    idea = the_idea()
    greven = get_municipality("greven")

    form = browser.get(f"/ideas/{idea.id}/edit")
    assert e(TITLE) in html_of(form)
    changed = idea_form(title="Sichere Radwege in Greven", municipality=str(greven.id))
    response = browser.submit(f"/ideas/{idea.id}/edit", changed)

    assert response.status_code == 302
    idea = fresh(idea)
    assert (idea.title, idea.municipality_id, idea.state) == (
        "Sichere Radwege in Greven",
        greven.id,
        "pending",
    )
    [entry] = audit("idea.edit")
    assert json.loads(entry.before)["title"] == TITLE
    assert json.loads(entry.after)["title"] == "Sichere Radwege in Greven"
    rheine = get_municipality("rheine")
    assert json.loads(entry.before)["municipality_id"] == rheine.id
    assert json.loads(entry.after)["municipality_id"] == greven.id
    page = main_of(browser.get(f"/ideas/{idea.id}"))
    assert "Ihre Änderungen sind gespeichert." in page
    assert "Sichere Radwege in Greven" in page


def test_edit_with_errors_keeps_the_old_version(browser):
    browser.login(create_user().email)
    submit_idea(browser)
    idea = the_idea()
    response = browser.submit(f"/ideas/{idea.id}/edit", idea_form(title="Kurz"))
    assert response.status_code == 200
    assert "Der Titel muss" in field_error(html_of(response), "title")
    assert fresh(idea).title == TITLE
    assert audit("idea.edit") == []


def test_author_withdraws_the_pending_idea(browser):
    author = create_user()
    browser.login(author.email)
    submit_idea(browser)
    idea = the_idea()

    response = browser.submit(f"/ideas/{idea.id}/withdraw", {"confirm": "1"})

    assert response.status_code == 302
    assert fresh(idea).state == "withdrawn"
    [entry] = audit("idea.withdraw")
    assert (entry.actor_id, entry.before, entry.after) == (author.id, "pending", "withdrawn")
    assert "Zurückgezogen" in main_of(browser.get("/account")).split("Meine Ideen", 1)[1]


def test_others_cannot_edit_or_withdraw_a_pending_idea(browser, as_user):
    author = create_user()
    browser.login(author.email)
    submit_idea(browser)
    idea = the_idea()
    other = as_user(create_user())
    assert other.get(f"/ideas/{idea.id}/edit").status_code == 404
    response = other.submit(f"/ideas/{idea.id}/withdraw", {"confirm": "1"}, form_page="/account")
    assert response.status_code == 404
    assert fresh(idea).state == "pending"


def test_after_publication_the_author_can_neither_edit_nor_withdraw(as_user):
    author = create_user()
    idea = create_idea(author, title="Eine Idee, die schon öffentlich ist")
    browser = as_user(author)

    page = main_of(browser.get(f"/ideas/{idea.id}"))
    assert f"/ideas/{idea.id}/edit" not in page
    assert f"/ideas/{idea.id}/withdraw" not in page
    assert browser.get(f"/ideas/{idea.id}/edit").status_code == 403
    response = browser.submit(f"/ideas/{idea.id}/edit", idea_form(), form_page="/account")
    assert response.status_code == 403
    assert browser.get(f"/ideas/{idea.id}/withdraw").status_code == 403
    response = browser.submit(f"/ideas/{idea.id}/withdraw", {"confirm": "1"}, form_page="/account")
    assert response.status_code == 403
    idea = fresh(idea)
    assert (idea.title, idea.state) == ("Eine Idee, die schon öffentlich ist", "published")
    assert audit() == []
