"""axe-core (WCAG 2.0/2.1 A and AA) on every page at phone size, and no sideways scrolling."""

from datetime import timedelta

import pytest

from participation.accounts.sessions import record_sign_in
from participation.accounts.tokens import EMAIL_CHANGE, make_token
from participation.extensions import db
from participation.ideas.services import add_comment
from participation.moderation import decisions
from participation.moderation.services import file_report
from participation.rating.services import rate_idea
from participation.timeutil import utcnow
from tests.browser.helpers import log_in, seed_reason_templates
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
    "/barrierefreiheit/melden",
    "/leichte-sprache",
    "/login",
    "/register",
    "/password/forgot",
    "/gibt-es-nicht",
]
ACCOUNT_PAGES = [
    "/account",
    "/account/profile",
    "/account/password",
    "/account/email",
    "/account/sessions",
    "/account/delete",
]
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


def test_blocked_account_pages(phone):
    """The block explained where a blocked person meets it: the account and a refused form."""
    person = create_user()
    idea = create_idea(person, state="pending")
    person.blocked_at = utcnow()
    person.blocked_until = utcnow() + timedelta(days=7)
    person.blocked_reason = "Wiederholt beleidigende Kommentare"
    db.session.commit()
    log_in(phone, person.email)
    open_page(phone, "/account")
    expect(phone.get_by_text("Ihr Konto ist gesperrt", exact=False).first).to_be_visible()
    assert_no_violations(phone)
    open_page(phone, f"/ideas/{idea.id}/edit", status=403)
    expect(phone.get_by_role("heading", name="Ihr Konto ist gesperrt")).to_be_visible()
    expect(phone.get_by_text("Wiederholt beleidigende Kommentare")).to_be_visible()
    assert_no_violations(phone)


def _idea_with_discussion():
    """A published idea with supports, a comment and a reply, next to two others."""
    idea = create_idea(title="Mitfahrbänke in allen Ortsteilen", supports=2)
    create_idea(field="verwaltung", municipality="kreisweit")
    create_idea(title="Ein Titel mit Donaudampfschifffahrtsgesellschaftskapitänsmütze")
    comment = create_comment(idea, body="Gute Idee, auch für ältere Menschen.")
    create_comment(idea, body="Und für Jugendliche am Abend.", parent=comment)
    return idea


def _idea_list(page):
    _idea_with_discussion()
    page.goto("/ideas")


def _idea_search_without_result(page):
    _idea_with_discussion()
    page.goto("/ideas?q=nichtvorhanden")
    expect(page.locator(".empty")).to_be_visible()


def _idea_logged_out(page):
    page.goto(f"/ideas/{_idea_with_discussion().id}")


def _idea_logged_in(page):
    idea = _idea_with_discussion()
    log_in(page, create_user().email)
    page.goto(f"/ideas/{idea.id}")
    page.locator("details.reply summary").first.click()  # the reply form, opened


def _idea_new(page):
    create_idea(title="Mitfahrbänke in allen Ortsteilen")
    log_in(page, create_user().email)
    page.goto("/ideas/new")
    page.get_by_label("Titel").fill("Mitfahrbänke für Ochtrup")
    expect(page.locator("#similar-ideas .similar")).to_be_visible()  # the live hint


def _idea_preview(page):
    create_idea(title="Mitfahrbänke in allen Ortsteilen")
    log_in(page, create_user().email)
    page.goto("/ideas/new")
    page.get_by_label("Titel").fill("Mitfahrbänke für Ochtrup")
    page.get_by_label("Beschreibung").fill("Mitfahrbänke an den Ortsausgängen, **gut sichtbar**.")
    page.get_by_label("Handlungsfeld").select_option(label="Mobilität")
    page.get_by_label("Kommune").select_option(label="Ochtrup")
    page.get_by_role("button", name="Weiter zur Vorschau").click()
    expect(page.locator(".similar")).to_be_visible()


def _own_idea(page, state: str):
    author = create_user()
    idea = create_idea(author, state=state)
    log_in(page, author.email)
    page.goto(f"/ideas/{idea.id}")


def _idea_hidden(page):
    idea = create_idea(state="hidden")
    idea.reason_category = "Werbung"
    db.session.commit()
    page.goto(f"/ideas/{idea.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Von der Moderation ausgeblendet")


def _comment_edit(page):
    author = create_user()
    comment = create_comment(create_idea(), author, body="Ein Kommentar mit Tippfeler.")
    log_in(page, author.email)
    page.goto(f"/comments/{comment.id}/edit")


