"""Blocking an account: logged out everywhere, no more contributions, old ones stay."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.ideas.models import Comment, Idea, Support
from participation.moderation.models import Report
from participation.timeutil import utcnow
from tests.factories import (
    count_rows,
    create_comment,
    create_idea,
    create_user,
    find_user,
    get_field,
    get_municipality,
    outbox,
)
from tests.helpers import audit, field_error, html_of, main_of
from tests.moderation.helpers import create_template, post

COOKIE = "zst_session"


@pytest.fixture
def troll():
    return create_user(email="troll@example.org", display_name="Tom Troll")


def signed_in(browser) -> bool:
    return browser.client.get("/account").status_code == 200


def replay(new_browser, cookie: str):
    """A fresh client that presents an old session cookie, as a stolen or second device would."""
    other = new_browser()
    other.client.set_cookie(COOKIE, cookie)
    return other


def contribute(browser, idea) -> dict:
    """Try every way of contributing; return the status of each attempt."""
    idea_form = {
        "title": "Noch eine Idee vom Troll",
        "body": "Diese Idee sollte nicht gespeichert werden, weil das Konto gesperrt ist.",
        "field": str(get_field("mobilitaet").id),
        "municipality": str(get_municipality("rheine").id),
        "confirmed": "1",
    }
    return {
        "idea": browser.submit("/ideas/new", idea_form).status_code,
        "comment": browser.submit(
            f"/ideas/{idea.id}/comments", {"body": "Kommentar"}, form_page=f"/ideas/{idea.id}"
        ).status_code,
        "support": post(browser, f"/ideas/{idea.id}/support", page=f"/ideas/{idea.id}").status_code,
        "report": post(
            browser, f"/ideas/{idea.id}/report", {"reason": "spam"}, page=f"/ideas/{idea.id}"
        ).status_code,
    }


def test_a_block_logs_out_everywhere_and_stops_contributions(
    troll, moderator, as_user, new_browser, client
):
    own_idea = create_idea(troll, title="Eine ältere Idee von Tom", body="Text der älteren Idee.")
    create_comment(own_idea, troll, body="Ein älterer Kommentar von Tom.")
    other_idea = create_idea(title="Idee einer anderen Person")
    template = create_template(
        "block", "Wiederholte Regelverstöße", "Sie haben wiederholt gegen die Regeln verstoßen."
    )
    tom = as_user(troll)
    cookie = tom.client.get_cookie(COOKIE).value
    assert signed_in(replay(new_browser, cookie)), "the copied cookie works before the block"
    mod, browser = moderator("moderator")
    url = f"/moderation/users/{troll.id}/block"
    assert f'href="{url}"' in main_of(browser.get(f"/moderation/ideas/{own_idea.id}"))
    form = main_of(browser.get(url))
    assert "Tom Troll" in form and "Wiederholte Regelverstöße" in form
    until = date.today() + timedelta(days=30)

    response = post(
        browser,
        url,
        {"template": str(template.id), "reason": "Zuletzt am 3. Mai.", "until": until.isoformat()},
        page=url,
    )

    assert response.headers["Location"] == "/moderation"
    assert "Das Konto von Tom Troll ist gesperrt." in main_of(browser.get("/moderation"))
    person = find_user("troll@example.org")
    reason = "Sie haben wiederholt gegen die Regeln verstoßen.\n\nZuletzt am 3. Mai."
    assert person.is_blocked and person.blocked_reason == reason
    assert person.blocked_until == datetime.combine(until, datetime.max.time())
    [entry] = audit("user.block")
    assert (entry.actor_id, entry.object_id, entry.reason) == (mod.id, troll.id, reason)
    [mail] = outbox("troll@example.org")
    assert mail.subject == "Ihr Konto wurde gesperrt"
    assert reason in mail.body and f"bis zum {until:%d.%m.%Y}" in mail.body

    # Every session ends: the copied cookie and the browser that held it.
    assert not signed_in(replay(new_browser, cookie))
    assert not signed_in(tom)

    # Logging in again works, contributing does not.
    tom = as_user(troll)
    assert signed_in(tom)
    statuses = contribute(tom, other_idea)
    assert {k: v for k, v in statuses.items() if k != "idea"} == {
        "comment": 403,
        "support": 403,
        "report": 403,
    }
    assert count_rows(Idea) == 2 and count_rows(Comment) == 1
    assert count_rows(Support) == 0 and count_rows(Report) == 0
    assert "Kommentieren" not in main_of(tom.get(f"/ideas/{other_idea.id}"))

    # What Tom wrote before stays visible.
    page = html_of(client.get(f"/ideas/{own_idea.id}"))
    assert "Text der älteren Idee." in page and "Ein älterer Kommentar von Tom." in page


def test_a_blocked_person_cannot_submit_an_idea(troll, as_user):
    troll.blocked_at, troll.blocked_reason = utcnow(), "Spam"
    db.session.commit()
    tom = as_user(troll)
    contribute(tom, create_idea(title="Die einzige Idee"))
    assert [i.title for i in db.session.scalars(select(Idea))] == ["Die einzige Idee"]
    assert audit("idea.submit") == []


def test_a_blocked_person_is_refused_the_idea_form(troll, as_user):
    troll.blocked_at, troll.blocked_reason = utcnow(), "Spam"
    db.session.commit()
    assert as_user(troll).get("/ideas/new").status_code == 403


def test_a_block_that_ended_no_longer_counts(troll, as_user):
    troll.blocked_at = utcnow() - timedelta(days=40)
    troll.blocked_until = utcnow() - timedelta(days=10)
    troll.blocked_reason = "Früher einmal"
    db.session.commit()
    idea = create_idea()
    tom = as_user(troll)
    page = main_of(tom.get(f"/ideas/{idea.id}"))
    assert 'id="kommentieren"' in page

    response = tom.submit(
        f"/ideas/{idea.id}/comments", {"body": "Wieder dabei!"}, form_page=f"/ideas/{idea.id}"
    )

    assert response.status_code == 302
    assert count_rows(Comment) == 1


def test_an_end_date_must_lie_in_the_future(troll, moderator):
    _, browser = moderator("moderator")
    url = f"/moderation/users/{troll.id}/block"
    yesterday = date.today() - timedelta(days=1)

    response = post(browser, url, {"reason": "Spam", "until": yesterday.isoformat()}, page=url)

    assert response.status_code == 200
    assert field_error(html_of(response), "until") == "Das Enddatum muss in der Zukunft liegen."
    assert not find_user("troll@example.org").is_blocked
    assert audit("user.block") == [] and outbox() == []


def test_a_block_needs_a_reason(troll, moderator):
    _, browser = moderator("moderator")
    url = f"/moderation/users/{troll.id}/block"
    response = post(browser, url, {"template": "0", "reason": ""}, page=url)
    assert field_error(html_of(response), "reason") == (
        "Bitte wählen Sie eine Vorlage oder schreiben Sie eine Begründung."
    )
    assert find_user("troll@example.org").blocked_at is None


def test_unblock(troll, moderator, as_user):
    troll.blocked_at, troll.blocked_reason = utcnow(), "Beleidigungen"
    db.session.commit()
    mod, browser = moderator("moderator")
    url = f"/moderation/users/{troll.id}/block"
    page = main_of(browser.get(url))
    assert "Dieses Konto ist bereits gesperrt. Beleidigungen" in page
    assert f'action="/moderation/users/{troll.id}/unblock"' in page

    response = post(browser, f"/moderation/users/{troll.id}/unblock", page=url)

    assert response.headers["Location"] == "/moderation"
    assert "wieder freigeschaltet" in main_of(browser.get("/moderation"))
    person = find_user("troll@example.org")
    assert (person.blocked_at, person.blocked_until, person.blocked_reason) == (None, None, None)
    [entry] = audit("user.unblock")
    assert (entry.actor_id, entry.before) == (mod.id, "Beleidigungen")
    idea = create_idea()
    response = as_user(troll).submit(
        f"/ideas/{idea.id}/comments", {"body": "Wieder da."}, form_page=f"/ideas/{idea.id}"
    )
    assert response.status_code == 302 and count_rows(Comment) == 1


def test_a_municipal_moderator_cannot_block(troll, moderator):
    idea = create_idea(troll)
    _, browser = moderator("moderator:rheine")
    assert "/block" not in main_of(browser.get(f"/moderation/ideas/{idea.id}"))
    url = f"/moderation/users/{troll.id}/block"
    assert browser.get(url).status_code == 403
    response = post(browser, url, {"reason": "Spam"}, page="/moderation")
    assert response.status_code == 403
    assert not find_user("troll@example.org").is_blocked and outbox() == []


def test_nobody_blocks_their_own_account(moderator):
    mod, browser = moderator("moderator")
    url = f"/moderation/users/{mod.id}/block"
    response = post(browser, url, {"reason": "Versehen"}, page=url)
    assert "Sie können Ihr eigenes Konto nicht sperren." in html_of(response)
    assert find_user(mod.email).blocked_at is None
    assert signed_in(browser), "and they stay signed in"
