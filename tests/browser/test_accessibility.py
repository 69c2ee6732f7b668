"""axe-core (WCAG 2.0/2.1 A and AA) on every page at phone size, and no sideways scrolling."""

import pytest

from tests.browser.helpers import log_in
from tests.factories import create_comment, create_idea, create_user

Axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe
expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

# WCAG 2.0/2.1 A and AA (BITV 2.0 / EN 301 549), plus 2.2 AA for target size on touch screens.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PUBLIC_PAGES = [
    "/",
    "/ideas",
    "/vision",
    "/process",
    "/fields",
    "/fields/mobilitaet",
    "/municipalities",
    "/municipalities/rheine",
    "/municipalities/kreisweit",
    "/impressum",
    "/datenschutz",
    "/barrierefreiheit",
    "/leichte-sprache",
    "/login",
    "/register",
    "/password/forgot",
    "/gibt-es-nicht",
]
ACCOUNT_PAGES = ["/account", "/account/profile", "/account/password"]
# Pages that redirect a logged-in person elsewhere; axe then checks where they land.
REDIRECTS_WHEN_LOGGED_IN = {"/login": "/account", "/register": "/account"}

_axe = Axe()


def assert_no_violations(page) -> None:
    results = _axe.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "resultTypes": ["violations"],
        },
    )
    violations = results.response["violations"]
    lines = [
        f"{v['id']} ({v['impact']}): {v['help']} → "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"])
        for v in violations
    ]
    assert not violations, f"axe auf {page.url}:\n" + "\n".join(lines)


def open_page(page, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None
    expected = 404 if path == "/gibt-es-nicht" else status
    assert response.status == expected, f"{path}: HTTP {response.status}"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_logged_out(phone, path):
    open_page(phone, path)
    assert_no_violations(phone)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_logged_in(phone, path):
    log_in(phone, create_user().email)
    open_page(phone, path)
    if path in REDIRECTS_WHEN_LOGGED_IN:
        assert phone.url.endswith(REDIRECTS_WHEN_LOGGED_IN[path])
    assert_no_violations(phone)


@pytest.mark.parametrize("path", ACCOUNT_PAGES)
def test_account_page(phone, path):
    log_in(phone, create_user(municipality="rheine").email)
    open_page(phone, path)
    assert_no_violations(phone)


def test_unconfirmed_account_page(phone):
    log_in(phone, create_user(confirmed=False).email)
    expect(phone.get_by_role("button", name="Bestätigungslink erneut senden")).to_be_visible()
    assert_no_violations(phone)


IDEA_PAGES = {
    "liste": ("/ideas", False),
    "idee-abgemeldet": ("/ideas/{id}", False),
    "idee-angemeldet": ("/ideas/{id}", True),
    "idee-einreichen": ("/ideas/new", True),
}


@pytest.mark.parametrize("name", IDEA_PAGES)
def test_idea_pages_with_content(phone, name):
    path, logged_in = IDEA_PAGES[name]
    idea = create_idea(title="Mitfahrbänke in allen Ortsteilen", supports=2)
    create_idea(field="verwaltung", municipality="kreisweit")
    comment = create_comment(idea, body="Gute Idee, auch für ältere Menschen.")
    create_comment(idea, body="Und für Jugendliche am Abend.", parent=comment)
    if logged_in:
        log_in(phone, create_user().email)
    open_page(phone, path.format(id=idea.id))
    assert_no_violations(phone)


def _register_with_errors(page):
    page.goto("/register")
    page.get_by_label("Verein oder Verband").check()
    page.get_by_label("E-Mail").fill("kein-at-zeichen")
    page.get_by_label("Passwort", exact=True).fill("kurz")
    page.locator("main").get_by_role("button", name="Registrieren").click()


def _login_with_errors(page):
    page.goto("/login")
    page.get_by_label("E-Mail").fill("niemand@example.org")
    page.get_by_label("Passwort", exact=True).fill("falsch")
    page.locator("main").get_by_role("button", name="Anmelden").click()


def _forgot_with_errors(page):
    page.goto("/password/forgot")
    page.get_by_role("button", name="Link anfordern").click()


def _profile_with_errors(page):
    log_in(page, create_user().email)
    page.goto("/account/profile")
    page.get_by_label("Unternehmen").check()
    page.get_by_label("Anzeigename").fill("")
    page.get_by_role("button", name="Speichern").click()


def _password_with_errors(page):
    log_in(page, create_user().email)
    page.goto("/account/password")
    page.get_by_label("Aktuelles Passwort").fill("falsch")
    page.get_by_label("Passwort", exact=True).fill("kurz")
    page.get_by_role("button", name="Passwort speichern").click()


FORMS_WITH_ERRORS = {
    "register": _register_with_errors,
    "login": _login_with_errors,
    "password-forgot": _forgot_with_errors,
    "account-profile": _profile_with_errors,
    "account-password": _password_with_errors,
}


def submit_with_errors(page, form: str) -> None:
    """Fill in and send the form wrongly, then wait for the page with the errors."""
    FORMS_WITH_ERRORS[form](page)
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator(".field-error").first).to_be_visible()


@pytest.mark.parametrize("form", FORMS_WITH_ERRORS)
def test_form_with_errors(phone, form):
    submit_with_errors(phone, form)
    assert_no_violations(phone)


REFLOW_PAGES = ["/", "/process", "/municipalities", "/register", "/leichte-sprache"]


@pytest.mark.parametrize("width", [320, 360])
def test_no_sideways_scrolling(new_phone, width):
    """WCAG 1.4.10: nothing may need horizontal scrolling on a narrow phone."""
    page = new_phone(width=width)
    too_wide = {}

    def measure(label: str) -> None:
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            too_wide[label] = scroll_width

    for path in REFLOW_PAGES:
        page.goto(path)
        measure(path)
    submit_with_errors(page, "register")  # messages and the summary are wider than labels
    measure("/register mit Fehlern")
    log_in(page, create_user(display_name="Maximiliane Mustermann-Überlänge").email)
    measure("/account")
    page.goto("/account/profile")
    measure("/account/profile")
    assert not too_wide, f"Seiten scrollen bei {width} px seitwärts: {too_wide}"
