"""The second factor through the pages a person uses: setting it up, signing in with a
code or a recovery code, switching it off, and weighty steps that ask for a code."""

import re
from types import SimpleNamespace

import pyotp
from sqlalchemy import select, text
from sqlalchemy.orm.attributes import set_committed_value

from participation.accounts.second_factor import recovery, services, sign_in, totp
from participation.accounts.second_factor.models import RecoveryCode
from participation.extensions import db
from tests.accounts.helpers import logged_in
from tests.factories import (
    PASSWORD,
    TOTP_SECRET,
    count_rows,
    create_user,
    find_user,
    link_from,
    outbox,
    wrong_code,
)
from tests.helpers import field_error, fresh, html_of, main_of

SETUP = "/account/zwei-faktor"
CODE_PAGE = "/login/code"
WRONG_CODE = "Der Code ist nicht richtig oder wurde schon benutzt."
SHOWN_CODE = re.compile(r"<code>([2-9A-Z]{5}-[2-9A-Z]{5})</code>")


def code_for(secret: str, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(secret).at((totp.current_step() + steps_ahead) * totp.INTERVAL)


def shown_secret(response) -> str:
    match = re.search(r'<code id="secret">([A-Z2-7 ]+)</code>', html_of(response))
    assert match, "the setup page shows no secret"
    return match.group(1).replace(" ", "")


def post_setup(browser, data: dict, url: str = SETUP):
    """Send the setup form as a person does: the page they read is the one they send.
    (Opening the page again, as `submit` would for its token, makes a new secret.)"""
    return browser.submit(url, data, form_page="/account")


def switch_on(browser) -> list[str]:
    """Set the second factor up as a person would; the recovery codes shown."""
    secret = shown_secret(browser.get(SETUP))
    response = post_setup(browser, {"app_code": code_for(secret), "password": PASSWORD})
    assert response.status_code == 200
    return SHOWN_CODE.findall(html_of(response))


def start_login(browser, user):
    response = browser.submit("/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == CODE_PAGE
    return response


def send_code(browser, code: str, recovery_mode: bool = False):
    url = f"{CODE_PAGE}?wiederherstellung=1" if recovery_mode else CODE_PAGE
    return browser.submit(url, {"code": code})


# Setting up -----------------------------------------------------------------------------


def test_the_setup_page_explains_and_shows_the_secret_and_a_qr_code_made_by_the_app(as_user):
    person = create_user()
    browser = as_user(person)
    assert 'href="/account/zwei-faktor"' in main_of(browser.get("/account"))

    page = browser.get(SETUP)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    main = main_of(page)
    assert "<h1>Zwei-Faktor-Anmeldung</h1>" in main
    assert 'autocomplete="one-time-code"' in main and 'inputmode="numeric"' in main
    secret = find_user(person.email).totp_secret
    assert shown_secret(page) == secret
    grouped = re.search(r'<code id="secret">([^<]+)</code>', main).group(1)
    assert grouped.split(" ") == [secret[i : i + 4] for i in range(0, 32, 4)]
    assert '<img class="qr-code" src="/account/zwei-faktor/qr.svg"' in main
    assert re.search(r'<img class="qr-code"[^>]* alt="QR-Code[^"]+"', main)

    image = browser.get("/account/zwei-faktor/qr.svg")
    assert image.status_code == 200 and image.mimetype == "image/svg+xml"
    assert image.headers["Cache-Control"] == "no-store"
    svg = image.get_data(as_text=True)
    uri = totp.setup_uri(secret, person.email, "#Zukunft ST")
    assert image.get_data() == totp.qr_svg(uri, "QR-Code für die Authenticator-App")
    assert "<svg" in svg and "<title>QR-Code" in svg
    # The only address in the picture is the SVG namespace: nothing is loaded from elsewhere.
    assert re.findall(r"https?://[^\"' ]+", svg) == ["http://www.w3.org/2000/svg"]
    assert "href" not in svg and "<script" not in svg


def test_each_visit_of_the_setup_page_makes_a_new_secret(as_user):
    """A secret copied from an unattended open session is worthless once the owner opens
    the page; a wrong code keeps the one the person is scanning."""
    person = create_user()
    browser = as_user(person)
    copied = shown_secret(browser.get(SETUP))
    scanned = shown_secret(browser.get(SETUP))
    assert copied != scanned and find_user(person.email).totp_secret == scanned
    response = post_setup(browser, {"app_code": wrong_code(scanned), "password": PASSWORD})
    assert shown_secret(response) == scanned

    response = post_setup(browser, {"app_code": code_for(copied), "password": PASSWORD})
    assert find_user(person.email).second_factor_at is None
    post_setup(browser, {"app_code": code_for(scanned), "password": PASSWORD})
    assert find_user(person.email).second_factor_at is not None


def test_switching_it_on_signs_out_every_session_that_gave_only_the_password(new_browser):
    """A phished password signed in before the owner set the factor up: the roles that
    waited for it must not open to that session afterwards."""
    moderator = create_user(roles=("moderator",), second_factor=False)
    intruder = new_browser()
    intruder.login(moderator.email)
    assert intruder.get("/moderation").status_code == 302  # roles wait for the factor
    owner = new_browser()
    owner.login(moderator.email)
    switch_on(owner)

    assert owner.get("/moderation").status_code == 200
    assert intruder.get("/moderation").headers["Location"].startswith("/login")
    assert not logged_in(intruder)


def test_a_wrong_code_or_password_switches_nothing_on_and_says_which(as_user):
    person = create_user()
    browser = as_user(person)
    secret = shown_secret(browser.get(SETUP))

    response = post_setup(browser, {"app_code": wrong_code(secret), "password": PASSWORD})
    assert response.status_code == 200
    assert field_error(html_of(response), "app_code").startswith("Der Code passt nicht.")
    assert 'value="' + wrong_code(secret) + '"' in html_of(response)  # kept for correcting

    response = post_setup(browser, {"app_code": "12345", "password": PASSWORD})
    assert field_error(html_of(response), "app_code") == "Der Code besteht aus sechs Ziffern."

    response = post_setup(browser, {"app_code": code_for(secret), "password": "falsch"})
    assert field_error(html_of(response), "password").startswith("Das Passwort ist nicht richtig")

    user = find_user(person.email)
    assert user.second_factor_at is None and user.totp_secret == secret
    assert count_rows(RecoveryCode) == 0


def test_the_right_code_switches_it_on_and_shows_ten_recovery_codes_once(as_user):
    person = create_user()
    browser = as_user(person)
    secret = shown_secret(browser.get(SETUP))
    response = post_setup(browser, {"app_code": code_for(secret), "password": PASSWORD})

    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "Die Zwei-Faktor-Anmeldung ist eingeschaltet." in main_of(response)
    codes = SHOWN_CODE.findall(html_of(response))
    assert len(codes) == len(set(codes)) == 10
    user = find_user(person.email)
    assert user.second_factor_at is not None and user.totp_secret == secret
    assert user.totp_last_step is not None
    assert count_rows(RecoveryCode) == 10

    overview = main_of(browser.get(SETUP))
    assert "noch 10 von 10 unbenutzt" in overview
    assert not SHOWN_CODE.search(overview)  # shown once, never again
    assert browser.get("/account/zwei-faktor/qr.svg").status_code == 404  # nor the secret


def test_recovery_codes_are_stored_only_as_keyed_hashes(as_user):
    codes = switch_on(as_user(create_user()))
    rows = db.session.execute(text("SELECT * FROM recovery_codes")).all()
    stored = " ".join(str(value) for row in rows for value in row)
    for code in codes:
        assert code not in stored and code.replace("-", "") not in stored
    assert sorted(row.code_hash for row in rows) == sorted(recovery.code_hash(c) for c in codes)


def test_new_recovery_codes_replace_the_old_ones(as_user):
    person = create_user()
    browser = as_user(person)
    old = switch_on(browser)
    page = browser.get("/account/zwei-faktor/codes")
    assert 'id="code"' in html_of(page)  # the identity check asks for a code now
    response = browser.submit("/account/zwei-faktor/codes", browser.identity())
    new = SHOWN_CODE.findall(html_of(response))
    assert len(new) == 10 and not set(new) & set(old)
    assert response.headers["Cache-Control"] == "no-store"
    db.session.expire_all()
    hashes = set(db.session.scalars(select(RecoveryCode.code_hash)))
    assert hashes == {recovery.code_hash(c) for c in new}


# Signing in -----------------------------------------------------------------------------


def test_signing_in_asks_for_the_code_after_the_password(new_browser):
    person = create_user(second_factor=True)
    browser = new_browser()
    start_login(browser, person)
    assert not logged_in(browser)  # the password alone signs nobody in
    assert fresh(person).last_login_at is None  # nor counts as a sign-in
    page = browser.get(CODE_PAGE)
    main = main_of(page)
    assert page.status_code == 200 and "Code aus der Authenticator-App" in main
    assert 'autocomplete="one-time-code"' in main and 'inputmode="numeric"' in main
    assert 'href="/login/code?wiederherstellung=1"' in main

    response = send_code(browser, code_for(TOTP_SECRET))
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert f"Willkommen, {person.display_name}!" in html_of(browser.get("/account"))
    assert logged_in(browser)
    assert fresh(person).last_login_at is not None


def test_the_code_step_keeps_where_the_person_wanted_to_go(new_browser):
    person = create_user(second_factor=True)
    browser = new_browser()
    browser.submit("/login?next=/ideas/new", {"email": person.email, "password": PASSWORD})
    response = send_code(browser, code_for(TOTP_SECRET))
    assert response.headers["Location"] == "/ideas/new"


def test_a_wrong_code_is_refused_with_a_message_and_counted(app, new_browser):
    person = create_user(second_factor=True)
    browser = new_browser()
    start_login(browser, person)
    response = send_code(browser, wrong_code(TOTP_SECRET))
    assert response.status_code == 200
    assert field_error(html_of(response), "code") == WRONG_CODE
    assert not logged_in(browser)

    allowed = 5  # LOGIN_FAILURE_LIMIT_PER_ACCOUNT and the code limit: 5 per 15 minutes
    assert app.config["SECOND_FACTOR_FAILURE_LIMIT_PER_ACCOUNT"] == "5 per 15 minutes"
    for _ in range(allowed - 1):
        response = send_code(browser, wrong_code(TOTP_SECRET))
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert "Bitte warten Sie 15 Minuten" in field_error(html_of(response), "code")
    # During the wait no code is checked, not even the right one.
    response = send_code(browser, code_for(TOTP_SECRET))
    assert response.status_code == 429 and not logged_in(browser)
    # The failures count like failed sign-ins: the password step asks for a wait too.
    again = browser.submit("/login", {"email": person.email, "password": "falsch"})
    assert "Zu viele Fehlversuche" in field_error(html_of(again), "password")


def test_a_used_code_does_not_work_again(new_browser):
    person = create_user(second_factor=True)
    first, second = new_browser(), new_browser()
    code = code_for(TOTP_SECRET)
    start_login(first, person)
    assert send_code(first, code).status_code == 302
    start_login(second, person)
    response = send_code(second, code)
    assert response.status_code == 200 and field_error(html_of(response), "code") == WRONG_CODE
    assert not logged_in(second)


def test_a_recovery_code_signs_in_once(new_browser, as_user):
    person = create_user()
    codes = switch_on(as_user(person))
    browser = new_browser()
    start_login(browser, person)
    page = main_of(browser.get(f"{CODE_PAGE}?wiederherstellung=1"))
    assert "Wiederherstellungscode" in page and 'inputmode="numeric"' not in page
    typed = codes[3].lower().replace("-", " ")  # as people type them
    assert send_code(browser, typed, recovery_mode=True).status_code == 302
    assert logged_in(browser)
    db.session.expire_all()
    assert count_rows(RecoveryCode) == 10
    assert (
        len(db.session.scalars(select(RecoveryCode).where(RecoveryCode.used_at.is_not(None))).all())
        == 1
    )

    other = new_browser()
    start_login(other, person)
    response = send_code(other, codes[3], recovery_mode=True)
    assert field_error(html_of(response), "code") == WRONG_CODE and not logged_in(other)
    assert send_code(other, codes[4]).status_code == 302  # any field takes either kind


def test_the_code_step_expires_after_five_minutes(app, new_browser, monkeypatch):
    person = create_user(second_factor=True)
    browser = new_browser()
    start_login(browser, person)
    later = sign_in.time.time() + app.config["SECOND_FACTOR_PENDING_SECONDS"] + 1
    monkeypatch.setattr(sign_in, "time", SimpleNamespace(time=lambda: later))
    response = browser.submit(CODE_PAGE, {"code": code_for(TOTP_SECRET)}, form_page="/login")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "Bitte melden Sie sich erneut an" in html_of(browser.get("/login"))
    assert not logged_in(browser)
    monkeypatch.undo()
    assert browser.get(CODE_PAGE).status_code == 302  # the step is gone, not just late


def test_the_code_page_without_a_password_first_sends_to_login(browser):
    assert browser.get(CODE_PAGE).headers["Location"] == "/login"


def test_a_reset_link_does_not_skip_the_second_factor(browser):
    person = create_user(second_factor=True)
    before = find_user(person.email).password_hash
    browser.submit("/password/forgot", {"email": person.email})
    reset = link_from(outbox(person.email)[-1], "/password/reset/")
    new_password = "ein ganz neues Passwort"
    chosen = {"password": new_password, "password_confirm": new_password}
    assert 'id="code"' in html_of(browser.get(reset))

    for code in ("", wrong_code(TOTP_SECRET)):
        response = browser.submit(reset, {**chosen, "code": code})
        assert response.status_code == 200 and field_error(html_of(response), "code")
        # the mailbox alone changes nothing: the old password still holds
        assert find_user(person.email).password_hash == before and not logged_in(browser)

    response = browser.submit(reset, {**chosen, "code": code_for(TOTP_SECRET)})
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert logged_in(browser) and find_user(person.email).password_hash != before


def test_a_new_password_cancels_a_code_step_waiting_on_the_old_one(new_browser):
    person = create_user(second_factor=True)
    stranger = new_browser()
    start_login(stranger, person)  # knows the password, waits for a code
    owner = new_browser()
    owner.login(person.email)
    new_password = "ein ganz neues Passwort"
    owner.submit(
        "/account/password",
        {**owner.identity(), "new_password": new_password, "new_password_confirm": new_password},
    )
    assert stranger.get(CODE_PAGE).headers["Location"] == "/login"  # asks for the new one
    assert not logged_in(stranger)


def test_signing_out_drops_a_code_step_waiting_on_this_device(browser):
    person = create_user(second_factor=True)
    start_login(browser, person)
    browser.submit("/logout", {}, form_page=CODE_PAGE)
    assert browser.get(CODE_PAGE).headers["Location"] == "/login"


# Switching off ----------------------------------------------------------------------------


def test_a_resident_may_switch_it_off_with_password_and_code(as_user, new_browser):
    person = create_user(second_factor=True)
    browser = as_user(person)
    assert 'href="/account/zwei-faktor/ausschalten"' in main_of(browser.get(SETUP))
    response = browser.submit("/account/zwei-faktor/ausschalten", {"password": PASSWORD})
    assert field_error(html_of(response), "code").startswith("Bitte geben Sie den Code")
    response = browser.submit("/account/zwei-faktor/ausschalten", browser.identity())
    assert response.status_code == 302
    user = find_user(person.email)
    assert user.second_factor_at is None and user.totp_secret is None
    assert count_rows(RecoveryCode) == 0
    plain = new_browser()
    assert (
        plain.submit("/login", {"email": person.email, "password": PASSWORD}).headers["Location"]
        == "/account"
    )


def test_staff_cannot_switch_it_off(as_user):
    moderator = create_user(roles=("moderator",))
    browser = as_user(moderator)
    overview = main_of(browser.get(SETUP))
    assert "ausschalten" not in overview and "vorgeschrieben" in overview
    response = browser.submit("/account/zwei-faktor/ausschalten", browser.identity())
    assert response.status_code == 200
    assert "Ausschalten geht erst, wenn Sie keine Rolle mehr haben." in main_of(response)
    assert find_user(moderator.email).second_factor_at is not None


# Weighty steps ----------------------------------------------------------------------------


def test_the_export_asks_for_the_code_when_the_second_factor_is_on(as_user):
    with_code = as_user(create_user(second_factor=True))
    page = html_of(with_code.get("/account/export"))
    assert 'id="code"' in page and "Code aus der Authenticator-App" in page

    response = with_code.submit("/account/export", {"password": PASSWORD, "format": "json"})
    assert field_error(html_of(response), "code").startswith("Bitte geben Sie den Code")
    wrong = {"password": PASSWORD, "code": wrong_code(TOTP_SECRET), "format": "json"}
    response = with_code.submit("/account/export", wrong)
    assert response.status_code == 200 and field_error(html_of(response), "code") == WRONG_CODE
    response = with_code.submit("/account/export", {**with_code.identity(), "format": "json"})
    assert response.status_code == 200 and response.mimetype == "application/json"

    without = as_user(create_user())
    assert 'id="code"' not in html_of(without.get("/account/export"))
    response = without.submit("/account/export", {"password": PASSWORD, "format": "json"})
    assert response.mimetype == "application/json"


def test_the_export_says_it_is_on_but_never_holds_the_secret(as_user):
    person = create_user()
    browser = as_user(person)
    codes = switch_on(browser)
    browser.identity = lambda: {"password": PASSWORD, "code": codes[0]}

    response = browser.submit("/account/export", {**browser.identity(), "format": "json"})

    exported = response.get_data(as_text=True)
    second_factor = response.get_json()["sign_ins"]["second_factor"]
    assert second_factor["active_since"] is not None
    assert second_factor["unused_recovery_codes"] == 9  # one was just used for the export
    assert fresh(person).totp_secret not in exported
    assert not any(code in exported for code in codes)


def test_a_recovery_code_also_confirms_a_weighty_step_once(as_user):
    person = create_user()
    browser = as_user(person)
    codes = switch_on(browser)
    data = {"password": PASSWORD, "code": codes[0], "format": "json"}
    assert browser.submit("/account/export", data).mimetype == "application/json"
    assert field_error(html_of(browser.submit("/account/export", data)), "code") == WRONG_CODE


def test_the_code_that_signed_in_does_not_confirm_a_step_afterwards(as_user):
    """One rule for every use: a code counts once, at sign-in or for a weighty step."""
    person = create_user(second_factor=True)
    browser = as_user(person)
    used_step = find_user(person.email).totp_last_step
    used_code = pyotp.TOTP(TOTP_SECRET).at(used_step * totp.INTERVAL)
    export = {"password": PASSWORD, "code": used_code, "format": "json"}
    response = browser.submit("/account/export", export)
    assert response.status_code == 200 and field_error(html_of(response), "code") == WRONG_CODE


def test_of_two_requests_with_the_same_code_only_one_gets_through(app):
    """Both requests read the person before either wrote: the database decides."""
    person = create_user(second_factor=True)
    code = code_for(TOTP_SECRET)
    assert services.use_code(person, code)
    set_committed_value(person, "totp_last_step", None)  # what the other request had read
    assert not services.use_code(person, code)
    db.session.rollback()
