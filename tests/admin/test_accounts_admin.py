"""/admin: accounts and roles, role by role, through the pages an admin uses."""

import json

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.roles import RoleAssignment
from participation.timeutil import utcnow
from tests.admin.helpers import NOT_ADMIN_ROLES
from tests.factories import PASSWORD, count_rows, create_user, get_municipality, outbox
from tests.helpers import audit, field_error, fresh, html_of, main_of

WRONG = "Das Passwort ist nicht richtig. Es wurde nichts geändert."
LAST_ADMIN = "Dies ist das letzte handlungsfähige Administrationskonto"
ROLES = NOT_ADMIN_ROLES


@pytest.fixture
def person():
    return create_user(email="Maria.Muster@example.org", display_name="Maria Muster")


def admin_urls(person, assignment) -> list[tuple[str, str]]:
    base = f"/admin/accounts/{person.id}"
    return [
        ("GET", "/admin"),
        ("GET", "/admin/accounts"),
        ("GET", base),
        ("POST", base),
        ("GET", f"/admin/accounts/{assignment.user_id}/roles/{assignment.id}/revoke"),
        ("POST", f"/admin/accounts/{assignment.user_id}/roles/{assignment.id}/revoke"),
        ("POST", f"{base}/confirmation"),
    ]


def send(browser, method, url, data=None):
    if method == "GET":
        return browser.get(url)
    return browser.submit(url, {**browser.identity(), **(data or {})}, form_page="/account")


def roles_of(user) -> set[tuple[str, str | None]]:
    db.session.expire_all()
    rows = db.session.scalars(select(RoleAssignment).where(RoleAssignment.user_id == user.id))
    return {(r.role, r.municipality.slug if r.municipality else None) for r in rows}


def grant(browser, person, role, towns=(), password=PASSWORD):
    data = {"role": role, **browser.identity(password)}
    if towns:
        data["municipality_ids"] = [str(get_municipality(slug).id) for slug in towns]
    return browser.submit(f"/admin/accounts/{person.id}", data)


def revoke(browser, assignment, password=PASSWORD):
    url = f"/admin/accounts/{assignment.user_id}/roles/{assignment.id}/revoke"
    return browser.submit(url, browser.identity(password))


def assignment_of(user, role) -> RoleAssignment:
    db.session.expire_all()
    return db.session.scalar(
        select(RoleAssignment).where(RoleAssignment.user_id == user.id, RoleAssignment.role == role)
    )


# Who gets in --------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*ROLES, "blocked-admin"])
def test_only_admins_get_in_everyone_else_is_refused(as_user, person, role):
    staff = create_user(roles=("team",))
    assignment = assignment_of(staff, "team")
    if role == "blocked-admin":
        visitor = create_user(roles=("admin",))
        browser = as_user(visitor)
        visitor.blocked_at = utcnow()
        db.session.commit()
    else:
        browser = as_user(create_user(roles=ROLES[role]))
    for method, url in admin_urls(person, assignment):
        assert send(browser, method, url, {"role": "admin"}).status_code == 403, (role, url)
    assert roles_of(person) == set() and roles_of(staff) == {("team", None)}
    assert audit("role.grant") == [] and outbox() == []


def test_anonymous_people_are_sent_to_login(browser, person):
    staff = create_user(roles=("team",))
    for method, url in admin_urls(person, assignment_of(staff, "team")):
        response = send(browser, method, url) if method == "GET" else browser.client.post(url)
        if method == "GET":
            assert response.status_code == 302 and "/login" in response.headers["Location"], url
        else:
            assert response.status_code in (302, 400), url  # no CSRF token without a session
    assert roles_of(staff) == {("team", None)}


def test_an_admin_opens_every_page_and_sees_the_link_in_the_navigation(as_user, person):
    browser = as_user(create_user(roles=("admin",)))
    staff = create_user(roles=("team",))
    for method, url in admin_urls(person, assignment_of(staff, "team")):
        if method == "GET":
            assert browser.get(url).status_code in (200, 302), url
    assert browser.get("/admin").headers["Location"].endswith("/admin/accounts")
    assert 'href="/admin/accounts"' in html_of(browser.get("/account"))
    moderator = as_user(create_user(roles=("moderator",)))
    assert 'href="/admin/accounts"' not in html_of(moderator.get("/account"))