def _withdraw_question(page):
    _own_idea(page, "pending")
    page.locator(".author-actions").get_by_role("link", name="Zurückziehen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Idee zurückziehen?")


def _comment_delete_question(page):
    author = create_user()
    comment = create_comment(create_idea(), author, body="Ein Gedanke, den ich zurücknehme.")
    log_in(page, author.email)
    page.goto(f"/comments/{comment.id}/delete")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kommentar löschen?")


def _comment_report(page):
    comment = create_comment(create_idea(), body="Ein Kommentar, der gemeldet wird.")
    log_in(page, create_user().email)
    page.goto(f"/comments/{comment.id}/report")


def _account_with_ideas(page):
    author = create_user(municipality="rheine")
    for state in ("pending", "published", "rejected", "withdrawn"):
        create_idea(author, state=state)
    log_in(page, author.email)
    page.goto("/account")


IDEA_PAGES = {
    "liste": _idea_list,
    "liste-ohne-treffer": _idea_search_without_result,
    "idee-abgemeldet": _idea_logged_out,
    "idee-angemeldet": _idea_logged_in,
    "idee-einreichen": _idea_new,
    "idee-vorschau": _idea_preview,
    "idee-autor-wartend": lambda page: _own_idea(page, "pending"),
    "idee-autor-abgelehnt": lambda page: _own_idea(page, "rejected"),
    "idee-ausgeblendet": _idea_hidden,
    "idee-zurueckziehen": _withdraw_question,
    "kommentar-bearbeiten": _comment_edit,
    "kommentar-loeschen": _comment_delete_question,
    "kommentar-melden": _comment_report,
    "konto-mit-ideen": _account_with_ideas,
}


@pytest.mark.parametrize("name", IDEA_PAGES)
def test_idea_pages_with_content(phone, name):
    IDEA_PAGES[name](phone)
    assert_no_violations(phone)


def _moderator(page, roles=("moderator",)):
    user = create_user(display_name="Mona Moderatorin", roles=roles)
    log_in(page, user.email)
    return user


def _full_queue(app):
    """What waits: pending ideas, a pending comment (pre-moderated), reported ideas and comments."""
    create_idea(state="pending", title="Bücherschrank am Bahnhof")
    create_idea(state="pending", municipality="kreisweit", field="verwaltung")
    published = create_idea(title="Mitfahrbänke in allen Ortsteilen")
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(app.config, "COMMENTS_PREMODERATED", True)
        add_comment(create_user(), published, "Ein Kommentar, der auf Freigabe wartet.")
        db.session.commit()
    reported = create_comment(published, body="Kauft alle bei www.beispiel-shop.example!")
    for reason in ("spam", "insult"):
        file_report(create_user(), reason=reason, comment=reported)
    file_report(create_user(), reason="personal_data", note="Telefonnummer", idea=published)
    db.session.commit()
    return published


def _queue_empty(page, app):
    _moderator(page)
    page.goto("/moderation")
    expect(page.locator(".empty")).to_be_visible()


def _queue_full(page, app):
    _full_queue(app)
    _moderator(page)
    page.goto("/moderation")
    expect(page.locator(".queue-item")).to_have_count(5)


def _moderation_idea(page, app):
    idea = _full_queue(app)
    create_comment(idea, state="hidden", body="Ausgeblendet.")
    _moderator(page)
    page.goto(f"/moderation/ideas/{idea.id}")


def _moderation_form(decision: str):
    def open_form(page, app):
        seed_reason_templates()
        idea = create_idea()
        _moderator(page)
        page.goto(f"/moderation/ideas/{idea.id}/{decision}")

    return open_form


def _block_form(page, app):
    seed_reason_templates()
    person = create_user(display_name="Sabine Störerin")
    _moderator(page)
    page.goto(f"/moderation/users/{person.id}/block")


def _decided_ideas() -> None:
    """Some decisions, so the log and the statistics have something to show."""
    moderator = create_user(display_name="Max Moderator", roles=("moderator",))
    first, second, third = (create_idea(state="pending") for _ in range(3))
    decisions.approve_idea(moderator, first)
    decisions.reject_idea(moderator, second, "Kein Bezug zum Kreis.", "Kein Bezug zum Kreis")
    decisions.correct_idea(moderator, third, third.title, "Ohne Telefonnummer.", "Nummer entfernt")
    db.session.commit()


def _log(page, app):
    _decided_ideas()
    _moderator(page)
    page.goto("/moderation/log")
    page.locator(".log-table details summary").first.click()  # before and after, opened


