"""Sign-in sessions, one per device: the list of devices, signing the others out, how
long staff and residents stay signed in, and what is (not) stored about a device."""

import re
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import select

from participation.accounts import sessions
from participation.accounts.models import SignInSession
from participation.extensions import db
from participation.timeutil import utcnow
from tests.accounts.helpers import NEW_PASSWORD, logged_in
from tests.factories import PASSWORD, create_user, find_user, fresh_code, link_from, outbox
from tests.helpers import html_of, main_of

FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:131.0) Gecko/131.0 Firefox/131.0"
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1"
)
EDGE_WINDOWS = CHROME_WINDOWS + " Edg/130.0.0.0"
STAFF_IDLE = "Sie wurden nach 30 Minuten ohne Aktivität abgemeldet."
STAFF_MAX = "Eine Anmeldung mit Mitarbeiterrechten gilt höchstens 12 Stunden."
EXPIRED = "Ihre Anmeldung ist abgelaufen."


class Clock:
    """The time the sessions module sees; moved forward by the test."""

    def __init__(self):
        self.now = utcnow()

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    moment = Clock()
    monkeypatch.setattr(sessions, "utcnow", lambda: moment.now)
    return moment


@pytest.fixture
def device(new_browser):
    """A browser of its own, introducing itself with `user_agent`, signed in as `email`."""

    def sign_in(email: str, user_agent: str = CHROME_WINDOWS, remember: bool = False):
        browser = new_browser()
        browser.client.environ_base["HTTP_USER_AGENT"] = user_agent
        response = browser.login(email, **({"remember": "y"} if remember else {}))
        assert response.status_code == 302, "login failed"
        browser.login_response = response
        return browser

    return sign_in


def sign_ins(user) -> list[SignInSession]:
    db.session.expire_all()
    query = select(SignInSession).where(SignInSession.user_id == user.id)
    return list(db.session.scalars(query.order_by(SignInSession.id)))


def session_cookie(response) -> str:
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("zst_session=")]
    return cookie


def cookie_expiry(cookie: str) -> datetime | None:
    match = re.search(r"Expires=([^;]+)", cookie)
    return parsedate_to_datetime(match.group(1)).replace(tzinfo=None) if match else None


def end_button_path(html: str, browser_name: str) -> str:
    """The form action of the "Gerät abmelden" button of the device called `browser_name`."""
    card = html.split(f">{browser_name}", 1)[1].split("</li>", 1)[0]
    return re.search(r'action="(/account/sessions/\d+/end)"', card).group(1)


# --- The list of devices ------------------------------------------------------------------


def test_the_devices_page_lists_every_device_and_marks_this_one(device):
    anna = create_user("anna@example.org")
    device("anna@example.org", FIREFOX_ANDROID)
    laptop = device("anna@example.org", CHROME_WINDOWS)

    page = main_of(laptop.get("/account/sessions"))

    assert "<h1>Angemeldete Geräte</h1>" in page
    assert page.count('<li class="card">') == 2
    assert "Firefox auf Android</h2>" in page
    assert 'Chrome auf Windows <span class="badge">dieses Gerät</span></h2>' in page
    assert "Angemeldet seit" in page and "Zuletzt aktiv" in page
    assert page.count('aria-label="Gerät abmelden: ') == 1  # only for the other one
    assert 'aria-label="Gerät abmelden: Firefox auf Android"' in page
    assert "An allen anderen Geräten abmelden" in page
    # Only a short summary is kept: no User-Agent, no network address.
    rows = sign_ins(anna)
    assert [row.browser for row in rows] == ["Firefox auf Android", "Chrome auf Windows"]
    stored = " ".join(str(value) for row in rows for value in vars(row).values())
    assert "Mozilla" not in stored and "Gecko" not in stored and "127.0.0.1" not in stored


def test_the_account_page_links_to_the_devices(device):
    create_user("anna@example.org")
    page = main_of(device("anna@example.org").get("/account"))
    assert 'href="/account/sessions">Angemeldete Geräte</a>' in page
    assert 'href="/account/email">E-Mail-Adresse ändern</a>' in page


