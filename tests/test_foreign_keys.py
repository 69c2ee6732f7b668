"""Rows that point nowhere are refused: SQLite checks foreign keys as PostgreSQL does.

SQLite checks them only on connections that ask (`PRAGMA foreign_keys=ON`); the app's
engine asks on every new connection, and the migrations, which switch the checks off
for their own connection, must not hand it back without them.
"""

from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, text
from sqlalchemy.exc import IntegrityError

from participation.extensions import db
from participation.ideas.models import Comment, Follow, Idea, Support
from tests.conftest import reset_schema
from tests.factories import add_supports, count_rows, create_comment, create_idea, create_user
from tests.helpers import html_of, main_of

MISSING = 999_999


def refuses(row) -> bool:
    """Whether the database refuses to store `row`; the session is clean afterwards."""
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        return True
    finally:
        db.session.rollback()
    return False


def test_a_comment_on_a_missing_idea_is_refused():
    author = create_user()
    assert refuses(Comment(idea_id=MISSING, author_id=author.id, body="Ins Leere"))
    assert count_rows(Comment) == 0


def test_rows_pointing_to_missing_people_or_comments_are_refused():
    idea = create_idea()
    author = create_user()
    assert refuses(Support(idea_id=idea.id, user_id=MISSING))
    assert refuses(Comment(idea_id=idea.id, author_id=MISSING, body="Von niemandem"))
    assert refuses(Comment(idea_id=idea.id, author_id=author.id, parent_id=MISSING, body="Re"))
    assert (count_rows(Support), count_rows(Comment)) == (0, 0)
    # The control: the same rows pointing to existing ones are stored.
    assert not refuses(Comment(idea_id=idea.id, author_id=author.id, body="Gültig"))


def test_deleting_an_idea_in_the_database_removes_what_hangs_on_it():
    """ON DELETE CASCADE is the database's own work: SQLite does it only with the checks on."""
    idea = create_idea()
    create_comment(idea)
    add_supports(idea, 2)
    other = create_idea()
    kept = create_comment(other)
    assert (count_rows(Comment), count_rows(Support), count_rows(Follow)) == (2, 2, 2)

    db.session.execute(delete(Idea).where(Idea.id == idea.id))
    db.session.commit()

    assert db.session.scalars(db.select(Comment.id)).all() == [kept.id]
    assert (count_rows(Support), count_rows(Follow)) == (0, 1)


def test_over_http_a_comment_on_a_missing_idea_or_reply_is_refused_and_a_real_one_saved(browser):
    idea = create_idea()
    browser.login(create_user().email)
    page = f"/ideas/{idea.id}"

    missing = browser.submit(f"/ideas/{MISSING}/comments", {"body": "Ins Leere"}, form_page=page)
    assert missing.status_code == 404
    assert "Seite nicht gefunden" in html_of(missing)
    no_parent = browser.submit(
        f"/ideas/{idea.id}/comments", {"body": "Antwort", "parent_id": str(MISSING)}
    )
    assert no_parent.status_code == 400
    assert count_rows(Comment) == 0

    response = browser.submit(f"/ideas/{idea.id}/comments", {"body": "Ein echter Kommentar"})
    assert response.status_code == 302
    assert "Ein echter Kommentar" in main_of(browser.get(page))
    assert count_rows(Comment) == 1


def test_after_migrating_every_connection_checks_again_and_the_rows_are_kept():
    idea = create_idea()
    create_comment(idea)
    add_supports(idea, 1)
    db.session.remove()
    try:
        downgrade(revision="-1")
        upgrade()
    except Exception:
        reset_schema()  # leave a usable database for the tests after this one
        raise
    assert (count_rows(Idea), count_rows(Comment), count_rows(Support)) == (1, 1, 1)
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as first, db.engine.connect() as second:
            for connection in (first, second):
                assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert refuses(Comment(idea_id=MISSING, author_id=create_user().id, body="Ins Leere"))