def _stats(page, app):
    _decided_ideas()
    _moderator(page, roles=("moderator:rheine",))
    page.goto("/moderation/stats")
    page.get_by_text("Tabelle: Entscheidungen pro Tag").click()


MODERATION_PAGES = {
    "warteschlange-leer": _queue_empty,
    "warteschlange-voll": _queue_full,
    "idee-pruefen": _moderation_idea,
    "ablehnen": _moderation_form("reject"),
    "ausblenden": _moderation_form("hide"),
    "korrigieren": _moderation_form("correct"),
    "sperren": _block_form,
    "protokoll": _log,
    "statistik": _stats,
}


@pytest.mark.parametrize("name", MODERATION_PAGES)
def test_moderation_page(phone, app, name):
    MODERATION_PAGES[name](phone, app)
    assert phone.locator("main .sub-nav, main form, main h1").count() > 0
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
    page.get_by_label("Neues Passwort", exact=True).fill("kurz")
    page.get_by_role("button", name="Passwort speichern").click()


def _email_with_errors(page):
    log_in(page, create_user().email)
    page.goto("/account/email")
    page.get_by_label("Neue E-Mail-Adresse").fill("keine-adresse")
    page.get_by_label("Ihr Passwort").fill("falsch")
    page.get_by_role("button", name="Link an die neue Adresse senden").click()


def _idea_with_errors(page):
    log_in(page, create_user().email)
    page.goto("/ideas/new")
    page.get_by_label("Titel").fill("Kurz")
    page.get_by_role("button", name="Weiter zur Vorschau").click()


def _report_with_errors(page):
    comment = create_comment(create_idea(), body="Ein Kommentar, der gemeldet wird.")
    log_in(page, create_user().email)
    page.goto(f"/comments/{comment.id}/report")
    page.get_by_role("button", name="Melden", exact=True).click()


def _barrier_report_with_errors(page):
    page.goto("/barrierefreiheit/melden")
    page.get_by_label("E-Mail").fill("kein-at-zeichen")
    page.get_by_role("button", name="Meldung senden").click()


def _reject_with_errors(page):
    seed_reason_templates()
    idea = create_idea(state="pending")
    log_in(page, create_user(roles=("moderator:rheine",)).email)
    page.goto(f"/moderation/ideas/{idea.id}/reject")
    page.locator("main").get_by_role("button", name="Ablehnen").click()


FORMS_WITH_ERRORS = {
    "register": _register_with_errors,
    "login": _login_with_errors,
    "password-forgot": _forgot_with_errors,
    "account-profile": _profile_with_errors,
    "account-password": _password_with_errors,
    "account-email": _email_with_errors,
    "idee-einreichen": _idea_with_errors,
    "melden": _report_with_errors,
    "barriere-melden": _barrier_report_with_errors,
    "moderation-ablehnen": _reject_with_errors,
}


def submit_with_errors(page, form: str) -> None:
    """Fill in and send the form wrongly, then wait for the page with the errors."""
    FORMS_WITH_ERRORS[form](page)
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator(".field-error").first).to_be_visible()


def test_devices_and_a_new_address(phone):
    """The list of devices with another one to sign out, and the page a new address's
    link opens."""
    person = create_user()
    record_sign_in(person, "ein-anderes-geraet", True, "Mozilla/5.0 (iPhone) Safari/604.1")
    db.session.commit()
    log_in(phone, person.email)
    open_page(phone, "/account/sessions")
    expect(phone.get_by_role("button", name="Gerät abmelden: Safari auf iPhone")).to_be_visible()
    assert_no_violations(phone)
    token = make_token(EMAIL_CHANGE, person, e="neu@example.org")
    open_page(phone, f"/account/email/confirm/{token}")
    expect(phone.get_by_role("button", name="E-Mail-Adresse ändern")).to_be_visible()
    assert_no_violations(phone)


@pytest.mark.parametrize("form", FORMS_WITH_ERRORS)
def test_form_with_errors(phone, form):
    submit_with_errors(phone, form)
    assert_no_violations(phone)


def test_barrier_report_from_the_footer_and_its_thanks(phone):
    """The form, opened from a page's footer with that page filled in, and the thank-you page."""
    open_page(phone, "/ideas")
    phone.locator("footer").get_by_role("link", name="Barriere melden").click()
    expect(phone.get_by_label("Wo ist die Barriere?")).to_have_value("/ideas")
    assert_no_violations(phone)
    phone.get_by_label("Beschreibung").fill(
        "Die Filter lassen sich mit dem Screenreader nicht öffnen."
    )
    phone.get_by_role("button", name="Meldung senden").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Danke für Ihre Meldung")
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