# The list -----------------------------------------------------------------------------


def test_search_by_name_and_by_part_of_the_email_finds_the_right_accounts(as_user, person):
    browser = as_user(create_user(roles=("admin",), display_name="Anna Admin"))
    create_user(email="k.lange@rheine.de", display_name="Karl Lange", roles=("moderator:rheine",))
    create_user(email="other@example.org", display_name="Otto 100%_")
    by_name = main_of(browser.get("/admin/accounts?q=maria"))
    assert "Maria Muster" in by_name and "Karl Lange" not in by_name and "Otto" not in by_name
    by_mail = main_of(browser.get("/admin/accounts?q=RHEINE.DE"))
    assert "Karl Lange" in by_mail and "Maria Muster" not in by_mail
    assert "Moderation (Rheine)" in by_mail and "aktiv" in by_mail
    assert "Otto" in main_of(browser.get("/admin/accounts?q=100%25_"))
    assert "Otto" not in main_of(browser.get("/admin/accounts?q=0_%25x"))  # % and _ are letters
    everyone = main_of(browser.get("/admin/accounts"))
    assert all(name in everyone for name in ("Maria Muster", "Karl Lange", "Anna Admin"))


def test_the_list_names_each_state(as_user):
    browser = as_user(create_user(roles=("admin",)))
    create_user(display_name="Ulla Unbestätigt", confirmed=False)
    blocked = create_user(display_name="Bernd Gesperrt")
    blocked.blocked_at = utcnow()
    gone = create_user(display_name="Gerd Gelöscht")
    gone.deleted_at = utcnow()
    db.session.commit()
    assert "unbestätigt" in main_of(browser.get("/admin/accounts?q=Ulla"))
    assert "gesperrt" in main_of(browser.get("/admin/accounts?q=Bernd"))
    assert "gelöscht" in main_of(browser.get("/admin/accounts?q=Gerd"))


# Granting -----------------------------------------------------------------------------


def test_granting_moderation_for_two_towns_makes_two_assignments(as_user, person):
    admin = create_user(roles=("admin",))
    browser = as_user(admin)
    response = grant(browser, person, "moderator", ("rheine", "greven"))
    assert response.status_code == 302
    assert roles_of(person) == {("moderator", "rheine"), ("moderator", "greven")}
    entries = audit("role.grant")
    assert [e.actor_id for e in entries] == [admin.id, admin.id]
    assert {json.loads(e.after)["municipality"] for e in entries} == {"rheine", "greven"}
    assert all(e.object_type == "users" and e.object_id == person.id for e in entries)
    assert all(e.municipality_id is None for e in entries)  # district staff read them
    page = main_of(browser.get(response.headers["Location"]))
    assert "Moderation – Rheine" in page and "Moderation – Greven" in page
    # The new moderator's first stop is the second factor the role requires.
    moderation = as_user(person).get("/moderation")
    assert moderation.status_code == 302
    assert moderation.headers["Location"].startswith("/account/zwei-faktor?next=/moderation")


def test_granting_again_changes_nothing(as_user, person):
    browser = as_user(create_user(roles=("admin",)))
    grant(browser, person, "team")
    assert grant(browser, person, "team").status_code == 302
    assert roles_of(person) == {("team", None)} and len(audit("role.grant")) == 1


def test_a_wrong_password_is_a_field_error_and_changes_nothing(as_user, person):
    browser = as_user(create_user(roles=("admin",)))
    response = grant(browser, person, "admin", password="falsch geraten")
    assert response.status_code == 200
    assert field_error(html_of(response), "password") == WRONG
    assert roles_of(person) == set() and audit("role.grant") == []


def test_towns_only_for_moderation(as_user, person):
    browser = as_user(create_user(roles=("admin",)))
    response = grant(browser, person, "team", ("rheine",))
    assert "Nur die Moderation" in field_error(html_of(response), "municipality_ids")
    assert roles_of(person) == set()


# Revoking -----------------------------------------------------------------------------


