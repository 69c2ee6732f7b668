"""A comment on a much-followed idea costs the same few statements however many follow it."""

from types import SimpleNamespace

from sqlalchemy import event, func, select

from participation.extensions import db
from participation.ideas.models import Follow
from participation.notifications.models import Notification
from tests.factories import create_idea, create_user
from tests.notifications.helpers import write_comment


def statements_for_a_comment(as_user, followers: int) -> tuple[int, int]:
    """(SQL statements of the comment's POST, notifications written) for an idea with
    `followers` followers on the default channels (news of followed ideas: daily)."""
    idea = create_idea(create_user(), title=f"Idee mit {followers} Folgenden")
    people = [create_user() for _ in range(followers)]
    db.session.add_all(Follow(idea_id=idea.id, user_id=person.id) for person in people)
    db.session.commit()
    browser = as_user(create_user())
    idea, people = SimpleNamespace(id=idea.id), [person.id for person in people]
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    db.session.remove()  # a server starts every request with an empty session
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        write_comment(browser, idea, "Ich bin dafür.")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    written = db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id.in_(people))
    )
    return len(statements), written


def test_followers_are_told_in_bulk_not_one_statement_each(as_user):
    few, few_told = statements_for_a_comment(as_user, 2)
    many, many_told = statements_for_a_comment(as_user, 40)

    assert (few_told, many_told) == (2, 40), "every follower hears of it"
    assert many == few