@pytest.mark.parametrize("width", [320, 360])
def test_no_sideways_scrolling_ideas_and_moderation(new_phone, app, width):
    """Long German compounds in titles and names must wrap, not widen lists, cards or tables."""
    long_word = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen"
    author = create_user(display_name="Maximiliane Mustermann-Überlänge-Westerkappeln")
    idea = create_idea(author, title=f"Ein {long_word} für Westerkappeln", supports=1)
    create_comment(idea, author, body=f"Ein Kommentar mit {long_word}.")
    file_report(create_user(), reason="spam", idea=idea)  # and so in the queue
    db.session.commit()
    _full_queue(app)
    _decided_ideas()
    page = new_phone(width=width)
    too_wide = {}

    def visit(path: str) -> None:
        page.goto(path)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            too_wide[path] = scroll_width

    log_in(page, create_user(display_name="Mona Moderatorin", roles=("moderator",)).email)
    for path in (
        "/ideas",
        f"/ideas?q={long_word}",
        f"/ideas/{idea.id}",
        "/ideas/new",
        "/account",
        "/moderation",
        f"/moderation/ideas/{idea.id}",
        f"/moderation/ideas/{idea.id}/hide",
        "/moderation/log",
        "/moderation/stats",
    ):
        visit(path)
    assert not too_wide, f"Seiten scrollen bei {width} px seitwärts: {too_wide}"


def _pipeline_member(page):
    """A committee member, logged in, and ideas of which some are rated (by others and by them)."""
    member = create_user(display_name="Klara Komitee", roles=("committee",))
    colleague = create_user(display_name="Tim Team", roles=("team",))
    rated = create_idea(title="Mitfahrbänke in allen Ortsteilen", supports=3)
    create_comment(rated, body="Gute Idee.")
    also_rated = create_idea(field="verwaltung", municipality="kreisweit", supports=1)
    create_idea(title="Ein Titel mit Donaudampfschifffahrtsgesellschaftskapitänsmütze")
    rate_idea(member, rated, 5, 2, "Passt zum Leitprojekt Mobilität.")
    rate_idea(colleague, rated, 3, 4, "")
    rate_idea(colleague, also_rated, 1, 5, "Schon vorhanden.")
    db.session.commit()
    log_in(page, member.email)
    return rated, also_rated


def _pipeline_overview(page):
    _pipeline_member(page)
    page.goto("/pipeline")
    expect(page.locator(".queue-item")).to_have_count(3)


def _pipeline_overview_unrated(page):
    _pipeline_member(page)
    page.goto("/pipeline?unrated=1&sort=relevance")
    expect(page.locator("details.filters")).to_have_attribute("open", "")
    expect(page.locator(".queue-item")).to_have_count(2)


def _pipeline_rate(page):
    _, also_rated = _pipeline_member(page)
    page.goto(f"/pipeline/ideas/{also_rated.id}/rate")
    expect(page.locator(".data-table")).to_be_visible()  # the colleague's rating


def _pipeline_rate_with_errors(page):
    _, also_rated = _pipeline_member(page)
    page.goto(f"/pipeline/ideas/{also_rated.id}/rate")
    page.get_by_label("4 – hoch").first.check()
    page.get_by_role("button", name="Bewertung speichern").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#feasibility-error")).to_be_visible()


PIPELINE_PAGES = {
    "bewerten-uebersicht": _pipeline_overview,
    "bewerten-uebersicht-unbewertet": _pipeline_overview_unrated,
    "bewerten-formular": _pipeline_rate,
    "bewerten-formular-fehler": _pipeline_rate_with_errors,
}


@pytest.mark.parametrize("name", PIPELINE_PAGES)
def test_pipeline_page(phone, name):
    PIPELINE_PAGES[name](phone)
    assert_no_violations(phone)


# Administration (/admin) -------------------------------------------------------------


def _admin_world(page) -> int:
    """An admin signed in, and a moderator for two towns who has not confirmed yet."""
    log_in(page, create_user(roles=("admin",), display_name="Anna Admin").email)
    person = create_user(
        display_name="Karl Lange", confirmed=False, roles=("moderator:rheine", "moderator:greven")
    )
    create_user(display_name="Bernd Gesperrt").blocked_at = utcnow()
    db.session.commit()
    return person.id


def _admin_list(page):
    _admin_world(page)
    open_page(page, "/admin/accounts?q=e")


