"""Failed sign-ins slow guessing down, yet nobody can lock the owner out.

Failures are counted per network address and per account: many failures from one
address refuse that address; many for one account only ask for a wait, while the
right password and a reset link still get the owner in.
"""

import re

import pytest
from limits import parse_many

from participation.extensions import limiter
from tests.factories import PASSWORD, create_user, find_user, link_from, outbox
from tests.helpers import Browser, FreshGlobalsClient

WRONG = "ein falsches Passwort"
NEW_PASSWORD = "ein langes neues Passwort"
PLAIN_REFUSAL = "E-Mail-Adresse oder Passwort ist nicht richtig."
TOO_MANY = "Zu viele Fehlversuche"


@pytest.fixture
def browser_at(app):
    """A browser of its own at a network address of its own."""

    def make(address: str) -> Browser:
        app.test_client_class = FreshGlobalsClient
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return Browser(client)

    return make


def allowed(app, config_key: str) -> int:
    return parse_many(app.config[config_key])[0].amount


def html_of(response) -> str:
    return response.get_data(as_text=True)


def password_error(response) -> str:
    match = re.search(r'<p class="field-error" id="password-error">([^<]*)</p>', html_of(response))
    return match.group(1) if match else ""


def signed_in(browser) -> bool:
    return browser.get("/account").status_code == 200


def test_wrong_passwords_from_many_addresses_do_not_lock_out_the_admin(browser_at):
    create_user("admin@example.org", roles=("admin",))
    for number in range(12):
        stranger = browser_at(f"198.51.100.{number}")
        assert stranger.login("admin@example.org", WRONG).status_code in (200, 429)
        assert not signed_in(stranger)

    admin = browser_at("203.0.113.7")
    response = admin.login("Admin@example.org", PASSWORD)

    assert response.status_code == 302
    assert signed_in(admin)
    assert find_user("admin@example.org").last_login_at is not None


def test_one_address_failing_against_many_accounts_is_refused_there_only(
    app, browser_at, monkeypatch
):
    monkeypatch.setitem(app.config, "LOGIN_FAILURE_LIMIT_PER_ADDRESS", "10 per hour")
    people = [create_user() for _ in range(10)]
    guesser = browser_at("192.0.2.66")
    for person in people:
        response = guesser.login(person.email, WRONG)
        assert response.status_code == 200, "one failure per account: no account is hot"
        assert password_error(response) == PLAIN_REFUSAL

    refused = guesser.login(people[0].email, PASSWORD)

    assert refused.status_code == 429, "refused before the password is even checked"
    assert TOO_MANY in html_of(refused) and "Bitte warten Sie 60 Minuten" in html_of(refused)
    [retry_after] = refused.headers.getlist("Retry-After")
    assert 3500 < int(retry_after) <= 3600
    assert not signed_in(guesser)
    assert find_user(people[0].email).last_login_at is None
    for number, person in enumerate(people):
        owner = browser_at(f"203.0.113.{number}")
        assert owner.login(person.email, PASSWORD).status_code == 302, "no account is locked"
    assert all(find_user(person.email).last_login_at for person in people)


def test_the_right_password_after_many_failures_signs_in_and_clears_the_count(app, browser_at):
    create_user("anna@example.org")
    hot_after = allowed(app, "LOGIN_FAILURE_LIMIT_PER_ACCOUNT")
    phone = browser_at("198.51.100.7")
    answers = [phone.login("anna@example.org", WRONG) for _ in range(hot_after + 1)]

    assert [answer.status_code for answer in answers] == [200] * (hot_after - 1) + [429] * 2
    hint = password_error(answers[-1])
    assert hint.startswith(PLAIN_REFUSAL) and TOO_MANY in hint
    assert "Bitte warten Sie 15 Minuten" in hint and "Passwort vergessen?" in hint
    [retry_after] = answers[-1].headers.getlist("Retry-After")
    assert 0 < int(retry_after) <= 15 * 60

    assert phone.login("anna@example.org", PASSWORD).status_code == 302
    assert signed_in(phone)
    assert find_user("anna@example.org").last_login_at is not None
    phone.logout()
    typo = phone.login("anna@example.org", WRONG)
    assert typo.status_code == 200 and password_error(typo) == PLAIN_REFUSAL, "count cleared"


