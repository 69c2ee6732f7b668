"""A new e-mail address: after the password, by a link to the new address, with a notice
to the old one; it never reveals or takes an address another account has."""

from tests.accounts.helpers import NEW_PASSWORD, logged_in, without_variable_parts
from tests.factories import PASSWORD, create_user, find_user, link_from, outbox
from tests.helpers import field_error, html_of, main_of

EMAIL = "/account/email"
CONFIRM_PATH = "/account/email/confirm/"
REFUSED = "Das Passwort ist nicht richtig. Ihre E-Mail-Adresse bleibt unverändert."
LINK_SENT = "Wir haben einen Bestätigungslink an {} geschickt."


def ask_for(browser, new_email: str, password: str = PASSWORD):
    return browser.submit(EMAIL, {"email": new_email, "password": password})


def confirmation_link(address: str) -> str:
    (mail,) = [m for m in outbox(address) if CONFIRM_PATH in m.body]
    return link_from(mail, CONFIRM_PATH)


def press_the_button(browser, link: str):
    return browser.submit(link, {}, follow_redirects=True)


def test_a_wrong_password_is_refused_next_to_the_field_and_keeps_the_new_address(as_user):
    anna = create_user("anna@example.org")
    browser = as_user(anna)

    response = ask_for(browser, "anna.neu@example.org", password="nicht das Passwort")

    html = html_of(response)
    assert response.status_code == 200
    assert field_error(html, "password") == REFUSED
    assert 'value="anna.neu@example.org"' in html
    assert 'value="nicht das Passwort"' not in html
    assert outbox() == []
    assert find_user("anna@example.org") is not None


def test_the_new_address_applies_only_after_the_link_and_ends_the_other_sessions(
    as_user, new_browser
):
    anna = create_user("anna@example.org", display_name="Anna M.")
    phone = as_user(anna)
    laptop = as_user(anna)

    response = ask_for(laptop, "Anna.Neu@example.org")

    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    assert LINK_SENT.format("Anna.Neu@example.org") in html_of(laptop.get("/account"))
    assert find_user("anna@example.org") is not None  # nothing changed yet
    (notice,) = outbox("anna@example.org")
    assert "Anna.Neu@example.org" in notice.body and CONFIRM_PATH not in notice.body
    link = confirmation_link("Anna.Neu@example.org")
    assert new_browser().login("anna@example.org").status_code == 302  # the old one still works

    page = main_of(laptop.get(link))  # opening the link (as a mail scanner would) ...
    assert "Neue E-Mail-Adresse bestätigen" in page and "Anna.Neu@example.org" in page
    assert "zum Konto „Anna M.“" in page  # whose account the address would join
    assert find_user("anna@example.org") is not None  # ... changes nothing
    done = press_the_button(laptop, link)

    assert "Ihre neue E-Mail-Adresse gilt ab sofort." in html_of(done)
    assert find_user("anna@example.org") is None
    assert find_user("anna.neu@example.org").email == "Anna.Neu@example.org"
    assert logged_in(laptop)
    assert not logged_in(phone)
    assert new_browser().login("anna@example.org").status_code == 200  # refused
    assert new_browser().login("anna.neu@example.org").status_code == 302
    assert press_the_button(laptop, link).status_code == 400  # used: it works once


def test_a_link_opened_where_nobody_is_signed_in_ends_every_session(as_user, new_browser):
    anna = create_user("anna@example.org")
    laptop = as_user(anna)
    ask_for(laptop, "anna.neu@example.org")
    mail_app = new_browser()

    done = press_the_button(mail_app, confirmation_link("anna.neu@example.org"))

    assert "Bitte melden Sie sich damit an" in html_of(done)
    assert find_user("anna.neu@example.org") is not None
    assert not logged_in(laptop)
    assert not logged_in(mail_app)


def test_an_address_of_another_account_is_neither_taken_nor_revealed(as_user):
    create_user("bob@example.org", display_name="Bob")
    anna = create_user("anna@example.org")
    browser = as_user(anna)

    taken = ask_for(browser, "BOB@example.org")
    taken_page = html_of(browser.get("/account"))
    free = ask_for(browser, "frei@example.org")
    free_page = html_of(browser.get("/account"))

    assert taken.status_code == free.status_code == 302
    assert without_variable_parts(taken_page, "BOB@example.org") == (
        without_variable_parts(free_page, "frei@example.org")
    )
    notices = outbox("anna@example.org")
    assert len(notices) == 2
    assert notices[0].body.replace("BOB@example.org", "X") == (
        notices[1].body.replace("frei@example.org", "X")
    )
    (hint,) = outbox("bob@example.org")
    assert "gehört aber schon zu Ihrem Konto" in hint.body
    assert CONFIRM_PATH not in hint.body
    assert outbox("BOB@example.org") == []
    assert find_user("anna@example.org") is not None
    assert find_user("bob@example.org").display_name == "Bob"


def test_an_address_taken_before_the_link_is_used_stays_with_its_account(as_user, browser):
    anna = create_user("anna@example.org")
    ask_for(as_user(anna), "neu@example.org")
    link = confirmation_link("neu@example.org")
    create_user("Neu@example.org", display_name="Die Neue")  # registered meanwhile

    response = browser.submit(link, {})

    assert response.status_code == 400
    assert "Dieser Link funktioniert nicht (mehr)" in html_of(response)
    assert find_user("anna@example.org") is not None
    assert find_user("neu@example.org").display_name == "Die Neue"


def test_a_new_password_ends_a_pending_link(as_user):
    anna = create_user("anna@example.org")
    browser = as_user(anna)
    ask_for(browser, "neu@example.org")
    link = confirmation_link("neu@example.org")
    changed = browser.submit(
        "/account/password",
        {"password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD},
    )
    assert changed.status_code == 302

    assert browser.get(link).status_code == 400
    assert browser.submit(link, {}, form_page="/account").status_code == 400
    assert find_user("anna@example.org") is not None


def test_the_own_address_is_no_new_address(as_user):
    browser = as_user(create_user("anna@example.org"))
    response = ask_for(browser, "ANNA@example.org")
    assert field_error(html_of(response), "email") == "Das ist bereits Ihre E-Mail-Adresse."
    assert outbox() == []


def test_links_to_one_new_address_are_rationed(as_user):
    browser = as_user(create_user("anna@example.org"))
    for _ in range(3):
        assert ask_for(browser, "neu@example.org").status_code == 302
    assert len(outbox("neu@example.org")) == 1  # the first link stays valid meanwhile
    assert len(outbox("anna@example.org")) == 3


def test_staff_confirm_with_their_second_factor_too(as_user):
    staff = as_user(create_user("mod@example.org", roles=("moderator",)))
    page = html_of(staff.get(EMAIL))
    assert 'name="code"' in page
    response = ask_for(staff, "mod.neu@example.org")  # the password alone is not enough
    assert response.status_code == 200
    assert outbox() == []


def test_the_page_needs_a_sign_in(browser):
    response = browser.get(EMAIL)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