def _admin_detail(page):
    open_page(page, f"/admin/accounts/{_admin_world(page)}")


def _admin_detail_with_errors(page):
    open_page(page, f"/admin/accounts/{_admin_world(page)}")
    grant = page.get_by_role("region", name="Rolle vergeben")  # beside "Zweiten Faktor …"
    grant.get_by_label("Rolle", exact=True).select_option("team")
    grant.get_by_label("Ihr Passwort").fill("falsch geraten")
    grant.get_by_role("button", name="Rolle vergeben").click()
    expect(page.locator("#error-summary")).to_be_visible()


def _admin_revoke(page):
    person_id = _admin_world(page)
    open_page(page, f"/admin/accounts/{person_id}")
    page.get_by_role("link", name="entziehen").first.click()
    expect(page.get_by_role("heading", name="Rolle entziehen")).to_be_visible()


def _texts(page):
    _admin_world(page)
    open_page(page, "/admin/texts")


def _text_edit_with_preview(page):
    _admin_world(page)
    open_page(page, "/admin/texts/datenschutz")
    page.get_by_label("Text", exact=True).fill(
        "## Verantwortlich\n\nKreis **Steinfurt**, [Kontakt](/impressum)\n\n- eins\n- zwei"
    )
    page.get_by_role("button", name="Vorschau").click()
    expect(page.get_by_role("heading", name="Vorschau – noch nicht gespeichert")).to_be_visible()


def _text_edit_with_errors(page):
    _admin_world(page)
    open_page(page, "/admin/texts/impressum")
    page.get_by_label("Überschrift").fill("")
    page.get_by_label("Text", exact=True).fill("")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#error-summary")).to_be_visible()


def _edited_impressum(page) -> None:
    """The impressum as shipped, then changed twice in the browser."""
    _admin_world(page)
    for phone in ("[Telefonnummer]", "02551 69-0"):
        open_page(page, "/admin/texts/impressum")
        page.get_by_label("Text", exact=True).fill(
            f"## Kontakt\n\nKreishaus Steinfurt\n\nTelefon der Zentrale: {phone}\n\nNeu"
        )
        page.get_by_role("button", name="Speichern").click()
        expect(page.locator(".flash-success")).to_be_visible()


def _text_history(page):
    _edited_impressum(page)
    open_page(page, "/admin/texts/impressum/versions")


def _text_version(page):
    _edited_impressum(page)
    open_page(page, "/admin/texts/impressum/versions")
    page.locator(".version-list a").nth(1).click()
    page.get_by_text("Ganzen Text dieser Fassung anzeigen").click()
    expect(page.get_by_role("button", name="Diese Fassung wiederherstellen")).to_be_visible()


def _text_version_changed_line(page):
    _edited_impressum(page)
    open_page(page, "/admin/texts/impressum/versions")
    page.locator(".version-list a").first.click()
    expect(page.locator(".diff-changed del")).to_be_visible()


def _public_page_for_the_administration(page):
    _admin_world(page)
    open_page(page, "/impressum")
    expect(page.get_by_role("link", name="Text bearbeiten")).to_be_visible()


def _admin_reasons(page):
    seed_reason_templates()
    _admin_world(page)
    open_page(page, "/admin/reasons")


def _admin_reasons_with_errors(page):
    _admin_reasons(page)
    page.get_by_label("Titel").fill("")
    page.get_by_role("button", name="Vorlage speichern").click()
    expect(page.locator("#error-summary")).to_be_visible()


def _admin_reason_edit(page):
    _admin_reasons(page)
    page.get_by_role("button", name="Deaktivieren (Doppelt)").click()
    page.get_by_role("link", name="Doppelt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vorlage bearbeiten")


ADMIN_PAGES = {
    "konten": _admin_list,
    "konto": _admin_detail,
    "konto-fehler": _admin_detail_with_errors,
    "rolle-entziehen": _admin_revoke,
    "texte": _texts,
    "impressum-fuer-die-verwaltung": _public_page_for_the_administration,
    "text-vorschau": _text_edit_with_preview,
    "text-fehler": _text_edit_with_errors,
    "text-fassungen": _text_history,
    "text-fassung": _text_version,
    "text-fassung-geaenderte-zeile": _text_version_changed_line,
    "begruendungen": _admin_reasons,
    "begruendungen-fehler": _admin_reasons_with_errors,
    "begruendung-bearbeiten": _admin_reason_edit,
}


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_page(phone, name):
    ADMIN_PAGES[name](phone)
    assert_no_violations(phone)
