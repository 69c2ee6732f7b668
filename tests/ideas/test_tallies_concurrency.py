"""Kept tallies under real concurrency: PostgreSQL, threads released together, each with
its own connection and transaction, all changing the same few tallies."""

import threading

from participation.accounts.models import User
from participation.extensions import db
from participation.ideas import services
from participation.ideas.models import Idea
from participation.ideas.tallies import check_tallies, count_ideas
from tests.factories import create_idea, create_user
from tests.ideas.test_concurrency import THREADS, pg_app  # noqa: F401 - the fixture


def act_together(pg_app, actions) -> list[BaseException]:  # noqa: F811
    """`actions`: (function, moderator id, idea id); each runs in its own thread at once."""
    barrier = threading.Barrier(len(actions))
    errors: list[BaseException] = []

    def work(action, moderator_id: int, idea_id: int) -> None:
        try:
            with pg_app.app_context():
                moderator = db.session.get(User, moderator_id)
                idea = db.session.get(Idea, idea_id)
                barrier.wait(timeout=60)
                action(moderator, idea)
                db.session.commit()
        except BaseException as error:
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=work, args=action) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hangs"
    return errors


def hide(moderator, idea):
    return services.hide_idea(moderator, idea, "Werbung")


def test_approving_hiding_and_restoring_at_once_in_one_field_and_town_counts_exactly(
    pg_app,  # noqa: F811
):
    """Hiding and restoring change the same two tallies in opposite directions: taken in
    the same order, they wait for each other instead of deadlocking."""
    moderator = create_user(roles=("moderator",))
    waiting = [create_idea(state="pending").id for _ in range(THREADS - 20)]
    shown = [create_idea().id for _ in range(10)]
    hidden = [create_idea(state="hidden").id for _ in range(10)]
    actions = [(services.publish_idea, moderator.id, idea_id) for idea_id in waiting]
    actions += [(hide, moderator.id, idea_id) for idea_id in shown]
    actions += [(services.restore_idea, moderator.id, idea_id) for idea_id in hidden]

    errors = act_together(pg_app, actions)

    assert errors == [], "no deadlock, no lost update"
    db.session.expire_all()
    assert count_ideas("published", "mobilitaet", "rheine") == THREADS - 20 + 10
    assert count_ideas("pending", "mobilitaet", "rheine") == 0
    assert count_ideas("hidden", "mobilitaet", "rheine") == 10
    assert check_tallies() == []