@pytest.mark.parametrize(
    ("user_agent", "summary"),
    [
        (FIREFOX_ANDROID, "Firefox auf Android"),
        (SAFARI_IPHONE, "Safari auf iPhone"),
        (CHROME_WINDOWS, "Chrome auf Windows"),
        (EDGE_WINDOWS, "Edge auf Windows"),
        ("curl/8.5.0", "Unbekannter Browser"),
        ("", "Unbekannter Browser"),
    ],
)
def test_the_browser_is_named_in_a_few_words(device, user_agent, summary):
    anna = create_user("anna@example.org")
    device("anna@example.org", user_agent)
    assert [row.browser for row in sign_ins(anna)] == [summary]


# --- Signing devices out ------------------------------------------------------------------


def test_signing_out_all_other_devices_keeps_this_one(device):
    anna = create_user("anna@example.org")
    phone = device("anna@example.org", FIREFOX_ANDROID)
    tablet = device("anna@example.org", SAFARI_IPHONE)
    laptop = device("anna@example.org", CHROME_WINDOWS)
    bob = create_user("bob@example.org")
    bobs_phone = device("bob@example.org")

    response = laptop.submit("/account/sessions/end-others", {}, form_page="/account/sessions")

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/sessions"
    page = html_of(laptop.get("/account/sessions"))
    assert "2 andere Geräte wurden abgemeldet." in page
    assert main_of(laptop.get("/account/sessions")).count('<li class="card">') == 1
    for other in (phone, tablet):
        answer = other.get("/account")
        assert answer.status_code == 302
        assert answer.headers["Location"].startswith("/login?next=")
    assert logged_in(laptop)
    assert logged_in(bobs_phone)  # another person's sessions are not touched
    ended = [row.browser for row in sign_ins(anna) if row.ended_at is not None]
    assert ended == ["Firefox auf Android", "Safari auf iPhone"]
    assert all(row.ended_at is None for row in sign_ins(bob))


def test_one_other_device_can_be_signed_out(device):
    anna = create_user("anna@example.org")
    phone = device("anna@example.org", FIREFOX_ANDROID)
    tablet = device("anna@example.org", SAFARI_IPHONE)
    laptop = device("anna@example.org", CHROME_WINDOWS)
    path = end_button_path(html_of(laptop.get("/account/sessions")), "Firefox auf Android")

    response = laptop.submit(path, {}, form_page="/account/sessions", follow_redirects=True)

    assert "Firefox auf Android wurde abgemeldet." in html_of(response)
    assert not logged_in(phone)
    assert logged_in(tablet) and logged_in(laptop)
    assert [row.ended_at is not None for row in sign_ins(anna)] == [True, False, False]


def test_another_persons_device_cannot_be_signed_out(device):
    anna = create_user("anna@example.org")
    annas_phone = device("anna@example.org", FIREFOX_ANDROID)
    bob = device(create_user("bob@example.org").email)
    (annas_row,) = sign_ins(anna)
    (own_row,) = sign_ins(find_user("bob@example.org"))

    for sign_in_id in (annas_row.id, own_row.id, 999999):
        response = bob.submit(
            f"/account/sessions/{sign_in_id}/end", {}, form_page="/account/sessions"
        )
        assert response.status_code == 404, sign_in_id

    assert logged_in(annas_phone)
    assert logged_in(bob)  # its own device signs out with "Abmelden", not here
    assert all(row.ended_at is None for row in sign_ins(anna))


def test_signing_out_others_needs_the_form_token(device):
    anna = create_user("anna@example.org")
    phone = device("anna@example.org", FIREFOX_ANDROID)
    laptop = device("anna@example.org")
    assert laptop.client.post("/account/sessions/end-others", data={}).status_code == 400
    assert logged_in(phone)
    assert all(row.ended_at is None for row in sign_ins(anna))


# --- How long a session lasts -------------------------------------------------------------


def test_staff_stay_signed_in_within_30_minutes_of_activity(device, clock):
    create_user("mod@example.org", roles=("moderator",))
    moderator = device("mod@example.org")
    for _ in range(4):
        clock.advance(minutes=29)
        assert logged_in(moderator)


