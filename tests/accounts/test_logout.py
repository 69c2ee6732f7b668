"""Signing out: only by form, for every copy of this device's cookie, and only this device."""

from sqlalchemy import select

from participation.accounts.models import SignInSession
from participation.extensions import db
from tests.accounts.helpers import logged_in
from tests.factories import create_user
from tests.helpers import html_of


def test_logout_by_get_is_not_possible(browser):
    create_user("anna@example.org")
    browser.login("anna@example.org")
    response = browser.get("/logout")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert "GET" not in response.headers["Allow"]
    assert "Aktion nicht möglich" in html_of(response)
    assert logged_in(browser)


def test_logout_without_csrf_token_is_refused(browser):
    create_user("anna@example.org")
    browser.login("anna@example.org")
    response = browser.client.post("/logout", data={})
    assert response.status_code == 400
    assert "Das Formular ist abgelaufen" in html_of(response)
    assert logged_in(browser)


def test_logout_ends_the_session_for_every_copy_of_the_cookie(app, browser, new_browser):
    anna = create_user("anna@example.org")
    browser.login("anna@example.org")
    stolen = browser.client.get_cookie("zst_session").value
    phone = new_browser()
    phone.login("anna@example.org")

    response = browser.logout()
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Sie sind abgemeldet." in html_of(browser.get("/"))
    assert not logged_in(browser)

    replay = app.test_client()
    replay.set_cookie("zst_session", stolen)
    response = replay.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")

    assert logged_in(phone), "another device stays signed in"
    db.session.expire_all()
    rows = db.session.scalars(select(SignInSession).where(SignInSession.user_id == anna.id))
    assert sorted(row.ended_at is not None for row in rows) == [False, True]
