"""Withdrawing an idea and deleting a comment ask first; a comment with errors comes
back at its form. A phone's accidental tap must never change anything."""

import re

import pytest

from participation.ideas.models import Comment
from tests.factories import count_rows, create_comment, create_idea, create_user
from tests.helpers import audit, csrf_token_from, fresh, html_of, main_of, without_icons

TOO_FAST = (
    "Das ging sehr schnell. Ihre Eingaben sind noch da: "
    "Bitte prüfen Sie sie kurz und senden Sie sie noch einmal ab."
)


def forms_posting_to(html: str, url: str) -> list[str]:
    return re.findall(rf'<form[^>]*action="{re.escape(url)}[^"]*"', html)


def danger_button(html: str) -> str | None:
    match = re.search(r'<button type="submit" class="button button-danger">([^<]*)</button>', html)
    return match.group(1) if match else None


# --- Withdrawing an idea ------------------------------------------------------------


def test_the_idea_page_links_to_a_question_instead_of_withdrawing(as_user):
    author = create_user()
    idea = create_idea(author, state="pending")
    browser = as_user(author)
    url = f"/ideas/{idea.id}/withdraw"

    page = main_of(browser.get(f"/ideas/{idea.id}"))
    assert forms_posting_to(page, url) == [], "no button posts the withdrawal directly"
    assert f'class="button button-secondary button-danger" href="{url}"' in page

    question = browser.get(url)
    assert question.status_code == 200
    html = main_of(question)
    assert "<h1>Idee zurückziehen?</h1>" in html
    assert "nicht rückgängig machen" in html
    assert danger_button(html) == "Ja, zurückziehen"
    assert f'href="/ideas/{idea.id}">Abbrechen</a>' in html
    assert fresh(idea).state == "pending", "opening the question changes nothing"
    assert audit("idea.withdraw") == []


def test_yes_on_the_question_withdraws_and_says_so(as_user):
    author = create_user()
    idea = create_idea(author, state="pending")
    browser = as_user(author)
    url = f"/ideas/{idea.id}/withdraw"

    response = browser.submit(url, {"confirm": "1"})

    assert response.status_code == 302
    assert fresh(idea).state == "withdrawn"
    assert len(audit("idea.withdraw")) == 1
    assert "Sie haben Ihre Idee zurückgezogen." in html_of(
        browser.get(response.headers["Location"])
    )


def test_a_post_without_the_question_only_asks(as_user):
    """The old form on an open tab, or a double tap: it leads to the question."""
    author = create_user()
    idea = create_idea(author, state="pending")
    browser = as_user(author)
    url = f"/ideas/{idea.id}/withdraw"

    response = browser.submit(url, {}, form_page=f"/ideas/{idea.id}")

    assert response.status_code == 303
    assert response.headers["Location"].endswith(url)
    assert fresh(idea).state == "pending"
    assert audit("idea.withdraw") == []


@pytest.mark.parametrize("state, status", [("pending", 404), ("published", 403)])
def test_others_get_no_question_and_no_withdrawal(as_user, state, status):
    idea = create_idea(create_user(), state=state)
    other = as_user(create_user())
    url = f"/ideas/{idea.id}/withdraw"

    assert other.get(url).status_code == status
    response = other.submit(url, {"confirm": "1"}, form_page="/account")
    assert response.status_code == status
    assert fresh(idea).state == state


# --- Deleting a comment -------------------------------------------------------------


def test_the_comment_links_to_a_question_instead_of_deleting(as_user):
    idea = create_idea()
    author = create_user()
    comment = create_comment(idea, author, body="Das nehme ich vielleicht zurück")
    browser = as_user(author)
    url = f"/comments/{comment.id}/delete"

    page = main_of(browser.get(f"/ideas/{idea.id}"))
    assert forms_posting_to(page, url) == []
    assert f'<a class="link-danger" href="{url}">Löschen</a>' in without_icons(page)

    html = main_of(browser.get(url))
    assert "<h1>Kommentar löschen?</h1>" in html
    assert "Das nehme ich vielleicht zurück" in html, "the person sees what goes"
    assert "nicht rückgängig machen" in html
    assert danger_button(html) == "Ja, löschen"
    assert f'href="/ideas/{idea.id}#kommentar-{comment.id}">Abbrechen</a>' in html
    comment = fresh(comment)
    assert (comment.state, comment.body) == ("published", "Das nehme ich vielleicht zurück")

    response = browser.submit(url, {}, form_page=f"/ideas/{idea.id}")
    assert response.status_code == 303 and response.headers["Location"].endswith(url)
    assert fresh(comment).state == "published"
    assert audit("comment.delete") == []

    response = browser.submit(url, {"confirm": "1"})
    assert response.status_code == 302
    assert (fresh(comment).state, fresh(comment).body) == ("deleted", "")
    assert "Ihr Kommentar ist gelöscht." in html_of(browser.get(response.headers["Location"]))
    assert len(audit("comment.delete")) == 1


