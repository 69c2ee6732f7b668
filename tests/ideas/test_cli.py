"""Operator commands: `recount` finds and repairs drift, `demo` fills a believable site."""

import re
from datetime import timedelta

from sqlalchemy import func, select, update

from participation.events import Event
from participation.extensions import db
from participation.ideas.models import Comment, Follow, Idea, IdeaState, Support
from participation.notifications.models import Notification
from participation.strategy.models import FieldOfAction, Municipality
from participation.timeutil import utcnow
from tests.factories import (
    TOTP_SECRET,
    add_supports,
    count_rows,
    create_comment,
    create_idea,
    find_user,
    outbox,
)
from tests.helpers import fresh, html_of, idea_ids_in, main_of
from tests.notifications.helpers import INBOX, notifications_of, unread_badge


def set_counts(idea, **counts) -> None:
    db.session.execute(update(Idea).where(Idea.id == idea.id).values(**counts))
    db.session.commit()


def test_recount_check_reports_drift_and_changes_nothing(runner):
    steady = create_idea(supports=2)
    create_comment(steady)
    drifted = create_idea(supports=3)
    create_comment(drifted)
    set_counts(drifted, support_count=7, comment_count=0)

    result = runner.invoke(args=["recount", "--check"])

    assert result.exit_code == 1
    assert f"Idee {drifted.id}: support_count gespeichert 7, tatsächlich 3" in result.output
    assert f"Idee {drifted.id}: comment_count gespeichert 0, tatsächlich 1" in result.output
    assert f"Idee {steady.id}:" not in result.output
    assert "2 Abweichungen gefunden." in result.output
    assert (fresh(drifted).support_count, fresh(drifted).comment_count) == (7, 0)


def test_recount_repairs_drift(runner, client):
    idea = create_idea(title="Zu viel gezählt", supports=3)
    create_comment(idea)
    create_comment(idea, state="hidden")
    set_counts(idea, support_count=-4, comment_count=5)

    result = runner.invoke(args=["recount"])

    assert result.exit_code == 0, result.output
    assert "2 Abweichungen repariert." in result.output
    idea = fresh(idea)
    assert (idea.support_count, idea.comment_count) == (3, 1)
    page = html_of(client.get(f"/ideas/{idea.id}"))
    assert "3 Personen unterstützen diese Idee." in page
    again = runner.invoke(args=["recount", "--check"])
    assert again.exit_code == 0
    assert "0 Abweichungen gefunden." in again.output


def test_demo_fills_every_state_and_leaves_no_drift(runner, client):
    result = runner.invoke(args=["demo", "--ideas", "60", "--users", "30"])

    assert result.exit_code == 0, result.output
    assert "Ideen erzeugen" in result.output, "with a progress bar"
    assert "60 Ideen" in result.output
    states = dict(db.session.execute(select(Idea.state, func.count()).group_by(Idea.state)).all())
    assert set(states) == {s.value for s in IdeaState}, states
    assert sum(states.values()) == 60
    assert count_rows(Support) > 0
    assert count_rows(Comment) > 0
    assert db.session.scalar(select(func.count()).where(Comment.parent_id.is_not(None))) > 0
    assert count_rows(Follow) >= 60, "every author follows their idea"
    used_fields = db.session.scalar(select(func.count(func.distinct(Idea.field_id))))
    assert used_fields == count_rows(FieldOfAction)
    assert db.session.scalar(select(func.count(func.distinct(Idea.municipality_id)))) > 10
    assert count_rows(Municipality) > 10
    never_published = ["pending", "rejected", "withdrawn"]
    unpublished_support = (
        select(func.count()).select_from(Support).join(Idea).where(Idea.state.in_(never_published))
    )
    assert db.session.scalar(unpublished_support) == 0

    check = runner.invoke(args=["recount", "--check"])
    assert check.exit_code == 0, check.output
    assert "0 Abweichungen gefunden." in check.output
    assert len(idea_ids_in(html_of(client.get("/ideas")))) == 20


def test_demo_fills_the_inboxes_of_its_last_week_without_sending_mail(runner, new_browser):
    started = utcnow()
    result = runner.invoke(args=["demo", "--ideas", "250", "--users", "60"])

    assert result.exit_code == 0, result.output
    assert "Benachrichtigungen verteilen" in result.output, "with a progress bar"
    said = re.search(
        r"(\d+) Benachrichtigungen zu (\d+) Ereignissen der letzten 7 Tage, "
        r"(\d+) davon ungelesen",
        result.output,
    )
    assert said, result.output
    assert int(said.group(1)) == count_rows(Notification) > 0
    assert int(said.group(2)) == count_rows(Event) > 0
    assert outbox() == [], "a demo fills no outbox"
    oldest = db.session.scalar(select(func.min(Event.created_at)))
    assert started - timedelta(days=7) <= oldest
    at_once = list(
        db.session.scalars(
            select(Notification).where(Notification.category.in_(["decisions", "replies"]))
        )
    )
    assert at_once
    assert all(n.mailed_at == n.created_at for n in at_once), "mailed at once (in the past)"
    older = list(
        db.session.scalars(
            select(Notification).where(Notification.created_at < started - timedelta(days=1))
        )
    )
    assert older
    assert all(n.read_at for n in older), "older news was read, the last day's waits"

    resident = find_user("bewohnerin@demo.example.org")
    unread = [n for n in notifications_of(resident) if n.read_at is None]
    assert 1 <= len(unread) <= 20
    browser = new_browser()
    assert browser.login(resident.email, "demo-passwort").status_code == 302
    page = browser.get(f"{INBOX}?ungelesen=1")
    assert unread_badge(html_of(page)) == len(unread)
    assert main_of(page).count('class="badge badge-new"') == min(len(unread), 20)

    moderator = find_user("moderation@demo.example.org")
    moderator.totp_secret, moderator.second_factor_at = TOTP_SECRET, utcnow()
    db.session.commit()
    staff = new_browser()
    assert staff.login(moderator.email, "demo-passwort").status_code == 302
    work = main_of(staff.get(INBOX))
    assert "Wartet auf Sie" in work
    assert "warten auf die Moderation" in work

    again = runner.invoke(args=["demo", "--ideas", "5", "--users", "3"])
    assert again.exit_code == 0, again.output
    assert "0 Benachrichtigungen zu 0 Ereignissen" in again.output, "inboxes are filled once"
    assert outbox() == []


