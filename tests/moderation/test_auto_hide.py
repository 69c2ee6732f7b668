"""Auto-hide: N reports from different people hide content until a moderator decides."""

import pytest

from participation.moderation.models import Report
from tests.factories import count_rows, create_comment, create_idea, create_user
from tests.helpers import audit, html_of, main_of
from tests.moderation.helpers import comment_row, idea_row, open_reports, post


@pytest.fixture
def threshold(app, monkeypatch):
    def set_to(value: int) -> None:
        monkeypatch.setitem(app.config, "AUTO_HIDE_REPORTS", value)

    return set_to


def report(as_user, person, url: str, reason: str = "spam"):
    response = as_user(person).submit(url, {"reason": reason})
    assert response.status_code == 302


def test_two_reports_from_different_people_hide_an_idea(threshold, as_user, client, moderator):
    threshold(2)
    idea = create_idea(title="Billige Uhren kaufen", body="Kaufen Sie billige Uhren bei uns!")
    first, second = create_user(), create_user()

    report(as_user, first, f"/ideas/{idea.id}/report")
    report(as_user, first, f"/ideas/{idea.id}/report", "insult")  # the same person again
    assert idea_row(idea.id).state == "published", "one person's reports count once"
    assert "Kaufen Sie billige Uhren" in html_of(client.get(f"/ideas/{idea.id}"))

    report(as_user, second, f"/ideas/{idea.id}/report")

    row = idea_row(idea.id)
    assert row.state == "hidden"
    assert row.state_reason.startswith("Automatisch ausgeblendet nach 2 Meldungen")
    public = html_of(client.get(f"/ideas/{idea.id}"))
    assert "Von der Moderation ausgeblendet" in public and "billige Uhren" not in public
    [entry] = audit("idea.hide")
    assert entry.actor_id is None, "the system hid it, not a person"
    assert len(open_reports()) == 2, "the reports still wait for a moderator"
    _, browser = moderator("moderator")
    queue = main_of(browser.get("/moderation"))
    assert "Billige Uhren kaufen" in queue and "2 Meldungen" in queue
    assert "System" in main_of(browser.get("/moderation/log?action=idea.hide"))


def test_two_reports_hide_a_comment(threshold, as_user, client):
    threshold(2)
    idea = create_idea()
    comment = create_comment(idea, body="Ihr seid doch alle bescheuert.")
    for person in (create_user(), create_user()):
        report(as_user, person, f"/comments/{comment.id}/report", "insult")

    assert comment_row(comment.id).state == "hidden"
    assert idea_row(idea.id).comment_count == 0
    page = main_of(client.get(f"/ideas/{idea.id}"))
    assert "Von der Moderation ausgeblendet." in page and "bescheuert" not in page
    assert [e.actor_id for e in audit("comment.hide")] == [None]


def test_with_auto_hide_off_nothing_is_hidden(threshold, as_user, client):
    threshold(0)
    idea = create_idea(body="Ein umstrittener, aber erlaubter Vorschlag zum Busverkehr.")
    comment = create_comment(idea, body="Ein umstrittener Kommentar.")
    for _ in range(3):
        person = create_user()
        report(as_user, person, f"/ideas/{idea.id}/report")
        report(as_user, person, f"/comments/{comment.id}/report")

    assert count_rows(Report) == 6
    assert idea_row(idea.id).state == "published"
    assert comment_row(comment.id).state == "published"
    page = html_of(client.get(f"/ideas/{idea.id}"))
    assert "umstrittener, aber erlaubter" in page and "Ein umstrittener Kommentar." in page
    assert audit("idea.hide") == audit("comment.hide") == []


def test_a_moderator_restores_auto_hidden_content(threshold, as_user, client, moderator):
    threshold(2)
    idea = create_idea(body="Eine Idee, die zu Unrecht gemeldet wurde, über Blühstreifen.")
    for person in (create_user(), create_user()):
        report(as_user, person, f"/ideas/{idea.id}/report")
    assert idea_row(idea.id).state == "hidden"
    _mod, browser = moderator("moderator:rheine")
    page = f"/moderation/ideas/{idea.id}"
    assert f'action="/moderation/ideas/{idea.id}/restore"' in main_of(browser.get(page))

    post(browser, f"/moderation/ideas/{idea.id}/restore", page=page)

    assert idea_row(idea.id).state == "published"
    assert open_reports() == []
    assert "Blühstreifen" in html_of(client.get(f"/ideas/{idea.id}"))
    assert "Nichts zu tun" in main_of(browser.get("/moderation"))


def test_the_queue_offers_restore_or_keep_hidden_for_auto_hidden_items(
    threshold, as_user, moderator
):
    threshold(2)
    idea = create_idea(title="Automatisch ausgeblendete Idee")
    comment = create_comment(create_idea(), body="Automatisch ausgeblendeter Kommentar")
    for person in (create_user(), create_user()):
        report(as_user, person, f"/ideas/{idea.id}/report")
        report(as_user, person, f"/comments/{comment.id}/report")
    mod, browser = moderator("moderator")
    queue = main_of(browser.get("/moderation"))
    assert f'action="/moderation/ideas/{idea.id}/restore"' in queue
    assert f'action="/moderation/comments/{comment.id}/restore"' in queue
    assert "/hide" not in queue, "hiding again is not possible, and not needed"
    assert queue.count("Ausgeblendet lassen") == 2

    post(browser, f"/moderation/ideas/{idea.id}/dismiss", page="/moderation")
    post(browser, f"/moderation/comments/{comment.id}/dismiss", page="/moderation")

    queue = main_of(browser.get("/moderation"))
    assert "Der Kommentar bleibt ausgeblendet." in queue and "Nichts zu tun" in queue
    assert idea_row(idea.id).state == "hidden" and comment_row(comment.id).state == "hidden"
    assert open_reports() == []
    assert [e.actor_id for e in audit("report.dismiss")] == [mod.id, mod.id]
