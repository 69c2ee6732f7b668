"""Rate limits on writing: a friendly German 429 page that keeps what the person typed."""

import re
from html import unescape

import pytest

from participation.ideas.models import Comment, Idea, Support
from participation.moderation.models import Report
from tests.factories import count_rows, create_idea, create_user, get_field, get_municipality
from tests.helpers import e, html_of, main_of


@pytest.fixture
def limit(app, monkeypatch):
    """A tiny limit for one test; the conftest resets the counters afterwards."""

    def set_limit(key: str, value: str = "2 per minute") -> None:
        monkeypatch.setitem(app.config, key, value)

    return set_limit


def kept_texts(html: str) -> list[str]:
    """The readonly text areas of the 429 page, unescaped as the browser shows them."""
    areas = re.findall(r"<textarea[^>]*readonly[^>]*>(.*?)</textarea>", html, re.S)
    return [unescape(area) for area in areas]


def assert_friendly_429(response) -> str:
    assert response.status_code == 429
    page = main_of(response)
    assert "Zu viele Anfragen" in page
    assert "Bitte warten Sie einen Moment" in page
    assert "Retry-After" in response.headers
    return html_of(response)


def idea_form(title: str, body: str) -> dict:
    return {
        "title": title,
        "body": body,
        "field": str(get_field("mobilitaet").id),
        "municipality": str(get_municipality("rheine").id),
        "confirmed": "1",
    }


def test_too_many_ideas_keep_title_and_body(as_user, limit):
    limit("IDEA_RATE_LIMIT")
    browser = as_user(create_user())
    for number in (1, 2):
        response = browser.submit(
            "/ideas/new", idea_form(f"Meine Idee Nummer {number}", "Eine Beschreibung " * 3)
        )
        assert response.status_code == 302
    title = 'Die dritte Idee <mit> "Zeichen"'
    body = "Mein langer Text, den ich nicht noch einmal tippen möchte & der bleibt."

    response = browser.submit("/ideas/new", idea_form(title, body))

    html = assert_friendly_429(response)
    assert "Ihr Text ist nicht verloren" in html
    assert kept_texts(html) == [title, body]
    assert e(title) in html, "escaped, not interpreted"
    assert count_rows(Idea) == 2


def test_too_many_comments_keep_the_comment(as_user, limit):
    limit("COMMENT_RATE_LIMIT")
    idea = create_idea()
    browser = as_user(create_user())
    url = f"/ideas/{idea.id}/comments"
    for number in (1, 2):
        response = browser.submit(
            url, {"body": f"Kommentar {number}"}, form_page=f"/ideas/{idea.id}"
        )
        assert response.status_code == 302

    response = browser.submit(
        url, {"body": "Mein dritter Kommentar"}, form_page=f"/ideas/{idea.id}"
    )

    html = assert_friendly_429(response)
    assert kept_texts(html) == ["Mein dritter Kommentar"]
    assert count_rows(Comment) == 2


def test_too_many_supports(as_user, limit):
    limit("SUPPORT_RATE_LIMIT")
    ideas = [create_idea() for _ in range(3)]
    browser = as_user(create_user())
    for idea in ideas[:2]:
        response = browser.submit(f"/ideas/{idea.id}/support", {}, form_page="/account")
        assert response.status_code == 302

    response = browser.submit(f"/ideas/{ideas[2].id}/support", {}, form_page="/account")

    assert_friendly_429(response)
    assert count_rows(Support) == 2
    assert browser.get(f"/ideas/{ideas[2].id}").status_code == 200, "reading is never limited"


def test_too_many_reports_keep_the_note(as_user, limit):
    limit("REPORT_RATE_LIMIT", "1 per minute")
    first, second = create_idea(), create_idea()
    browser = as_user(create_user())
    browser.submit(f"/ideas/{first.id}/report", {"reason": "spam"})

    response = browser.submit(
        f"/ideas/{second.id}/report", {"reason": "other", "note": "Das ist eine Kopie."}
    )

    html = assert_friendly_429(response)
    assert kept_texts(html) == ["Das ist eine Kopie."]
    assert count_rows(Report) == 1


def test_limits_count_per_person_and_per_address(new_browser, limit):
    limit("SUPPORT_RATE_LIMIT")
    limit("SUPPORT_RATE_LIMIT_PER_ADDRESS", "2 per minute")
    ideas = [create_idea() for _ in range(4)]
    anna, ben, cem = create_user(), create_user(), create_user()

    def browser_for(user, address: str):
        browser = new_browser()
        browser.client.environ_base["REMOTE_ADDR"] = address
        browser.login(user.email)
        return browser

    def support(browser, idea) -> int:
        return browser.submit(f"/ideas/{idea.id}/support", {}, form_page="/account").status_code

    anna_here = browser_for(anna, "10.0.0.1")
    assert [support(anna_here, idea) for idea in ideas[:2]] == [302, 302]
    assert support(browser_for(anna, "10.0.0.2"), ideas[2]) == 429, "per person"
    assert support(browser_for(ben, "10.0.0.1"), ideas[2]) == 429, "per address"
    assert support(browser_for(cem, "10.0.0.3"), ideas[2]) == 302
    assert count_rows(Support) == 3


def test_previews_and_forms_with_errors_do_not_use_up_the_idea_allowance(as_user, limit):
    limit("IDEA_RATE_LIMIT")
    browser = as_user(create_user())
    preview = {**idea_form("Eine Idee mit Vorschau", "Eine Beschreibung " * 3), "confirmed": ""}
    for _ in range(3):
        assert browser.submit("/ideas/new", preview).status_code == 200
        assert browser.submit("/ideas/new", idea_form("kurz", "")).status_code == 200
    for number in (1, 2):
        saved = browser.submit("/ideas/new", idea_form(f"Gespeicherte Idee {number}", "Text " * 8))
        assert saved.status_code == 302
    assert count_rows(Idea) == 2
    assert_friendly_429(browser.submit("/ideas/new", idea_form("Dritte Idee heute", "Text " * 8)))
    assert count_rows(Idea) == 2