def test_demo_if_empty_does_nothing_the_second_time(runner):
    first = runner.invoke(args=["demo", "--ideas", "10", "--users", "5", "--if-empty"])
    assert first.exit_code == 0, first.output
    ideas, users_supports = count_rows(Idea), count_rows(Support)

    second = runner.invoke(args=["demo", "--ideas", "10", "--users", "5", "--if-empty"])

    assert second.exit_code == 0
    assert "Es gibt schon Ideen" in second.output
    assert (
        (count_rows(Idea), count_rows(Support)) == (ideas, users_supports) == (10, users_supports)
    )


def test_demo_if_empty_respects_ideas_that_people_wrote(runner):
    create_idea()
    result = runner.invoke(args=["demo", "--ideas", "10", "--users", "5", "--if-empty"])
    assert "Es gibt schon Ideen" in result.output
    assert count_rows(Idea) == 1


def test_demo_adds_more_when_run_again_without_if_empty(runner):
    assert runner.invoke(args=["demo", "--ideas", "5", "--users", "3"]).exit_code == 0
    result = runner.invoke(args=["demo", "--ideas", "5", "--users", "3"])
    assert result.exit_code == 0, result.output
    assert count_rows(Idea) == 10
    assert runner.invoke(args=["recount", "--check"]).exit_code == 0


def test_supports_written_directly_are_found_by_recount(runner):
    idea = create_idea()
    add_supports(idea, 2)
    db.session.add(Support(idea_id=idea.id, user_id=idea.author_id))
    db.session.commit()
    result = runner.invoke(args=["recount", "--check"])
    assert result.exit_code == 1
    assert f"Idee {idea.id}: support_count gespeichert 2, tatsächlich 3" in result.output


def test_recount_lets_old_supports_age_out_of_the_trending_sort(runner, client):
    from datetime import timedelta

    from participation.timeutil import utcnow

    fading = create_idea(title="War letzten Monat gefragt")
    steady = create_idea(title="Heute gefragt")
    add_supports(fading, 3, created_at=utcnow() - timedelta(days=13, hours=23))
    add_supports(steady, 1)
    assert idea_ids_in(html_of(client.get("/ideas?sort=trending")))[:2] == [fading.id, steady.id]

    db.session.execute(
        update(Support)
        .where(Support.idea_id == fading.id)
        .values(created_at=utcnow() - timedelta(days=15))
    )
    db.session.commit()
    result = runner.invoke(args=["recount"])

    assert result.exit_code == 0, result.output
    assert "1 Trend-Zähler" in result.output
    assert fresh(fading).recent_support_count == 0 and fresh(fading).support_count == 3
    assert idea_ids_in(html_of(client.get("/ideas?sort=trending")))[:2] == [steady.id, fading.id]


def test_a_large_demo_scales_people_and_supports_and_leaves_no_drift(runner):
    from participation.demo.photos import MOST_IDEAS
    from participation.ideas.services import refresh_trending
    from participation.photos.models import IdeaPhoto

    result = runner.invoke(args=["demo", "--ideas", "2000"])

    assert result.exit_code == 0, result.output
    assert "400 Personen, 2000 Ideen" in result.output, "a fifth of the ideas, at least 150"
    open_to_support = db.session.scalar(
        select(func.count()).where(Idea.state.in_(["published", "adopted", "declined", "hidden"]))
    )
    supports = count_rows(Support)
    assert 7 <= supports / open_to_support <= 12, (supports, open_to_support)
    pairs = select(Support.idea_id, Support.user_id).distinct().subquery()
    assert db.session.scalar(select(func.count()).select_from(pairs)) == supports
    check = runner.invoke(args=["recount", "--check"])
    assert check.exit_code == 0, check.output
    assert "0 Abweichungen gefunden." in check.output
    assert refresh_trending() == 0, "the trending counts match the supports of 14 days"
    with_photos = db.session.scalar(select(func.count(func.distinct(IdeaPhoto.idea_id))))
    assert with_photos == MOST_IDEAS < 2000 // 4
