"""Two admins block each other at the same moment: one block wins, one admin can still act."""

import threading

import pytest

from participation.accounts.models import User
from participation.extensions import db
from participation.moderation import decisions
from participation.rules import RuleError
from tests.factories import create_user


@pytest.fixture
def pg_app(app, make_app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers, so it cannot show races")
    return make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 5, "max_overflow": 0})


def test_two_admins_blocking_each_other_at_once_leave_one_who_can_act(pg_app):
    first, second = create_user(roles=("admin",)).id, create_user(roles=("admin",)).id
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def block(actor_id: int, target_id: int) -> None:
        with pg_app.app_context():
            actor, target = db.session.get(User, actor_id), db.session.get(User, target_id)
            assert actor.roles and target.roles  # loaded before the race, as in a request
            barrier.wait(timeout=30)
            try:
                decisions.block_user(actor, target, "Gegenseitige Sperre")
                db.session.commit()
                outcomes[actor_id] = "blocked"
            except RuleError:
                db.session.rollback()
                outcomes[actor_id] = "refused"

    threads = [
        threading.Thread(target=block, args=(first, second)),
        threading.Thread(target=block, args=(second, first)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes.values()) == ["blocked", "refused"]
    db.session.expire_all()
    blocked = [db.session.get(User, i).is_blocked for i in (first, second)]
    assert sorted(blocked) == [False, True], "exactly one admin can still act"
