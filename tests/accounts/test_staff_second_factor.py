"""Staff need the second factor before any of their roles works: every staff page sends a
person with a role but without a second factor to the setup, and back afterwards.

The routes come from the app's URL map: a new blueprint fails
`test_every_blueprint_is_classified` until it is named staff or open below, and every
route of a staff blueprint is then walked, GET and POST.
"""

import re

import pyotp
import pytest
from sqlalchemy import func, select
from werkzeug.routing.converters import AnyConverter, NumberConverter

from participation.accounts.second_factor import totp
from participation.extensions import db
from tests.accounts.test_second_factor import post_setup
from tests.factories import PASSWORD, create_idea, create_user, find_user
from tests.helpers import html_of

STAFF_BLUEPRINTS = {"moderation", "rating", "projects", "pipeline_reports", "admin"}
OPEN_BLUEPRINTS = {
    "strategy",
    "pages",
    "accounts",
    "sessions",
    "second_factor",
    "ideas",
    "photos",  # photo files, each behind its idea's own check
    "reports",  # anyone signed in reports an idea or a comment to the moderation
    "roadmap",
    "sharing",  # preview images of public ideas and projects
    "privacy",
    "notifications",  # a signed-in person's own inbox and preferences; stop links by token
    "notification_links",  # stop links of mails sent before the notification centre (410)
    "health",
    "observability",  # /metrics: by network address, not by account
}
ALL_ROLES = ("admin", "moderator", "committee", "team")
SETUP = "/account/zwei-faktor"
NOTICE = "Für Ihre Rolle ist die Zwei-Faktor-Anmeldung vorgeschrieben."


def blueprint_of(rule) -> str:
    return rule.endpoint.split(".", 1)[0] if "." in rule.endpoint else ""


def path_of(rule) -> str:
    """The rule with a value for each part: guards run before any object is loaded."""
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = 1 if isinstance(converter, NumberConverter) else "x"
    return rule.build(values, append_unknown=False)[1]


def routes(app, blueprints) -> list[tuple[str, str, str]]:
    return sorted(
        (path_of(rule), method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if blueprint_of(rule) in blueprints
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


def row_counts() -> dict[str, int]:
    db.session.expire_all()
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_every_blueprint_is_classified(app):
    found = {blueprint_of(rule) for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    unclassified = found - STAFF_BLUEPRINTS - OPEN_BLUEPRINTS
    assert not unclassified, f"staff or open? {sorted(unclassified)}"


def test_staff_without_a_second_factor_are_sent_to_the_setup_from_every_staff_page(app, as_user):
    create_idea()
    browser = as_user(create_user(roles=ALL_ROLES, second_factor=False))
    before = row_counts()
    staff_routes = routes(app, STAFF_BLUEPRINTS)
    assert len(staff_routes) > 40
    for path, method, endpoint in staff_routes:
        if method == "GET":
            response = browser.get(path)
            expected = f"{SETUP}?next={path}"
        else:
            response = browser.submit(path, {"password": PASSWORD}, form_page="/account")
            expected = SETUP
        assert response.status_code == 302, (endpoint, method, response.status_code)
        assert response.headers["Location"] == expected, (endpoint, method)
    assert row_counts() == before  # no POST changed anything
    assert NOTICE in html_of(browser.get(SETUP))


def test_with_the_second_factor_the_same_pages_open(app, as_user):
    """The redirect above is the missing second factor's, not some other guard's."""
    create_idea()
    browser = as_user(create_user(roles=ALL_ROLES))
    for path, method, endpoint in routes(app, STAFF_BLUEPRINTS):
        if method == "GET":
            response = browser.get(path)
            location = response.headers.get("Location", "")
            assert not location.startswith(SETUP), endpoint
            assert response.status_code != 403, endpoint


def test_open_pages_treat_staff_without_a_second_factor_like_residents(app, as_user):
    """Outside the staff areas nothing differs from a resident's view, and where a
    resident is refused (a staff action on a shared page), staff go to the setup."""
    create_idea()
    resident = as_user(create_user())
    staff = as_user(create_user(roles=ALL_ROLES, second_factor=False))
    for path, method, endpoint in routes(app, OPEN_BLUEPRINTS):
        if method != "GET":
            continue  # signing out, deleting: POSTs here would end the walk
        as_resident, as_staff = resident.get(path), staff.get(path)
        if as_resident.status_code == 403:
            assert as_staff.headers["Location"].startswith(SETUP), endpoint
        else:
            assert as_staff.status_code == as_resident.status_code, endpoint


def test_setting_it_up_leads_back_to_the_page_the_person_wanted(as_user):
    moderator = create_user(roles=("moderator",), second_factor=False)
    browser = as_user(moderator)
    assert "Zwei-Faktor-Anmeldung einrichten" in html_of(browser.get("/account"))
    assert 'href="/moderation"' not in html_of(browser.get("/account"))  # the role waits

    sent = browser.get("/moderation/log")
    setup_url = sent.headers["Location"]
    assert setup_url == f"{SETUP}?next=/moderation/log"
    page = html_of(browser.get(setup_url))
    assert NOTICE in page
    secret = re.search(r'<code id="secret">([^<]+)</code>', page).group(1).replace(" ", "")
    code = pyotp.TOTP(secret).at(totp.current_step() * totp.INTERVAL)
    done = post_setup(browser, {"app_code": code, "password": PASSWORD}, setup_url)
    assert done.status_code == 200
    assert 'href="/moderation/log"' in html_of(done)  # "weiter" goes back there
    assert browser.get("/moderation/log").status_code == 200
    assert find_user(moderator.email).second_factor_at is not None


@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_alone_waits_for_the_second_factor(as_user, role):
    page = {"admin": "/admin/accounts", "moderator": "/moderation", "committee": "/pipeline"}
    browser = as_user(create_user(roles=(role,), second_factor=False))
    path = page.get(role, "/pipeline/projects/new")
    assert browser.get(path).headers["Location"] == f"{SETUP}?next={path}"


def test_staff_made_on_the_command_line_set_up_the_second_factor_first(runner, new_browser):
    password = "Kreishaus Steinfurt Zimmer vierzehn"
    result = runner.invoke(
        args=["users", "create", "chefin@example.org", "--role", "admin"], input=f"{password}\n"
    )
    assert result.exit_code == 0, result.output
    assert "Die Rolle wirkt erst mit Zwei-Faktor-Anmeldung" in result.output
    browser = new_browser()
    assert browser.login("chefin@example.org", password).headers["Location"] == "/account"
    assert browser.get("/admin/accounts").headers["Location"].startswith(SETUP)
