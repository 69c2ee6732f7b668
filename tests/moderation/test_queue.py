"""The moderation queue: what waits, oldest first, filtered, within the moderator's scope."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.ideas.models import Comment
from participation.timeutil import utcnow
from tests.factories import count_rows, create_comment, create_idea, create_user
from tests.helpers import main_of
from tests.moderation.helpers import create_report, idea_row, post

ITEM = re.compile(
    r'<li class="queue-item">.*?<span class="badge">(?P<kind>Idee|Kommentar)</span>(?P<badges>.*?)'
    r'<a href="/moderation/ideas/(?P<idea>\d+)">(?P<title>[^<]*)</a>.*?'
    r'<blockquote class="quote">(?P<quote>[^<]*)</blockquote>(?P<rest>.*?)</li>',
    re.S,
)


def queue_items(html: str) -> list[dict]:
    """The queue as a moderator reads it: kind, title, quoted text, report badge and reasons."""
    items = []
    for match in ITEM.finditer(html):
        reports = re.search(r"(\d+) Meldung", match["badges"])
        reasons = re.search(r"<strong>Gründe:</strong>([^<]*)</p>", match["rest"])
        items.append(
            {
                "kind": match["kind"],
                "title": match["title"],
                "quote": match["quote"].strip(),
                "pending": "wartet auf Freigabe" in match["badges"],
                "reports": int(reports[1]) if reports else 0,
                "reasons": reasons[1].strip() if reasons else "",
            }
        )
    return items


def badge(html: str) -> int:
    match = re.search(r'<span class="count-badge">(\d+)<', html)
    assert match, "no count badge in the navigation"
    return int(match[1])


def days_ago(days: float):
    return utcnow() - timedelta(days=days)


@pytest.fixture
def waiting(app, monkeypatch, as_user):
    """Four things wait, each a day apart: a reported idea (oldest), a pending idea,
    a pending comment written through the site, a reported comment (newest)."""
    monkeypatch.setitem(app.config, "COMMENTS_PREMODERATED", True)
    reported = create_idea(title="Gemeldete Idee über Parkplätze", body="Werbung für mein Autohaus")
    create_report(idea=reported, reason="spam", ago=timedelta(days=4))
    create_report(idea=reported, reason="insult", ago=timedelta(days=3, hours=20))
    create_report(idea=reported, reason="spam", ago=timedelta(days=3, hours=10))
    pending = create_idea(state="pending", title="Neue Idee für Bänke am Emsufer")
    pending.submitted_at = days_ago(3)
    published = create_idea(title="Idee mit einem neuen Kommentar", field="verwaltung")
    commenter = create_user(display_name="Kurt Kommentar")
    response = as_user(commenter).submit(
        f"/ideas/{published.id}/comments", {"body": "Mein Kommentar wartet noch."}
    )
    assert response.status_code == 302
    db.session.expire_all()
    comment = db.session.scalar(select(Comment).where(Comment.author_id == commenter.id))
    assert comment.state == "pending", "comments wait for moderation with pre-moderation on"
    comment.created_at = days_ago(2)
    commented = create_idea(title="Idee mit gemeldetem Kommentar", municipality="greven")
    rude = create_comment(commented, body="Ein unhöflicher Kommentar")
    create_report(comment=rude, reason="insult", ago=timedelta(days=1))
    db.session.commit()
    return {"reported": reported, "pending": pending, "comment": comment, "rude": rude}


def test_the_queue_lists_everything_waiting_oldest_first(waiting, moderator):
    _, browser = moderator("moderator")
    response = browser.get("/moderation")
    html, page = response.get_data(as_text=True), main_of(response)

    assert [(i["kind"], i["title"], i["quote"]) for i in queue_items(page)] == [
        ("Idee", "Gemeldete Idee über Parkplätze", "Werbung für mein Autohaus"),
        ("Idee", "Neue Idee für Bänke am Emsufer", waiting["pending"].body),
        ("Kommentar", "Idee mit einem neuen Kommentar", "Mein Kommentar wartet noch."),
        ("Kommentar", "Idee mit gemeldetem Kommentar", "Ein unhöflicher Kommentar"),
    ]
    reported, pending, comment, rude = queue_items(page)
    assert (reported["reports"], reported["pending"]) == (3, False)
    assert reported["reasons"] == "Werbung oder Spam (2), Beleidigung oder Hetze (1)"
    assert (pending["pending"], pending["reports"]) == (True, 0)
    assert (comment["pending"], comment["reports"]) == (True, 0)
    assert (rude["reports"], rude["reasons"]) == (1, "Beleidigung oder Hetze (1)")
    assert "4 Beiträge warten" in page
    assert badge(html) == 4
    assert count_rows(Comment) == 2


def test_each_item_offers_the_decisions_that_fit(waiting, moderator):
    _, browser = moderator("moderator")
    page = main_of(browser.get("/moderation"))
    pending_id, comment_id = waiting["pending"].id, waiting["comment"].id
    assert f'action="/moderation/ideas/{pending_id}/approve"' in page
    assert f'href="/moderation/ideas/{pending_id}/reject"' in page
    assert f'action="/moderation/comments/{comment_id}/approve"' in page
    assert f'href="/moderation/ideas/{waiting["reported"].id}/hide"' in page
    assert f'action="/moderation/comments/{waiting["rude"].id}/dismiss"' in page


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("kind=idea", ["Neue Idee für Bänke am Emsufer"]),  # ideas waiting for approval
        ("kind=comment", ["Idee mit einem neuen Kommentar"]),
        ("kind=report", ["Gemeldete Idee über Parkplätze", "Idee mit gemeldetem Kommentar"]),
        ("municipality=greven", ["Idee mit gemeldetem Kommentar"]),
        ("field=verwaltung", ["Idee mit einem neuen Kommentar"]),
        ("kind=comment&municipality=greven", []),
        ("kind=unbekannt", None),  # an unknown kind shows everything
    ],
)
def test_filters_narrow_the_queue(waiting, moderator, query, titles):
    _, browser = moderator("moderator")
    response = browser.get(f"/moderation?{query}")
    page = main_of(response)
    shown = [item["title"] for item in queue_items(page)]
    if titles is None:
        assert len(shown) == 4
        return
    assert shown == titles
    if not titles:
        assert "Nichts zu tun" in page
    assert badge(response.get_data(as_text=True)) == 4, "the badge counts everything waiting"


def test_a_municipal_moderator_sees_only_their_municipality(waiting, moderator):
    create_idea(state="pending", title="Wartende Idee aus Greven", municipality="greven")
    create_idea(state="pending", title="Wartende Idee für den Kreis", municipality="kreisweit")
    _, greven = moderator("moderator:greven")
    response = greven.get("/moderation")
    assert [i["title"] for i in queue_items(main_of(response))] == [
        "Idee mit gemeldetem Kommentar",
        "Wartende Idee aus Greven",
    ]
    assert badge(response.get_data(as_text=True)) == 2

    _, district = moderator("moderator")
    response = district.get("/moderation")
    assert len(queue_items(main_of(response))) == 6
    assert badge(response.get_data(as_text=True)) == 6


def test_decided_items_leave_the_queue_and_the_badge_counts_down(waiting, moderator):
    _user, browser = moderator("moderator:rheine")
    assert badge(browser.get("/moderation").get_data(as_text=True)) == 3
    pending = waiting["pending"]

    response = post(browser, f"/moderation/ideas/{pending.id}/approve", page="/moderation")

    assert response.headers["Location"] == "/moderation"
    queue = browser.get("/moderation")
    html = queue.get_data(as_text=True)
    assert [i["title"] for i in queue_items(main_of(queue))] == [
        "Gemeldete Idee über Parkplätze",
        "Idee mit einem neuen Kommentar",
    ]
    assert "„Neue Idee für Bänke am Emsufer“ ist freigegeben" in html
    assert badge(html) == 2
    assert idea_row(pending.id).state == "published"


def test_staff_without_moderation_have_no_badge(as_user):
    create_idea(state="pending")
    create_idea(title="Öffentliche Idee für die Liste")
    for roles in ((), ("committee",), ("team",)):
        response = as_user(create_user(roles=roles)).get("/ideas")
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Öffentliche Idee für die Liste" in main_of(response)
        assert "count-badge" not in html
        assert 'href="/moderation"' not in html
    # The control: on the same page a moderator sees the link and the one waiting idea.
    html = as_user(create_user(roles=("moderator",))).get("/ideas").get_data(as_text=True)
    assert 'href="/moderation"' in html
    assert badge(html) == 1


def test_an_empty_queue_says_so(moderator):
    create_idea(title="Schon veröffentlicht")
    _, browser = moderator("moderator")
    response = browser.get("/moderation")
    assert "Nichts zu tun" in main_of(response)
    assert badge(response.get_data(as_text=True)) == 0
