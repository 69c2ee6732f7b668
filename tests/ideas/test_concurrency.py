"""Supports under real concurrency: PostgreSQL, no test transaction, threads released together."""

import threading

import pytest
from sqlalchemy import func, select

from participation.accounts.models import User
from participation.extensions import db
from participation.ideas import services
from participation.ideas.models import Idea, Support
from tests.factories import create_idea, create_user

THREADS = 50


@pytest.fixture
def pg_app(app, make_app):
    """A second app on the same PostgreSQL database, with a connection for every thread."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises all writers, so it cannot show races "
            "(set TEST_DATABASE_URL=postgresql://...)"
        )
    return make_app(
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": THREADS + 5, "max_overflow": 0, "pool_timeout": 60}
    )


def run_together(pg_app, action, idea_id: int, user_ids: list[int]):
    """Each thread has its own app context, session and connection; all act at once."""
    barrier = threading.Barrier(len(user_ids))
    results: list[bool] = []
    errors: list[BaseException] = []

    def work(user_id: int) -> None:
        try:
            with pg_app.app_context():
                user = db.session.get(User, user_id)
                idea = db.session.get(Idea, idea_id)
                barrier.wait(timeout=60)
                results.append(action(user, idea))
                db.session.commit()
        except BaseException as error:
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=work, args=(user_id,)) for user_id in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hangs"
    return results, errors


def rows_and_count(idea_id: int) -> tuple[int, int]:
    db.session.expire_all()
    rows = db.session.scalar(
        select(func.count()).select_from(Support).where(Support.idea_id == idea_id)
    )
    return rows, db.session.get(Idea, idea_id).support_count


def test_one_person_supporting_fifty_times_at_once_counts_once(pg_app):
    idea_id, person_id = create_idea().id, create_user().id

    results, errors = run_together(pg_app, services.support_idea, idea_id, [person_id] * THREADS)

    assert errors == []
    assert sorted(results) == [False] * (THREADS - 1) + [True]
    assert rows_and_count(idea_id) == (1, 1)


def test_fifty_people_supporting_at_once_all_count(pg_app):
    idea_id = create_idea().id
    people = [create_user().id for _ in range(THREADS)]

    results, errors = run_together(pg_app, services.support_idea, idea_id, people)

    assert errors == []
    assert results == [True] * THREADS
    assert rows_and_count(idea_id) == (THREADS, THREADS)


def test_one_person_withdrawing_fifty_times_at_once_removes_once(pg_app):
    idea = create_idea(supports=2)
    person = create_user()
    services.support_idea(person, idea)
    db.session.commit()
    idea_id, person_id = idea.id, person.id

    results, errors = run_together(
        pg_app, services.withdraw_support, idea_id, [person_id] * THREADS
    )

    assert errors == []
    assert sorted(results) == [False] * (THREADS - 1) + [True]
    assert rows_and_count(idea_id) == (2, 2)
