"""Bot protection on the idea and comment forms: a honeypot field and a minimum fill time."""

import re
import time
from types import SimpleNamespace

import pytest

from participation import forms
from participation.ideas.models import Comment, Idea
from tests.factories import count_rows, create_idea, create_user, get_field, get_municipality
from tests.helpers import csrf_token_from, field_error, html_of

TOO_FAST = (
    "Das ging sehr schnell. Ihre Eingaben sind noch da: "
    "Bitte prüfen Sie sie kurz und senden Sie sie noch einmal ab."
)
HONEYPOT = "Ihre Eingabe konnte nicht gespeichert werden."
TITLE = "Mehr Bänke an der Ems aufstellen"
BODY = "Entlang der Ems fehlen Sitzplätze für ältere Menschen, die gern spazieren gehen."


def form_values(html: str) -> dict:
    started = re.search(r'<input[^>]*name="form_started"[^>]*value="([^"]+)"', html)
    assert started, "the form carries its start time"
    return {"csrf_token": csrf_token_from(html), "form_started": started[1]}


def idea_data(**changes) -> dict:
    return {
        "title": TITLE,
        "body": BODY,
        "field": str(get_field("mobilitaet").id),
        "municipality": str(get_municipality("rheine").id),
        **changes,
    }


@pytest.fixture
def person(as_user):
    return as_user(create_user())


@pytest.fixture
def min_seconds(app, monkeypatch):
    monkeypatch.setitem(app.config, "MIN_FORM_SECONDS", 3)


def opened_seconds_ago(monkeypatch, browser, url: str, seconds: float) -> dict:
    """Open the form as if it had been opened `seconds` ago: only the forms' clock is
    turned back (the session cookie's own timestamp must stay in the present)."""
    earlier = time.time() - seconds
    with monkeypatch.context() as patch:
        patch.setattr(forms, "time", SimpleNamespace(time=lambda: earlier))
        html = html_of(browser.get(url))
    return form_values(html)


@pytest.mark.parametrize("confirmed", ["", "1"])
def test_a_filled_honeypot_stops_an_idea(person, confirmed):
    fields = form_values(html_of(person.get("/ideas/new")))

    response = person.client.post(
        "/ideas/new",
        data={**fields, **idea_data(website="https://billige-uhren.example", confirmed=confirmed)},
    )

    assert response.status_code == 200
    html = html_of(response)
    assert "Bitte prüfen Sie Ihre Eingaben" in html and HONEYPOT in html
    assert "Vorschau" not in html.split("<main", 1)[1].split("<h1>", 1)[1][:40]
    assert count_rows(Idea) == 0


def test_an_idea_sent_too_fast_is_kept_and_explained(person, min_seconds):
    fields = form_values(html_of(person.get("/ideas/new")))

    response = person.client.post("/ideas/new", data={**fields, **idea_data(confirmed="1")})

    assert response.status_code == 200
    html = html_of(response)
    assert field_error(html, "form_started") == TOO_FAST
    assert f'value="{TITLE}"' in html and BODY in html, "the typed text is kept"
    assert count_rows(Idea) == 0


def test_an_idea_sent_after_the_minimum_time_is_saved(person, min_seconds, monkeypatch):
    fields = opened_seconds_ago(monkeypatch, person, "/ideas/new", 5)

    preview = person.client.post("/ideas/new", data={**fields, **idea_data()})
    assert preview.status_code == 200 and field_error(html_of(preview), "form_started") is None
    confirm = form_values(html_of(preview))
    assert confirm["form_started"] == fields["form_started"], "the preview keeps the start time"
    response = person.client.post("/ideas/new", data={**confirm, **idea_data(confirmed="1")})

    assert response.status_code == 302
    assert count_rows(Idea) == 1


def test_a_forged_start_time_counts_as_too_fast(person, min_seconds):
    fields = form_values(html_of(person.get("/ideas/new")))
    fields["form_started"] = "1700000000.0"  # unsigned: anyone could claim any time

    response = person.client.post("/ideas/new", data={**fields, **idea_data(confirmed="1")})

    assert field_error(html_of(response), "form_started") == TOO_FAST
    assert count_rows(Idea) == 0


def test_a_filled_honeypot_stops_a_comment(person):
    idea = create_idea()
    fields = form_values(html_of(person.get(f"/ideas/{idea.id}")))

    response = person.client.post(
        f"/ideas/{idea.id}/comments",
        data={**fields, "body": "Toller Beitrag, besuchen Sie uns!", "website": "http://x.example"},
    )

    assert response.status_code == 422
    assert "Toller Beitrag, besuchen Sie uns!" in html_of(response), "the text is kept"
    assert count_rows(Comment) == 0


def test_a_comment_sent_too_fast_is_kept_and_explained(person, min_seconds):
    idea = create_idea()
    fields = form_values(html_of(person.get(f"/ideas/{idea.id}")))

    response = person.client.post(
        f"/ideas/{idea.id}/comments", data={**fields, "body": "Schneller Kommentar"}
    )

    assert response.status_code == 422
    html = html_of(response)
    assert field_error(html, "form_started") == TOO_FAST
    assert "Schneller Kommentar" in html
    assert count_rows(Comment) == 0


def test_a_comment_sent_after_the_minimum_time_is_saved(person, min_seconds, monkeypatch):
    idea = create_idea()
    fields = opened_seconds_ago(monkeypatch, person, f"/ideas/{idea.id}", 5)

    response = person.client.post(
        f"/ideas/{idea.id}/comments", data={**fields, "body": "Überlegter Kommentar"}
    )

    assert response.status_code == 302
    assert count_rows(Comment) == 1
    assert "Überlegter Kommentar" in html_of(person.get(f"/ideas/{idea.id}"))


def test_a_filled_honeypot_on_a_comment_is_explained(person):
    idea = create_idea()
    fields = form_values(html_of(person.get(f"/ideas/{idea.id}")))
    response = person.client.post(
        f"/ideas/{idea.id}/comments",
        data={**fields, "body": "Hallo", "website": "http://x.example"},
    )
    assert HONEYPOT in html_of(response)
