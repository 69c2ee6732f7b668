"""A workshop of 30 on one Wi-Fi (one public address) gets through; bots still do not.

Within minutes everyone registers, confirms, signs in (some with a typo first)
and submits an idea, under the real limits and the real minimum fill time: the
per-address limits are sized for such a room, the per-person ones stay tight.
"""

import re
import time
from types import SimpleNamespace

import pyotp
import pytest
from limits import parse_many

from config import Config
from participation import forms
from participation.accounts.models import User
from participation.ideas.models import Idea
from tests.factories import (
    count_rows,
    create_user,
    find_user,
    get_field,
    get_municipality,
    link_from,
    outbox,
    wrong_code,
)
from tests.helpers import Browser, FreshGlobalsClient, csrf_token_from

ROOM = 30
WIFI = "203.0.113.30"
PASSWORD = "ein langes Passwort für den Workshop"
TOO_FAST = "Das ging sehr schnell."
HONEYPOT = "Ihre Eingabe konnte nicht gespeichert werden."


@pytest.fixture
def room(app, monkeypatch):
    """Browsers on the workshop's Wi-Fi, with the production minimum fill time."""
    monkeypatch.setitem(app.config, "MIN_FORM_SECONDS", Config.MIN_FORM_SECONDS)

    def join() -> Browser:
        app.test_client_class = FreshGlobalsClient
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = WIFI
        return Browser(client)

    return join


def html_of(response) -> str:
    return response.get_data(as_text=True)


def registration(number: int, **changes) -> dict:
    return {
        "kind": "resident",
        "email": f"teilnehmer{number}@example.org",
        "display_name": f"Teilnehmer {number}",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "municipality": "0",
        "accept_privacy": "y",
        **changes,
    }


def opened(browser, monkeypatch, url: str, seconds_ago: float) -> dict:
    """The form's hidden fields, as if the page had been opened `seconds_ago`."""
    earlier = time.time() - seconds_ago
    with monkeypatch.context() as patch:
        patch.setattr(forms, "time", SimpleNamespace(time=lambda: earlier))
        html = html_of(browser.get(url))
    started = re.search(r'name="form_started"[^>]*value="([^"]+)"', html)
    return {"csrf_token": csrf_token_from(html), "form_started": started[1]}


def idea(number: int, **changes) -> dict:
    return {
        "title": f"Idee aus dem Workshop Nummer {number}",
        "body": "Ein Vorschlag, den wir heute gemeinsam im Workshop erarbeitet haben.",
        "field": str(get_field("mobilitaet").id),
        "municipality": str(get_municipality("rheine").id),
        "confirmed": "1",
        **changes,
    }


def take_part(browser, monkeypatch, number: int) -> None:
    email = f"teilnehmer{number}@example.org"
    form = opened(browser, monkeypatch, "/register", seconds_ago=120)
    if number % 5 == 0:  # a typo in the repeated password first
        typo = registration(number, password_confirm="vertippt")
        retry = browser.client.post("/register", data={**form, **typo})
        assert retry.status_code == 200
    registered = browser.client.post("/register", data={**form, **registration(number)})
    assert "Fast geschafft" in html_of(registered)
    assert browser.get(link_from(outbox(email)[0], "/confirm/")).status_code == 302
    if number % 3 == 0:  # a wrong password first
        assert browser.login(email, "falsches Passwort").status_code == 200
    assert browser.login(email, PASSWORD).status_code == 302
    fields = opened(browser, monkeypatch, "/ideas/new", seconds_ago=90)
    saved = browser.client.post("/ideas/new", data={**fields, **idea(number)})
    assert saved.status_code == 302, f"participant {number}: {saved.status_code}"


def test_a_workshop_of_thirty_on_one_address_gets_through(room, monkeypatch):
    people = [room() for _ in range(ROOM)]

    for number, browser in enumerate(people):
        take_part(browser, monkeypatch, number)

    assert count_rows(User) == ROOM
    assert count_rows(Idea) == ROOM
    for number in range(ROOM):
        person = find_user(f"teilnehmer{number}@example.org")
        assert person.confirmed_at is not None and person.last_login_at is not None


def test_bots_in_the_room_are_still_stopped(room, monkeypatch):
    people = [room() for _ in range(3)]
    for number, browser in enumerate(people):
        take_part(browser, monkeypatch, number)
    bot = people[0]

    honeypot = opened(bot, monkeypatch, "/ideas/new", seconds_ago=90)
    trapped = bot.client.post("/ideas/new", data={**honeypot, **idea(100, website="x.example")})
    hurried = opened(bot, monkeypatch, "/ideas/new", seconds_ago=0)
    too_fast = bot.client.post("/ideas/new", data={**hurried, **idea(101)})

    assert trapped.status_code == 200 and HONEYPOT in html_of(trapped)
    assert too_fast.status_code == 200 and TOO_FAST in html_of(too_fast)
    assert count_rows(Idea) == 3

    signup_bot = room()
    honeypot = opened(signup_bot, monkeypatch, "/register", seconds_ago=120)
    trapped = signup_bot.client.post(
        "/register", data={**honeypot, **registration(200, website="x.example")}
    )
    hurried = opened(signup_bot, monkeypatch, "/register", seconds_ago=0)
    too_fast = signup_bot.client.post("/register", data={**hurried, **registration(201)})
    assert trapped.status_code == 200 and HONEYPOT in html_of(trapped)
    assert too_fast.status_code == 200 and TOO_FAST in html_of(too_fast)
    assert count_rows(User) == 3, "no account for a bot"


def test_one_person_in_the_room_still_meets_the_per_person_ceiling(app, room, monkeypatch):
    people = [room() for _ in range(2)]
    for number, browser in enumerate(people):
        take_part(browser, monkeypatch, number)
    eager, neighbour = people
    allowance = parse_many(app.config["IDEA_RATE_LIMIT"])[0].amount

    answers = []
    for number in range(allowance):
        fields = opened(eager, monkeypatch, "/ideas/new", seconds_ago=90)
        answers.append(eager.client.post("/ideas/new", data={**fields, **idea(200 + number)}))

    assert [answer.status_code for answer in answers] == [302] * (allowance - 1) + [429]
    fields = opened(neighbour, monkeypatch, "/ideas/new", seconds_ago=90)
    assert neighbour.client.post("/ideas/new", data={**fields, **idea(300)}).status_code == 302
    assert count_rows(Idea) == 2 + (allowance - 1) + 1


def test_a_staff_training_of_thirty_sets_up_the_second_factor_on_one_address(room):
    """The district trains its moderators in one room: everyone signs in, mistypes the
    app's code once and sets up the second factor, on the training room's one address."""
    staff = [
        create_user(f"moderation{n}@kreis.example", password=PASSWORD, roles=("moderator",),
                    second_factor=False)
        for n in range(ROOM)
    ]  # fmt: skip
    for person in staff:
        browser = room()
        assert browser.login(person.email, PASSWORD).status_code == 302
        page = browser.get("/account/zwei-faktor").get_data(as_text=True)
        secret = re.search(r'<code id="secret">([^<]+)</code>', page)[1].replace(" ", "")
        setup = {"password": PASSWORD, "app_code": wrong_code(secret)}
        assert (
            browser.submit("/account/zwei-faktor", setup, form_page="/account").status_code == 200
        )
        setup["app_code"] = pyotp.TOTP(secret).now()
        answer = browser.submit("/account/zwei-faktor", setup, form_page="/account")
        assert answer.status_code == 200, person.email

    assert all(find_user(person.email).second_factor_at for person in staff)