def test_staff_are_signed_out_after_30_idle_minutes_and_sent_back_after_login(device, clock):
    staff = create_user("mod@example.org", roles=("moderator",))
    moderator = device("mod@example.org")
    clock.advance(minutes=31)

    response = moderator.get("/account/profile?from=mail")

    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Faccount%2Fprofile%3Ffrom%3Dmail"
    login_page = html_of(moderator.get(response.headers["Location"]))
    assert STAFF_IDLE in login_page
    assert "Bitte melden Sie sich an, um diese Seite zu sehen." not in login_page
    (row,) = sign_ins(staff)
    assert row.ended_at == row.expires_at == row.last_seen_at + timedelta(minutes=30)
    moderator.submit(
        "/login?next=/account/profile?from=mail", {"email": "mod@example.org", "password": PASSWORD}
    )
    again = moderator.submit("/login/code", {"code": fresh_code("mod@example.org")})
    assert again.headers["Location"] == "/account/profile?from=mail"


def test_staff_are_signed_out_12_hours_after_signing_in_however_active(device, clock):
    create_user("team@example.org", roles=("team",))
    member = device("team@example.org")
    for _ in range(35):  # every 20 minutes: 11 h 40 min
        clock.advance(minutes=20)
        assert logged_in(member)
    clock.advance(minutes=20)

    response = member.get("/account")

    assert response.status_code == 302
    assert STAFF_MAX in html_of(member.get(response.headers["Location"]))


def test_a_resident_may_stay_signed_in_for_30_days(device, clock):
    create_user("anna@example.org")
    phone = device("anna@example.org", remember=True)

    expiry = cookie_expiry(session_cookie(phone.login_response))
    assert expiry is not None
    assert abs(expiry - (utcnow() + timedelta(days=30))) < timedelta(minutes=5)
    clock.advance(days=20)  # not used for 20 days
    assert logged_in(phone)
    clock.advance(days=10, minutes=1)
    assert not logged_in(phone)
    assert EXPIRED in html_of(phone.get("/"))  # said once, on the next page


def test_without_angemeldet_bleiben_the_cookie_ends_with_the_browser(device, clock):
    create_user("anna@example.org")
    laptop = device("anna@example.org")

    assert cookie_expiry(session_cookie(laptop.login_response)) is None
    clock.advance(hours=11)
    assert logged_in(laptop)
    clock.advance(hours=11)  # 11 hours after the last page
    assert logged_in(laptop)
    clock.advance(hours=12, minutes=1)  # a browser that restored its tabs next day
    response = laptop.get("/account")
    assert response.status_code == 302
    assert EXPIRED in html_of(laptop.get(response.headers["Location"]))


def test_staff_get_no_30_days_even_when_they_ask(device):
    staff = create_user("admin@example.org", roles=("admin",))
    admin = device("admin@example.org", remember=True)
    assert cookie_expiry(session_cookie(admin.login_response)) is None
    assert [row.remember for row in sign_ins(staff)] == [False]


def test_the_last_activity_is_written_at_most_once_a_minute(device, clock):
    anna = create_user("anna@example.org")
    laptop = device("anna@example.org")
    signed_in_at = sign_ins(anna)[0].last_seen_at

    clock.advance(seconds=50)
    laptop.get("/account")
    assert sign_ins(anna)[0].last_seen_at == signed_in_at
    clock.advance(seconds=20)
    laptop.get("/account")
    assert sign_ins(anna)[0].last_seen_at == clock.now


def test_a_reset_link_ends_every_session_and_replaces_this_browsers_sign_in(device):
    anna = create_user("anna@example.org")
    phone = device("anna@example.org", FIREFOX_ANDROID)
    laptop = device("anna@example.org", CHROME_WINDOWS)
    create_user("bob@example.org")
    laptop.submit("/password/forgot", {"email": "bob@example.org"})
    laptop.submit("/password/forgot", {"email": "anna@example.org"})
    bobs_link = link_from(outbox("bob@example.org")[0], "/password/reset/")
    annas_link = link_from(outbox("anna@example.org")[0], "/password/reset/")

    reset = {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    assert laptop.submit(annas_link, reset).status_code == 302  # while signed in here

    assert not logged_in(phone)
    assert [(row.browser, row.ended_at) for row in sign_ins(anna)] == [("Chrome auf Windows", None)]
    assert laptop.submit(bobs_link, reset).status_code == 302  # Bob, on Anna's laptop
    assert "bob@example.org" in main_of(laptop.get("/account"))
    assert [row.ended_at is not None for row in sign_ins(anna)] == [True]
