"""The list and detail pages run a fixed, small number of SQL statements."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from participation.accounts.models import User
from participation.extensions import db
from participation.ideas.models import Follow, Idea, Support
from tests.factories import create_comment, create_idea, create_user
from tests.helpers import html_of, idea_ids_in

# For a signed-in person the header also counts their unread notifications.
MAX_QUERIES = 9


@pytest.fixture
def count_queries(app):
    """`with count_queries() as statements:` collects the SQL run inside the block."""

    @contextmanager
    def counting():
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counting


def queries_for(browser, count_queries, url: str) -> int:
    # A server starts every request with an empty session; the tests share one.
    db.session.remove()
    with count_queries() as statements:
        response = browser.get(url)
    assert response.status_code == 200, url
    return len(statements)


def add_ideas(number: int) -> list:
    ideas = []
    for n in range(number):
        author = create_user(
            kind="association" if n % 3 == 0 else "resident",
            organisation_name="Heimatverein" if n % 3 == 0 else None,
            municipality="rheine" if n % 2 else None,
            roles=("moderator:greven",) if n % 7 == 0 else (),
        )
        ideas.append(
            create_idea(
                author,
                title=f"Radwege und mehr, Nummer {n}",
                field="mobilitaet" if n % 2 else "demografie",
                municipality="rheine" if n % 2 else "greven",
            )
        )
    return ideas


LIST_URLS = [
    "/ideas",
    "/ideas?sort=trending",
    "/ideas?q=Radwege&sort=supported",
    "/ideas?field=mobilitaet&page=2",
]


def test_list_page_runs_the_same_few_queries_whatever_the_page_size(client, as_user, count_queries):
    viewers = {
        "anonymous": client,
        "resident": as_user(create_user(municipality="rheine")),
        # Moderators also see the queue badge in the header: more queries, still fixed.
        "moderator": as_user(create_user(roles=("moderator:rheine",))),
    }

    def measure() -> dict:
        return {
            (url, who): queries_for(browser, count_queries, url)
            for url in LIST_URLS
            for who, browser in viewers.items()
        }

    add_ideas(5)
    few = measure()
    add_ideas(35)
    assert len(idea_ids_in(html_of(client.get("/ideas")))) == 20, "a full page"
    many = measure()

    print("\nSQL statements for /ideas (5 ideas -> 40 ideas):")
    for key in few:
        print(f"  {key[0]:40} {key[1]:10} {few[key]} -> {many[key]}")
    assert few == many
    for (url, who), count in many.items():
        if who != "moderator":
            assert count <= MAX_QUERIES, (url, who)


def test_detail_page_runs_the_same_few_queries_whatever_the_number_of_comments(
    client, as_user, count_queries
):
    idea = create_idea(create_user(kind="business", organisation_name="Bäckerei"), supports=3)
    logged_in = as_user(create_user())
    idea_id, url = idea.id, f"/ideas/{idea.id}"
    create_comment(idea)
    one = {
        "out": queries_for(client, count_queries, url),
        "in": queries_for(logged_in, count_queries, url),
    }
    idea = db.session.get(Idea, idea_id)
    for n in range(29):
        author = create_user(organisation_name="Verein" if n % 4 == 0 else None)
        if n % 3 == 0:
            parent = create_comment(idea, author)
        else:
            create_comment(idea, author, parent=parent)
    assert html_of(client.get(url)).count('class="comment"') == 30
    thirty = {
        "out": queries_for(client, count_queries, url),
        "in": queries_for(logged_in, count_queries, url),
    }

    print(f"\nSQL statements for /ideas/<id>: 1 comment {one}, 30 comments {thirty}")
    assert one == thirty
    # Anonymous: the idea, its photos, the comments, and the idea's path (projects it
    # flowed into, the first rating's date, the decline's date: one statement,
    # pipeline/roadmap.idea_path). Logged in adds the user, roles, own support and follow,
    # and the header's count of unread notifications.
    assert thirty == {"out": 4, "in": 9}
    assert max(thirty.values()) <= MAX_QUERIES


def test_account_and_field_pages_do_not_query_per_idea(as_user, client, count_queries):
    author = create_user()
    author_id = author.id
    browser = as_user(author)
    pages = ("/account", "/fields/mobilitaet", "/municipalities/rheine")

    def counts() -> list[int]:
        return [queries_for(browser, count_queries, url) for url in pages]

    for _ in range(2):
        create_idea(author)
    few = counts()
    for _ in range(10):
        create_idea(db.session.get(User, author_id))
    assert counts() == few


def test_account_page_does_not_query_per_supported_or_followed_idea(as_user, count_queries):
    person = create_user()
    person_id = person.id
    browser = as_user(person)

    def support_and_follow(number: int) -> None:
        for _ in range(number):
            idea = create_idea(create_user(organisation_name="Verein"))
            db.session.add(Support(idea_id=idea.id, user_id=person_id))
            db.session.add(Follow(idea_id=idea.id, user_id=person_id))
        db.session.commit()

    support_and_follow(1)
    one = queries_for(browser, count_queries, "/account")
    support_and_follow(14)
    page = html_of(browser.get("/account"))
    assert page.count("und 5 weitere") == 2, "both lists full, capped at 10"
    assert queries_for(browser, count_queries, "/account") == one