def test_others_get_no_question_and_no_deletion(as_user):
    idea = create_idea()
    comment = create_comment(idea, body="Mein Kommentar")
    hidden = create_comment(idea, body="Nicht sichtbar", state="pending")
    other = as_user(create_user())

    assert other.get(f"/comments/{comment.id}/delete").status_code == 403
    assert other.get(f"/comments/{hidden.id}/delete").status_code == 404
    for target, status in ((comment, 403), (hidden, 404)):
        url = f"/comments/{target.id}/delete"
        response = other.submit(url, {"confirm": "1"}, form_page=f"/ideas/{idea.id}")
        assert response.status_code == status
    assert fresh(comment).state == "published"
    assert fresh(hidden).state == "pending"
    assert audit("comment.delete") == []


@pytest.mark.parametrize("raw", ["0", "99999999", str(2**63), "-1", "abc"])
def test_hostile_ids_find_no_question(as_user, raw):
    browser = as_user(create_user())
    assert browser.get(f"/comments/{raw}/delete").status_code == 404
    assert browser.get(f"/ideas/{raw}/withdraw").status_code == 404


# --- A comment with errors comes back at its form -----------------------------------


def comment_form_of(html: str) -> str:
    return html.split('id="kommentieren"', 1)[1].split("</form>", 1)[0]


def post_comment(browser, idea, body: str):
    page = html_of(browser.get(f"/ideas/{idea.id}"))
    started = re.search(r'name="form_started"[^>]*value="([^"]+)"', page)[1]
    return browser.client.post(
        f"/ideas/{idea.id}/comments",
        data={"csrf_token": csrf_token_from(page), "form_started": started, "body": body},
    )


def test_the_comment_form_sends_to_itself(as_user):
    idea = create_idea()
    create_comment(idea)
    html = html_of(as_user(create_user()).get(f"/ideas/{idea.id}"))

    actions = re.findall(r'<form[^>]*action="([^"]*/comments)(#[^"]*)?"', html)
    assert actions and all(fragment == "#kommentieren" for _, fragment in actions), actions


@pytest.mark.parametrize(
    "body, message",
    [("", "Bitte schreiben Sie einen Kommentar."), ("x" * 2001, "zwischen 2 und 2000 Zeichen")],
)
def test_a_comment_with_an_error_returns_to_the_form_with_a_summary(as_user, body, message):
    idea = create_idea()
    response = post_comment(as_user(create_user()), idea, body)

    assert response.status_code == 422
    form = comment_form_of(html_of(response))
    summary = form.split('<div class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'role="alert" tabindex="-1" id="error-summary"' in summary
    assert message in summary
    assert body in form, "the typed text is kept"
    assert count_rows(Comment) == 0


def test_a_comment_sent_too_fast_is_kept_and_explained_kindly(as_user, app, monkeypatch):
    monkeypatch.setitem(app.config, "MIN_FORM_SECONDS", 3)
    idea = create_idea()
    text = "Ein schneller, aber ernst gemeinter Gedanke"

    response = post_comment(as_user(create_user()), idea, text)

    assert response.status_code == 422
    form = comment_form_of(html_of(response))
    assert 'id="error-summary"' in form and TOO_FAST in form
    assert text in form
    assert fresh(idea).comment_count == 0
    assert count_rows(Comment) == 0


def test_removing_is_rate_limited_per_person(as_user, app, monkeypatch):
    monkeypatch.setitem(app.config, "REMOVAL_RATE_LIMIT", "2 per minute")
    idea = create_idea()
    author = create_user()
    comments = [create_comment(idea, author, body=f"Kommentar {n}") for n in range(3)]
    browser = as_user(author)

    answers = [
        browser.submit(f"/comments/{c.id}/delete", {"confirm": "1"}).status_code for c in comments
    ]

    assert answers == [302, 302, 429]
    assert [fresh(c).state for c in comments] == ["deleted", "deleted", "published"]
