"""/admin/accounts/<id>: the administration sees whether a person has a second factor and
resets it (a lost phone, no recovery codes left), with its own password and code."""

import pytest
from sqlalchemy import select

from participation.accounts.second_factor import recovery
from participation.accounts.second_factor.models import RecoveryCode
from participation.extensions import db
from participation.roles import RoleAssignment
from tests.factories import PASSWORD, count_rows, create_user, find_user, outbox, wrong_code
from tests.helpers import audit, field_error, html_of, main_of

SUBJECT = "Ihre Zwei-Faktor-Anmeldung wurde zurückgesetzt"


def reset_url(person) -> str:
    return f"/admin/accounts/{person.id}/second-factor"


def reset(browser, person, **fields):
    """The reset form on the account page; its fields carry the prefix "reset-"."""
    data = {f"reset-{name}": value for name, value in {**browser.identity(), **fields}.items()}
    return browser.submit(reset_url(person), data, form_page=f"/admin/accounts/{person.id}")


@pytest.fixture
def moderator():
    person = create_user(display_name="Mona Moderation", roles=("moderator",))
    db.session.add_all(
        RecoveryCode(user_id=person.id, code_hash=recovery.code_hash(c))
        for c in ("A" * 10, "B" * 10)
    )
    db.session.commit()
    return person


def test_the_account_page_says_whether_a_person_has_a_second_factor(as_user, moderator):
    browser = as_user(create_user(roles=("admin",)))
    page = main_of(browser.get(f"/admin/accounts/{moderator.id}"))
    assert "Zwei-Faktor-Anmeldung:</strong> aktiv seit" in page
    assert "Zweiten Faktor zurücksetzen" in page and 'id="reset-code"' in page
    resident = create_user(display_name="Rita Resident")
    page = main_of(browser.get(f"/admin/accounts/{resident.id}"))
    assert "Zwei-Faktor-Anmeldung:</strong> nicht eingerichtet" in page
    assert "Zweiten Faktor zurücksetzen" not in page
    staff_without = create_user(roles=("team",), second_factor=False)
    page = main_of(browser.get(f"/admin/accounts/{staff_without.id}"))
    assert "nicht eingerichtet – für die Rolle vorgeschrieben" in page


def test_a_reset_removes_secret_and_codes_logs_it_mails_the_person(as_user, moderator):
    admin = create_user(roles=("admin",))
    browser = as_user(admin)
    mona = as_user(moderator)
    assert mona.get("/moderation").status_code == 200

    response = reset(browser, moderator)
    assert response.status_code == 302
    assert "ist zurückgesetzt" in html_of(browser.get(response.headers["Location"]))
    person = find_user(moderator.email)
    assert person.totp_secret is None and person.second_factor_at is None
    assert person.totp_last_step is None
    assert count_rows(RecoveryCode) == 0
    [entry] = audit("user.second_factor_reset")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (admin.id, "users", person.id)
    [mail] = outbox(moderator.email)
    assert mail.subject == SUBJECT and "/account/zwei-faktor" in mail.body
    assert "neu einzurichten" in mail.body  # a moderator must set it up again
    # Sessions that proved the old factor end; signing in needs the password only now,
    # and the role waits for a new setup.
    assert mona.get("/moderation").headers["Location"].startswith("/login")
    again = as_user(moderator)
    assert again.get("/moderation").headers["Location"] == "/account/zwei-faktor?next=/moderation"


def test_the_reset_needs_the_admins_password_and_code(as_user, moderator):
    browser = as_user(create_user(roles=("admin",)))
    response = reset(browser, moderator, password="falsch")
    assert field_error(html_of(response), "reset-password").startswith(
        "Das Passwort ist nicht richtig"
    )
    response = reset(browser, moderator, code=wrong_code())
    assert field_error(html_of(response), "reset-code") == (
        "Der Code ist nicht richtig oder wurde schon benutzt."
    )
    data = {"reset-password": PASSWORD}  # no code
    response = browser.submit(reset_url(moderator), data, form_page="/account")
    assert field_error(html_of(response), "reset-code").startswith("Bitte geben Sie den Code")
    assert find_user(moderator.email).second_factor_at is not None
    assert count_rows(RecoveryCode) == 2
    assert audit("user.second_factor_reset") == [] and outbox() == []


@pytest.mark.parametrize("roles", [(), ("moderator",), ("team",), ("committee",)])
def test_nobody_but_the_administration_resets(as_user, moderator, roles):
    browser = as_user(create_user(roles=roles))
    data = {"reset-password": PASSWORD, "reset-code": "123456"}
    response = browser.submit(reset_url(moderator), data, form_page="/account")
    assert response.status_code == 403
    assert find_user(moderator.email).second_factor_at is not None
    assert audit("user.second_factor_reset") == [] and outbox() == []


@pytest.mark.parametrize("user_id", ["999999", "0", str(2**31), "-1", "1e3"])
def test_hostile_ids_find_nobody(as_user, user_id):
    browser = as_user(create_user(roles=("admin",)))
    url = f"/admin/accounts/{user_id}/second-factor"
    response = browser.submit(url, {"reset-password": PASSWORD}, form_page="/account")
    assert response.status_code == 404


def test_a_person_without_a_second_factor_has_nothing_to_reset(as_user):
    browser = as_user(create_user(roles=("admin",)))
    resident = create_user()
    response = reset(browser, resident)
    assert response.status_code == 302
    page = html_of(browser.get(response.headers["Location"]))
    assert "Diese Person hat keine Zwei-Faktor-Anmeldung eingerichtet." in page
    assert audit("user.second_factor_reset") == [] and outbox() == []


def test_role_changes_need_the_admins_code_too(as_user):
    browser = as_user(create_user(roles=("admin",)))
    person = create_user()
    page = html_of(browser.get(f"/admin/accounts/{person.id}"))
    assert 'id="code"' in page  # the grant form's identity check
    response = browser.submit(
        f"/admin/accounts/{person.id}", {"role": "team", "password": PASSWORD, "code": wrong_code()}
    )
    assert field_error(html_of(response), "code") == (
        "Der Code ist nicht richtig oder wurde schon benutzt."
    )
    db.session.expire_all()
    assert (
        db.session.scalars(select(RoleAssignment).where(RoleAssignment.user_id == person.id)).all()
        == []
    )