def test_a_reset_link_gets_the_owner_in_while_strangers_keep_failing(browser_at):
    create_user("anna@example.org")
    for number in range(8):
        browser_at(f"198.51.100.{number}").login("anna@example.org", WRONG)
    anna = browser_at("203.0.113.9")
    assert anna.submit("/password/forgot", {"email": "anna@example.org"}).status_code == 200
    link = link_from(outbox("anna@example.org")[-1], "/password/reset/")

    response = anna.submit(link, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})

    assert response.status_code == 302 and signed_in(anna), "the link signs the owner in"
    anna.logout()
    typo = anna.login("anna@example.org", WRONG)
    assert typo.status_code == 200 and password_error(typo) == PLAIN_REFUSAL, "count cleared"
    assert anna.login("anna@example.org", NEW_PASSWORD).status_code == 302
    assert signed_in(anna)


def test_known_and_unknown_addresses_answer_alike_after_failures(app, browser_at):
    create_user("anna@example.org")
    guesser = browser_at("192.0.2.5")
    rounds = allowed(app, "LOGIN_FAILURE_LIMIT_PER_ACCOUNT") + 1

    def answers(email: str) -> list[tuple[int, str]]:
        replies = [guesser.login(email, WRONG) for _ in range(rounds)]
        return [(reply.status_code, password_error(reply)) for reply in replies]

    assert answers("anna@example.org") == answers("niemand@example.org")


def test_strangers_asking_for_reset_mails_cannot_keep_the_link_from_the_owner(app, browser_at):
    create_user("anna@example.org")
    for number in range(10):
        stranger = browser_at(f"198.51.100.{number}")
        response = stranger.submit("/password/forgot", {"email": "anna@example.org"})
        assert response.status_code == 200 and "E-Mail unterwegs" in html_of(response)
    mails = outbox("anna@example.org")
    assert len(mails) == allowed(app, "RESET_MAIL_LIMIT_PER_ACCOUNT"), "no mail flood"

    owner = browser_at("203.0.113.5")
    response = owner.submit("/password/forgot", {"email": "anna@example.org"})
    assert response.status_code == 200 and "E-Mail unterwegs" in html_of(response)
    link = link_from(mails[-1], "/password/reset/")  # sent by a stranger's request, still valid
    reset = owner.submit(link, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})

    assert reset.status_code == 302 and signed_in(owner)


def test_a_reset_link_lets_the_owner_in_from_an_address_strangers_used_up(app, browser_at):
    """Behind one carrier address, a guesser exhausts the address's failures; the owner,
    on the same address, still gets in through the reset link."""
    create_user("anna@example.org")
    shared = "100.64.0.1"
    for number in range(allowed(app, "LOGIN_FAILURE_LIMIT_PER_ADDRESS")):
        browser_at(shared).login(f"opfer{number}@example.org", WRONG)
    owner = browser_at(shared)
    assert owner.login("anna@example.org", PASSWORD).status_code == 429
    owner.submit("/password/forgot", {"email": "anna@example.org"})
    link = link_from(outbox("anna@example.org")[-1], "/password/reset/")

    reset = owner.submit(link, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})

    assert reset.status_code == 302 and signed_in(owner)


def test_failures_are_counted_across_workers_through_redis(make_app):
    from tests.test_security import _redis_or_skip

    url, connection = _redis_or_skip()
    workers = [make_app(RATELIMIT_STORAGE_URI=url) for _ in range(2)]
    with workers[0].app_context():
        limiter.reset()
    try:
        create_user("anna@example.org")
        hot_after = allowed(workers[0], "LOGIN_FAILURE_LIMIT_PER_ACCOUNT")
        answers = []
        for number in range(hot_after):
            worker = workers[number % 2]
            with worker.app_context():
                browser = Browser(worker.test_client())
                answers.append(browser.login("anna@example.org", WRONG).status_code)
        assert answers == [200] * (hot_after - 1) + [429], "one count for all workers"
        with workers[1].app_context():
            browser = Browser(workers[1].test_client())
            assert browser.login("anna@example.org", PASSWORD).status_code == 302
    finally:
        with workers[0].app_context():
            limiter.reset()
    assert connection.keys("*LIMITER/*") == []


def test_sign_in_works_where_rate_limiting_is_switched_off(app, browser, monkeypatch):
    """An operator (or a benchmark) may switch limits off: sign-in must still work."""
    create_user("anna@example.org")
    # As in a process whose only app has limits off: the limiter has no storage at all.
    # (Not a second app: Flask-Limiter's init_app would switch off the shared limiter.)
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", False)
    monkeypatch.setitem(app.extensions, "limiter_backend", (None, None))
    monkeypatch.setattr(limiter, "enabled", False)
    assert browser.login("anna@example.org", WRONG).status_code == 200
    assert browser.login("anna@example.org", PASSWORD).status_code == 302
