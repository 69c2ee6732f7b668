"""Reporting ideas and comments for the moderation, once per person and item."""

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.moderation.models import Report, ReportReason
from tests.factories import count_rows, create_comment, create_idea, create_user
from tests.helpers import audit, field_error, html_of, main_of

REASONS = [reason.value for reason in ReportReason]


def reports() -> list[Report]:
    db.session.expire_all()
    return list(db.session.scalars(select(Report).order_by(Report.id)))


@pytest.mark.parametrize("reason", REASONS)
def test_report_an_idea(as_user, reason):
    idea = create_idea(title="Eine fragwürdige Idee")
    reporter = create_user()
    browser = as_user(reporter)
    assert f'href="/ideas/{idea.id}/report"' in main_of(browser.get(f"/ideas/{idea.id}"))
    form = main_of(browser.get(f"/ideas/{idea.id}/report"))
    assert "Idee melden" in form and "Eine fragwürdige Idee" in form

    response = browser.submit(
        f"/ideas/{idea.id}/report", {"reason": reason, "note": "Bitte ansehen."}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"/ideas/{idea.id}"
    [report] = reports()
    assert (report.reporter_id, report.idea_id, report.comment_id) == (reporter.id, idea.id, None)
    assert (report.reason, report.note, report.resolved_at) == (reason, "Bitte ansehen.", None)
    [entry] = audit("report.create")
    assert (entry.actor_id, entry.object_id, entry.after) == (reporter.id, report.id, reason)
    page = main_of(browser.get(f"/ideas/{idea.id}"))
    assert "Danke für Ihre Meldung" in page


@pytest.mark.parametrize("reason", REASONS)
def test_report_a_comment(as_user, reason):
    idea = create_idea()
    comment = create_comment(idea, body="Ein böser Kommentar")
    reporter = create_user()
    browser = as_user(reporter)
    page = main_of(browser.get(f"/ideas/{idea.id}"))
    assert f'href="/comments/{comment.id}/report"' in page
    form = main_of(browser.get(f"/comments/{comment.id}/report"))
    assert "Kommentar melden" in form and "Ein böser Kommentar" in form

    response = browser.submit(f"/comments/{comment.id}/report", {"reason": reason})

    assert response.status_code == 302
    [report] = reports()
    assert (report.idea_id, report.comment_id, report.reason) == (None, comment.id, reason)
    assert audit("report.create")[0].actor_id == reporter.id


def test_reporting_twice_stores_one_report(as_user):
    idea = create_idea()
    comment = create_comment(idea)
    browser = as_user(create_user())
    for _ in range(2):
        browser.submit(f"/ideas/{idea.id}/report", {"reason": "spam"})
        browser.submit(f"/comments/{comment.id}/report", {"reason": "insult"})
    browser.submit(f"/ideas/{idea.id}/report", {"reason": "other"})
    assert [(r.idea_id, r.comment_id, r.reason) for r in reports()] == [
        (idea.id, None, "spam"),
        (None, comment.id, "insult"),
    ]
    assert len(audit("report.create")) == 2
    other = as_user(create_user())
    other.submit(f"/ideas/{idea.id}/report", {"reason": "spam"})
    assert len(reports()) == 3, "another person's report counts on its own"


@pytest.mark.parametrize("reason", ["", "boese", "spam' OR 1=1"])
def test_a_reason_must_be_chosen_from_the_list(as_user, reason):
    idea = create_idea()
    browser = as_user(create_user())
    response = browser.submit(
        f"/ideas/{idea.id}/report", {"reason": reason, "note": "Meine Erläuterung"}
    )
    assert response.status_code == 200
    html = html_of(response)
    assert "Bitte prüfen Sie Ihre Eingaben" in html
    message = field_error(html, "reason")
    assert message == ("Bitte wählen Sie einen Grund." if not reason else "Keine gültige Auswahl.")
    assert "Meine Erläuterung" in html, "the note is kept"
    assert count_rows(Report) == 0
    assert field_error(html, "note") is None


def test_anonymous_visitor_is_sent_to_the_login(browser):
    idea = create_idea()
    comment = create_comment(idea)
    assert "/report" not in main_of(browser.get(f"/ideas/{idea.id}"))
    for url in (f"/ideas/{idea.id}/report", f"/comments/{comment.id}/report"):
        assert browser.get(url).headers["Location"].startswith("/login?next=")
        response = browser.submit(url, {"reason": "spam"}, form_page="/login")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
    assert count_rows(Report) == 0


def test_unconfirmed_people_may_report(as_user):
    idea = create_idea()
    response = as_user(create_user(confirmed=False)).submit(
        f"/ideas/{idea.id}/report", {"reason": "spam"}
    )
    assert response.status_code == 302
    assert count_rows(Report) == 1


def test_ideas_nobody_may_see_cannot_be_reported(as_user):
    idea = create_idea(state="pending")
    browser = as_user(create_user())
    assert browser.get(f"/ideas/{idea.id}/report").status_code == 404
    response = browser.submit(f"/ideas/{idea.id}/report", {"reason": "spam"}, form_page="/account")
    assert response.status_code == 404
    assert browser.get("/comments/999999/report").status_code == 404
    assert count_rows(Report) == 0


@pytest.mark.parametrize("state", ["pending", "hidden"])
def test_the_report_form_does_not_reveal_a_comment_others_may_not_read(as_user, state):
    idea = create_idea()
    author = create_user()
    comment = create_comment(idea, author, body="Telefonnummer 0123 456789", state=state)
    stranger = as_user(create_user())

    assert stranger.get(f"/comments/{comment.id}/report").status_code == 404
    response = stranger.submit(
        f"/comments/{comment.id}/report", {"reason": "spam"}, form_page=f"/ideas/{idea.id}"
    )
    assert response.status_code == 404
    assert "0123 456789" not in main_of(stranger.get(f"/ideas/{idea.id}"))
    assert count_rows(Report) == 0
    moderator = as_user(create_user(roles=("moderator",)))
    assert "0123 456789" in main_of(moderator.get(f"/comments/{comment.id}/report"))
