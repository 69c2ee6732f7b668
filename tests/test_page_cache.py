"""Public pages kept for visitors without a session (participation/pagecache.py).

The cached app is a second app on the test database whose generation lives in a file,
shared with the session's app for the test: like two workers of one server, whatever
either commits drops the other's copies.
"""

import gzip
import os

import pytest
from sqlalchemy import text

from participation import pagecache
from participation.extensions import db
from tests.factories import create_idea, create_user
from tests.helpers import Browser


@pytest.fixture
def generation(app, tmp_path, monkeypatch):
    store = pagecache.FileGeneration(tmp_path / "generation")
    monkeypatch.setitem(app.extensions, "page_generation", store)
    return store


@pytest.fixture
def cached_app(make_app, generation, tmp_path):
    return make_app(PAGE_CACHE_SECONDS=60, PAGE_CACHE_URI=f"file://{generation.path}")


@pytest.fixture
def visitor(cached_app):
    """Someone without a cookie: a test client that keeps none."""
    return cached_app.test_client(use_cookies=False)


def sneak_title(idea, title: str) -> None:
    """Change a title behind the app's back (no session, so no generation change)."""
    with db.engine.begin() as connection:
        connection.execute(
            text("UPDATE ideas SET title = :title WHERE id = :id"), {"title": title, "id": idea.id}
        )


def test_a_visitor_gets_the_kept_copy_until_something_is_written(visitor, generation):
    idea = create_idea(title="Bücherschrank am Markt")
    db.session.commit()
    first = visitor.get(f"/ideas/{idea.id}")
    assert "Bücherschrank am Markt" in first.get_data(as_text=True)
    sneak_title(idea, "Leise geändert")
    again = visitor.get(f"/ideas/{idea.id}")
    assert "Bücherschrank am Markt" in again.get_data(as_text=True)  # the copy
    assert again.headers["X-Request-ID"] != first.headers["X-Request-ID"]
    create_idea(title="Eine neue Idee")  # any public write, committed by the factory
    db.session.commit()
    fresh = visitor.get(f"/ideas/{idea.id}")
    assert "Leise geändert" in fresh.get_data(as_text=True)


def test_a_support_through_the_site_shows_at_once_to_visitors(cached_app, visitor):
    idea = create_idea(title="Trinkbrunnen im Park")
    supporter = create_user()
    db.session.commit()
    assert "0 Personen unterstützen" in visitor.get(f"/ideas/{idea.id}").get_data(as_text=True)
    person = Browser(cached_app.test_client())
    assert person.login(supporter.email).status_code == 302
    response = person.submit(f"/ideas/{idea.id}/support", {}, form_page=f"/ideas/{idea.id}")
    assert response.status_code == 302
    page = visitor.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "1 Person unterstützt" in page
    listing = visitor.get("/ideas?sort=supported").get_data(as_text=True)
    assert "Trinkbrunnen im Park" in listing


def test_signing_in_writes_nothing_public_and_keeps_the_copies(cached_app, generation):
    person = create_user()
    db.session.commit()
    before = generation.current()
    assert Browser(cached_app.test_client()).login(person.email).status_code == 302
    assert generation.current() == before


def test_a_signed_in_person_never_gets_a_visitors_copy_nor_leaves_one(cached_app, visitor):
    idea = create_idea(title="Radweg nach Emsdetten")
    person = create_user(display_name="Erika Musterfrau")
    db.session.commit()
    visitor.get("/ideas")  # a copy for visitors exists now
    browser = Browser(cached_app.test_client())
    browser.login(person.email)
    own = browser.client.get("/ideas").get_data(as_text=True)
    assert "Abmelden" in own and "Erika Musterfrau" in own
    assert own.count("Radweg nach Emsdetten") == 1
    for path in ("/ideas", f"/ideas/{idea.id}", "/"):
        page = visitor.get(path).get_data(as_text=True)
        assert "Erika Musterfrau" not in page and "Abmelden" not in page
        assert "csrf_token" not in page


def test_hidden_idea_disappears_for_visitors_at_once(cached_app, visitor):
    idea = create_idea(title="Skatepark am Bahnhof")
    moderator = create_user(roles=("moderator",))
    db.session.commit()
    assert visitor.get(f"/ideas/{idea.id}").status_code == 200
    assert "Skatepark am Bahnhof" in visitor.get("/ideas").get_data(as_text=True)
    browser = Browser(cached_app.test_client())
    browser.login(moderator.email)
    response = browser.submit(
        f"/moderation/ideas/{idea.id}/hide", {"reason": "Enthält Angaben zu einer Privatperson."}
    )
    assert response.status_code in (302, 303), response.status_code
    assert "Skatepark am Bahnhof" not in visitor.get("/ideas").get_data(as_text=True)
    detail = visitor.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Von der Moderation ausgeblendet" in detail and "Skatepark am Bahnhof" not in detail