def test_revoking_ends_the_session_and_moderation_is_refused_at_once(as_user):
    moderator = create_user(roles=("moderator:rheine",))
    their_browser = as_user(moderator)
    assert their_browser.get("/moderation").status_code == 200
    browser = as_user(create_user(roles=("admin",)))
    assignment = assignment_of(moderator, "moderator")
    confirm = browser.get(f"/admin/accounts/{moderator.id}/roles/{assignment.id}/revoke")
    assert "Rheine" in main_of(confirm)
    assert revoke(browser, assignment).status_code == 302
    assert roles_of(moderator) == set()
    assert json.loads(audit("role.revoke")[0].before) == {
        "role": "moderator",
        "municipality": "rheine",
    }
    response = their_browser.get("/moderation")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert as_user(moderator).get("/moderation").status_code == 403


def test_revoking_with_a_wrong_password_changes_nothing(as_user):
    team = create_user(roles=("team",))
    browser = as_user(create_user(roles=("admin",)))
    response = revoke(browser, assignment_of(team, "team"), password="falsch")
    assert field_error(html_of(response), "password") == WRONG
    assert roles_of(team) == {("team", None)} and audit("role.revoke") == []


def test_the_last_admin_cannot_revoke_their_own_admin_role(as_user):
    admin = create_user(roles=("admin",))
    browser = as_user(admin)
    response = revoke(browser, assignment_of(admin, "admin"))
    assert response.status_code == 200 and LAST_ADMIN in main_of(response)
    assert roles_of(admin) == {("admin", None)} and audit("role.revoke") == []
    assert browser.get("/admin/accounts").status_code == 200  # still signed in


def test_a_blocked_admin_does_not_count_as_a_second_admin(as_user):
    admin = create_user(roles=("admin",))
    blocked = create_user(roles=("admin",))
    blocked.blocked_at = utcnow()
    db.session.commit()
    response = revoke(as_user(admin), assignment_of(admin, "admin"))
    assert LAST_ADMIN in main_of(response) and roles_of(admin) == {("admin", None)}


def test_a_second_admin_can_be_revoked_and_so_can_oneself_with_another_admin(as_user):
    first, second = create_user(roles=("admin",)), create_user(roles=("admin",))
    browser = as_user(first)
    assert revoke(browser, assignment_of(second, "admin")).status_code == 302
    assert roles_of(second) == set()
    assert as_user(second).get("/admin/accounts").status_code == 403
    third = create_user(roles=("admin",))
    assert revoke(as_user(third), assignment_of(third, "admin")).status_code == 302
    assert roles_of(third) == set() and roles_of(first) == {("admin", None)}


# Reminding ----------------------------------------------------------------------------


def test_resending_the_confirmation_queues_a_mail(as_user):
    late = create_user(email="spaet@example.org", confirmed=False)
    browser = as_user(create_user(roles=("admin",)))
    assert "Bestätigungslink erneut senden" in main_of(browser.get(f"/admin/accounts/{late.id}"))
    response = browser.submit(f"/admin/accounts/{late.id}/confirmation", {})
    assert response.status_code == 302
    mails = outbox("spaet@example.org")
    assert len(mails) == 1 and "/confirm/" in mails[0].body
    assert audit("user.resend_confirmation")[0].object_id == late.id
    confirmed = create_user()
    assert "erneut senden" not in main_of(browser.get(f"/admin/accounts/{confirmed.id}"))
    browser.submit(f"/admin/accounts/{confirmed.id}/confirmation", {})
    assert outbox(confirmed.email) == [] and fresh(confirmed).is_confirmed


# Hostile ids --------------------------------------------------------------------------


def test_unknown_or_foreign_ids_are_not_found(as_user, person):
    browser = as_user(create_user(roles=("admin",)))
    team = create_user(roles=("team",))
    assignment = assignment_of(team, "team")
    for url in (
        "/admin/accounts/999999",
        f"/admin/accounts/{2**31}",
        f"/admin/accounts/{person.id}/roles/{assignment.id}/revoke",  # someone else's role
        f"/admin/accounts/{team.id}/roles/999999/revoke",
    ):
        assert browser.get(url).status_code == 404, url
    url = f"/admin/accounts/{person.id}/roles/{assignment.id}/revoke"
    assert browser.submit(url, browser.identity(), form_page="/account").status_code == 404
    assert roles_of(team) == {("team", None)} and count_rows(RoleAssignment) == 2