def test_each_encoding_gets_its_own_copy(visitor):
    create_idea(title="Mitfahrbank in Ochtrup")
    db.session.commit()
    for encoding, decode in (
        ("gzip", gzip.decompress),
        ("identity", lambda body: body),
        ("gzip", gzip.decompress),
        ("identity", lambda body: body),
    ):
        response = visitor.get("/ideas", headers={"Accept-Encoding": encoding})
        assert response.headers.get("Content-Encoding", "identity") == encoding
        assert "Mitfahrbank in Ochtrup" in decode(response.data).decode()


def test_copies_expire_after_the_configured_seconds(visitor, monkeypatch):
    idea = create_idea(title="Alter Titel")
    db.session.commit()
    visitor.get(f"/ideas/{idea.id}")
    sneak_title(idea, "Neuer Titel")
    clock = pagecache.time.monotonic
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: clock() + 61)
    assert "Neuer Titel" in visitor.get(f"/ideas/{idea.id}").get_data(as_text=True)


def test_hostile_query_strings_cannot_fill_the_memory(make_app, generation):
    small = make_app(
        PAGE_CACHE_SECONDS=60, PAGE_CACHE_ENTRIES=5, PAGE_CACHE_URI=f"file://{generation.path}"
    )
    client = small.test_client(use_cookies=False)
    for number in range(40):
        assert client.get(f"/ideas?q=wort{number}&sort=%3Cscript%3E{number}").status_code == 200
        assert client.get(f"/ideas?q=%00{number}").status_code == 400
    cache = small.wsgi_app
    while not isinstance(cache, pagecache.PageCache):
        cache = cache.app  # ProxyFix, when configured
    assert 0 < len(cache.copies) <= 5


def test_pages_for_one_person_are_never_kept(visitor):
    """Only pages that opted in are kept; the others go to Flask every time."""
    first = visitor.get("/login")
    second = visitor.get("/login")
    assert first.headers.get("Set-Cookie") and second.headers.get("Set-Cookie")


def test_without_the_shared_store_pages_are_still_served_fresh(make_app):
    broken = make_app(PAGE_CACHE_SECONDS=60, PAGE_CACHE_URI="redis://127.0.0.1:1/0")
    visitor = broken.test_client(use_cookies=False)
    idea = create_idea(title="Erst so")
    db.session.commit()
    assert visitor.get(f"/ideas/{idea.id}").status_code == 200
    sneak_title(idea, "Dann so")
    assert "Dann so" in visitor.get(f"/ideas/{idea.id}").get_data(as_text=True)


def test_two_servers_drop_their_copies_through_redis(make_app):
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL ist nicht gesetzt (z. B. redis://127.0.0.1:6379/15)")
    one = make_app(PAGE_CACHE_SECONDS=60, PAGE_CACHE_URI=url)
    two = make_app(PAGE_CACHE_SECONDS=60, PAGE_CACHE_URI=url)
    idea = create_idea(title="Vorher")
    db.session.commit()
    visitor = two.test_client(use_cookies=False)
    assert "Vorher" in visitor.get(f"/ideas/{idea.id}").get_data(as_text=True)
    with one.app_context():
        db.session.execute(
            text("UPDATE ideas SET title = 'Nachher' WHERE id = :id"), {"id": idea.id}
        )
        db.session.commit()  # a write on server one ...
    assert "Nachher" in visitor.get(f"/ideas/{idea.id}").get_data(as_text=True)  # ... seen on two


def test_a_copy_keeps_the_proxys_request_id_and_counts_in_the_metrics(visitor, cached_app):
    create_idea(title="Gemeinschaftsgarten")
    db.session.commit()
    visitor.get("/ideas")
    before = _served_count(cached_app, "ideas.index")
    response = visitor.get("/ideas", headers={"X-Request-ID": "nginx-4711-abcd"})
    assert "Gemeinschaftsgarten" in response.get_data(as_text=True)
    assert response.headers["X-Request-ID"] == "nginx-4711-abcd"
    assert _served_count(cached_app, "ideas.index") == before + 1
    for sent in ('"><script>alert(1)</script>', "a" * 500, "id mit leerzeichen"):
        hostile = visitor.get("/ideas", headers={"X-Request-ID": sent})
        assert hostile.status_code == 200
        assert hostile.headers["X-Request-ID"] != sent


def _served_count(app, endpoint: str) -> float:
    text_format = app.test_client().get("/metrics").get_data(as_text=True)
    for line in text_format.splitlines():
        labels = (f'endpoint="{endpoint}"', 'status="200"')
        if line.startswith("http_requests_total{") and all(label in line for label in labels):
            return float(line.rsplit(" ", 1)[1])
    return 0.0
