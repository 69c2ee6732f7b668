"""/admin/texts: the administration edits the site's texts with a preview, a version
history and restore; `seed` never overwrites an edited text; the public pages show it."""

import json
import re
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from participation.accounts.models import User
from participation.extensions import db
from participation.strategy.models import Page, PageVersion
from participation.strategy.services import seed_district
from participation.templating import load_district_data
from tests.admin.helpers import NOT_ADMIN_ROLES
from tests.factories import count_rows, create_user
from tests.helpers import audit, e, field_error, html_of, main_of

PLACEHOLDER_NOTICE = "Dieser Text ist eine Vorlage"
ADMIN_NOTE = "Diese Seite zeigt noch die Vorlage der Auslieferung"
IMPRESSUM = """## Anbieter

Kreis Steinfurt, Tecklenburger Straße 10, 48565 Steinfurt

Telefon der Kreisverwaltung: 02551 69-0"""
ROLES = NOT_ADMIN_ROLES


@pytest.fixture
def shipped(app):
    """The pages as a fresh installation has them: each with its shipped version."""
    db.session.execute(delete(Page))
    seed_district(load_district_data(app.config["DISTRICT_DATA"]))
    db.session.commit()


@pytest.fixture
def admin(as_user):
    user = create_user(roles=("admin",), display_name="Anna Admin")
    return user, as_user(user)


def page_row(slug: str) -> Page:
    db.session.expire_all()
    return db.session.scalar(select(Page).where(Page.slug == slug))


def versions(slug: str) -> list[PageVersion]:
    """The page's versions, oldest first."""
    db.session.expire_all()
    query = select(PageVersion).join(Page).where(Page.slug == slug).order_by(PageVersion.id)
    return list(db.session.scalars(query))


def save(browser, slug: str, body: str, title: str | None = None, action: str = "save"):
    data = {"body": body, "action": action}
    if title is not None:
        data["title"] = title
    return browser.submit(f"/admin/texts/{slug}", data)


def typed_back(html: str) -> str:
    """The textarea's text as a browser sends it back: without the line break that
    follows <textarea>, and with CR LF line ends."""
    shown = unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S)[1])
    return shown.removeprefix("\r\n").removeprefix("\n").replace("\r\n", "\n").replace("\n", "\r\n")


def without_form(html: str) -> str:
    return re.sub(r"<textarea.*?</textarea>", "", html, flags=re.S)


def version_links(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/admin/texts/[\w-]+/versions/(\d+)"', html)]


# The list ------------------------------------------------------------------------------


def test_the_list_names_every_text_and_whether_it_is_still_the_shipped_template(admin):
    _, browser = admin
    page = main_of(browser.get("/admin/texts"))
    for title in (
        "Einleitung der Startseite",
        "Impressum",
        "Datenschutzerklärung",
        "Erklärung zur Barrierefreiheit",
        "Leichte Sprache",
        "Vision und Werte",
        "So entsteht die Strategie",
    ):
        assert e(title) in page, title
    assert page.count("Vorlage der Auslieferung – bitte anpassen") == 3  # the legal texts
    assert re.search(r"Noch \d+ Angaben in eckigen Klammern offen: \[Name der Dienststelle", page)
    assert 'href="/impressum"' in page and 'href="/admin/texts/impressum/versions"' in page

    save(browser, "impressum", IMPRESSUM, title="Impressum")

    page = main_of(browser.get("/admin/texts"))
    assert page.count("Vorlage der Auslieferung – bitte anpassen") == 2
    assert "Zuletzt geändert am" in page and "von Anna Admin" in page


def test_the_administration_navigation_links_accounts_texts_and_reason_templates(admin):
    _, browser = admin
    for url in ("/admin/accounts", "/admin/texts", "/admin/reasons"):
        nav = html_of(browser.get(url)).split('<nav class="sub-nav"', 1)[1].split("</nav>")[0]
        for target in ("/admin/accounts", "/admin/texts", "/admin/reasons"):
            assert f'href="{target}"' in nav, (url, target)
        assert f'href="{url}" aria-current="page"' in nav


# Preview and save ----------------------------------------------------------------------


def test_the_preview_shows_the_rendered_text_keeps_what_was_typed_and_saves_nothing(admin):
    _, browser = admin
    before = page_row("impressum").body
    typed = "## Anschrift\n\nKreishaus **Steinfurt** & Co."

    response = save(browser, "impressum", typed, title="Impressum neu", action="preview")

    assert response.status_code == 200
    html = main_of(response)
    preview = html.split('id="preview-title"', 1)[1].split("</section>", 1)[0]
    assert "<h2>Anschrift</h2>" in preview and "<strong>Steinfurt</strong> &amp; Co." in preview
    assert "Impressum neu" in preview
    assert typed_back(html) == typed.replace("\n", "\r\n")
    assert 'value="Impressum neu"' in html
    assert page_row("impressum").body == before
    assert versions("impressum") == [] and audit() == []


def test_saving_writes_a_version_and_an_audit_entry_and_the_public_page_shows_it(admin, client):
    user, browser = admin

    response = save(browser, "impressum", IMPRESSUM, title="Impressum des Kreises")

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/texts/impressum"
    assert "Der Text ist gespeichert" in html_of(browser.get("/admin/texts/impressum"))
    page = page_row("impressum")
    assert (page.title, page.body) == ("Impressum des Kreises", IMPRESSUM)
    assert page.edited_at is not None and page.is_placeholder is False
    [version] = versions("impressum")
    assert (version.author_id, version.is_shipped, version.body) == (user.id, False, IMPRESSUM)
    assert (version.lines_added, version.lines_removed) == (2, 19)
    [entry] = audit("page.edit")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (user.id, "pages", page.id)
    assert json.loads(entry.before) == {"title": "Impressum", "placeholder": True}
    after = json.loads(entry.after)
    assert after["title"] == "Impressum des Kreises" and after["version"] == version.id
    assert after["lines_added"] == 2

    public = main_of(client.get("/impressum"))
    assert "<h1>Impressum des Kreises</h1>" in public
    assert "Tecklenburger Straße 10" in public and "[Telefonnummer]" not in public
    assert PLACEHOLDER_NOTICE not in public and "Text bearbeiten" not in public


def test_scripts_and_javascript_links_are_sanitised_in_the_preview_and_on_the_page(admin, client):
    _, browser = admin
    hostile = (
        "Vorher <script>alert('x')</script> nachher\n\n"
        '[Klick](javascript:alert(1)) und <a href="javascript:alert(2)">hier</a>\n\n'
        "<img src=x onerror=alert(3)>"
    )
    preview = save(browser, "leichte-sprache", hostile, "Leichte Sprache", "preview")
    assert save(browser, "leichte-sprache", hostile, "Leichte Sprache").status_code == 302
    pages = {"Vorschau": preview, "öffentlich": client.get("/leichte-sprache")}
    for where, response in pages.items():
        html = without_form(main_of(response))
        assert "<script" not in html and "<img" not in html, where
        assert not re.search(r"<a [^>]*href=\"?javascript", html, re.I), where
        assert "&lt;script&gt;" in html, where  # shown as text, not run
    assert page_row("leichte-sprache").body == hostile  # stored as typed, escaped on output


def test_two_admins_editing_at_once_do_not_silently_undo_each_other(shipped, admin, as_user):
    _, anna = admin
    bert = as_user(create_user(roles=("admin",), display_name="Bert Berater"))
    bert_page = html_of(bert.get("/admin/texts/impressum"))
    base = re.search(r'name="base_version"[^>]*value="(\d+)"', bert_page)[1]
    save(anna, "impressum", "Annas Fassung.", title="Impressum")
    versions = count_rows(PageVersion)

    bert_text = {"title": "Impressum", "body": "Berts Fassung.", "action": "save"}
    response = bert.submit("/admin/texts/impressum", {**bert_text, "base_version": base})

    assert response.status_code == 200
    error = field_error(html_of(response), "body")
    assert error.startswith("Während Sie geschrieben haben, hat Anna Admin den Text geändert.")
    assert "Berts Fassung." in html_of(response)  # nothing typed is lost
    assert count_rows(PageVersion) == versions
    assert "Annas Fassung." in main_of(anna.get("/impressum"))
    newest = re.search(r'name="base_version"[^>]*value="(\d+)"', html_of(response))[1]
    response = bert.submit("/admin/texts/impressum", {**bert_text, "base_version": newest})
    assert response.status_code == 302  # warned once, then it is Bert's decision
    assert "Berts Fassung." in main_of(anna.get("/impressum"))


def test_a_save_without_changes_says_so_and_writes_nothing(admin):
    _, browser = admin
    form = html_of(browser.get("/admin/texts/impressum"))
    shipped = page_row("impressum").body

    response = save(browser, "impressum", typed_back(form), "Impressum")

    assert response.status_code == 200
    assert "Sie haben nichts geändert. Es wurde keine neue Fassung gespeichert." in html_of(
        response
    )
    assert page_row("impressum").body == shipped
    assert page_row("impressum").edited_at is None
    assert versions("impressum") == [] and audit() == []


@pytest.mark.parametrize(
    ("title", "body", "field", "message"),
    [
        ("", "Ein Text.", "title", "Bitte geben Sie eine Überschrift an."),
        ("Impressum", "   ", "body", "Bitte geben Sie den Text an."),
        ("x" * 201, "Ein Text.", "title", "Die Überschrift darf höchstens 200 Zeichen lang sein."),
        ("Impressum", "x" * 60_001, "body", "Der Text darf höchstens 60000 Zeichen lang sein."),
        ("Impressum", "Text\x07mit Klingel", "body", "unzulässige Steuerzeichen"),
    ],
)
def test_a_wrong_entry_is_explained_next_to_its_field_and_the_text_kept(
    admin, title, body, field, message
):
    _, browser = admin
    for action in ("save", "preview"):
        response = save(browser, "impressum", body, title=title, action=action)
        assert response.status_code == 200
        html = html_of(response)
        assert message in (field_error(html, field) or ""), action
        assert 'id="preview-title"' not in html
        if len(body) < 100 and body.strip():
            assert typed_back(html) == body, action
        if len(title) < 100:
            assert re.search(rf'<input [^>]*name="title"[^>]* value="{title}"', html), action
    assert page_row("impressum").edited_at is None
    assert versions("impressum") == [] and audit() == []


def test_the_home_introduction_is_edited_without_a_title_and_shown_on_the_home_page(admin, client):
    _, browser = admin
    form = main_of(browser.get("/admin/texts/start"))
    assert 'name="title"' not in form
    assert "#Zukunft ST ist die gemeinsame Digitalstrategie" in form

    save(browser, "start", "Willkommen beim **Kreis Steinfurt**!")

    assert page_row("start").title == "Einleitung der Startseite"
    home = main_of(client.get("/"))
    assert "Willkommen beim <strong>Kreis Steinfurt</strong>!" in home
    assert "ist die gemeinsame Digitalstrategie" not in home


def test_the_home_page_falls_back_to_the_data_file_without_a_start_page(app, client):
    db.session.execute(delete(Page).where(Page.slug == "start"))
    db.session.commit()
    try:
        assert "ist die gemeinsame Digitalstrategie" in main_of(client.get("/"))
    finally:
        seed_district(load_district_data(app.config["DISTRICT_DATA"]))
        db.session.commit()


# History, diff and restore -------------------------------------------------------------


@pytest.mark.usefixtures("shipped")
def test_the_history_lists_each_version_newest_first_with_who_and_how_much(admin):
    _, browser = admin
    save(browser, "impressum", IMPRESSUM, title="Impressum")
    save(browser, "impressum", IMPRESSUM + "\n\nE-Mail: info@kreis-steinfurt.de", "Impressum")

    html = main_of(browser.get("/admin/texts/impressum/versions"))

    shipped, first, second = versions("impressum")
    assert shipped.is_shipped and shipped.author_id is None
    assert version_links(html) == [second.id, first.id, shipped.id]
    cards = html.split('<li class="card">')[1:]
    assert "aktuell" in cards[0] and "Anna Admin" in cards[0] and "Zeilen: +1 / −0" in cards[0]
    assert "Auslieferung" in cards[2] and "aktuell" not in cards[2]


@pytest.mark.usefixtures("shipped")
def test_a_version_shows_what_changed_against_the_one_before_escaped(admin):
    _, browser = admin
    phone = IMPRESSUM.replace("02551 69-0", "[Telefonnummer]")
    save(browser, "impressum", phone, title="Impressum")
    save(browser, "impressum", IMPRESSUM.replace("69-0", "<b>69-0</b>"), title="Impressum")
    latest = versions("impressum")[-1]

    html = main_of(browser.get(f"/admin/texts/impressum/versions/{latest.id}"))

    changes = html.split('<ol class="diff">', 1)[1].split("</ol>", 1)[0]
    assert "<b>" not in changes
    line = next(li for li in changes.split("<li") if "Telefon der" in li)
    assert 'class="diff-line diff-changed"' in line
    assert re.search(r"<del>.*\[Telefonnummer\].*</del>", line)
    assert re.search(r"<ins>.*02551 &lt;b&gt;69-0&lt;/b&gt;.*</ins>", line)
    assert "Kreis Steinfurt, Tecklenburger Straße 10" in changes  # unchanged context
    assert "Diese Fassung zeigt die Website gerade." in html
    assert "Diese Fassung wiederherstellen" not in html


@pytest.mark.usefixtures("shipped")
def test_restoring_an_earlier_version_makes_it_the_newest_and_the_public_page_shows_it(
    admin, client
):
    user, browser = admin
    save(browser, "impressum", IMPRESSUM, title="Impressum")
    shipped = versions("impressum")[0]
    page = html_of(browser.get(f"/admin/texts/impressum/versions/{shipped.id}"))
    assert "Diese Fassung wiederherstellen" in page

    url = f"/admin/texts/impressum/versions/{shipped.id}/restore"
    response = browser.submit(url, {}, form_page=f"/admin/texts/impressum/versions/{shipped.id}")

    assert response.headers["Location"] == "/admin/texts/impressum/versions"
    restored = versions("impressum")[-1]
    assert len(versions("impressum")) == 3
    assert (restored.restored_from_id, restored.author_id) == (shipped.id, user.id)
    assert page_row("impressum").body == shipped.body
    [entry] = audit("page.restore")
    assert json.loads(entry.after)["restored_from"] == shipped.id
    history = main_of(browser.get("/admin/texts/impressum/versions"))
    assert "Wiederhergestellt aus der Fassung vom" in history
    assert "[Telefonnummer]" in main_of(client.get("/impressum"))

    again = browser.submit(url, {}, form_page="/admin/texts/impressum/versions")
    assert "schon die aktuelle" in html_of(browser.get(again.headers["Location"]))
    assert len(versions("impressum")) == 3 and len(audit("page.restore")) == 1


@pytest.mark.usefixtures("shipped")
def test_a_version_whose_author_was_deleted_says_so(admin):
    user, browser = admin
    save(browser, "impressum", IMPRESSUM, title="Impressum")
    db.session.execute(delete(User).where(User.id == user.id))
    db.session.commit()
    other = create_user(roles=("admin",))
    browser.login(other.email)
    html = main_of(browser.get("/admin/texts/impressum/versions"))
    assert "Gelöschtes Konto" in html and "Anna Admin" not in html
    assert versions("impressum")[-1].author_id is None


# Seed ----------------------------------------------------------------------------------


def test_seed_updates_a_text_nobody_edited_and_leaves_an_edited_one_alone(
    admin, app, runner, monkeypatch, tmp_path
):
    _, browser = admin
    save(browser, "impressum", IMPRESSUM, title="Impressum")
    shipped = Path(app.config["DISTRICT_DATA"]).read_text()
    newer = shipped.replace(
        'Leichte Sprache"\nplaceholder = false\nbody = """\n',
        ('Leichte Sprache"\nplaceholder = false\nbody = """\nNeu: ein erster Satz.\n\n'),
    ).replace("[Name der Dienststelle / des Amtes]", "Amt für Digitales")
    assert newer.count("Neu: ein erster Satz.") == 1 and "Amt für Digitales" in newer
    data_file = tmp_path / "kreis.toml"
    data_file.write_text(newer)
    monkeypatch.setitem(app.config, "DISTRICT_DATA", str(data_file))

    first = runner.invoke(args=["seed"])

    assert first.exit_code == 0, first.output
    assert "pages: 1 aktualisiert" in first.output
    assert "pages: 1 in der Verwaltung bearbeitet – nicht überschrieben" in first.output
    assert page_row("impressum").body == IMPRESSUM
    assert page_row("leichte-sprache").body.startswith("Neu: ein erster Satz.")
    assert page_row("leichte-sprache").edited_at is None
    [update] = versions("leichte-sprache")
    assert update.is_shipped and (update.lines_added, update.lines_removed) == (1, 0)
    second = runner.invoke(args=["seed"])
    assert "aktualisiert" not in second.output and "nicht überschrieben" in second.output
    assert len(versions("leichte-sprache")) == 1


# The public pages ----------------------------------------------------------------------


def test_the_placeholder_notice_for_readers_and_the_edit_link_for_the_administration(
    admin, client, as_user
):
    _, browser = admin
    public = main_of(client.get("/impressum"))
    assert PLACEHOLDER_NOTICE in public and ADMIN_NOTE not in public
    assert "/admin/texts" not in public
    moderator = as_user(create_user(roles=("moderator",)))
    assert "/admin/texts" not in main_of(moderator.get("/impressum"))

    for_admin = main_of(browser.get("/impressum"))
    assert PLACEHOLDER_NOTICE in for_admin and ADMIN_NOTE in for_admin
    assert '<a href="/admin/texts/impressum">Text bearbeiten</a>' in for_admin
    assert '<a href="/admin/texts/leichte-sprache">Text bearbeiten</a>' in main_of(
        browser.get("/leichte-sprache")
    )
    assert ADMIN_NOTE not in main_of(browser.get("/leichte-sprache"))
    for path, slug in (("/", "start"), ("/vision", "vision"), ("/process", "process")):
        assert f'href="/admin/texts/{slug}"' in main_of(browser.get(path)), path

    save(browser, "impressum", IMPRESSUM, title="Impressum")
    assert ADMIN_NOTE not in main_of(browser.get("/impressum"))
    assert PLACEHOLDER_NOTICE not in main_of(client.get("/impressum"))


def test_readers_without_a_session_still_get_cacheable_pages(admin, new_browser):
    _, browser = admin
    save(browser, "impressum", IMPRESSUM, title="Impressum")
    reader = new_browser()
    for path in ("/", "/impressum", "/datenschutz"):
        response = reader.get(path)
        assert "no-store" not in response.headers.get("Cache-Control", ""), path
        assert "Set-Cookie" not in response.headers, path
    assert browser.get("/impressum").headers["Cache-Control"] == "no-store"


def test_the_datenschutz_page_states_the_softwares_own_periods_whatever_its_text_says(
    admin, client, app, monkeypatch
):
    _, browser = admin
    save(browser, "datenschutz", "Unbestätigte Konten löschen wir nach 99 Tagen.", "Datenschutz")
    monkeypatch.setitem(app.config, "RETENTION_UNCONFIRMED_DAYS", 3)
    monkeypatch.setitem(app.config, "RETENTION_SENT_MAIL_DAYS", 1)
    monkeypatch.setitem(app.config, "RETENTION_SIGN_IN_DAYS", 14)
    monkeypatch.setitem(app.config, "RETENTION_MODERATION_TEXT_DAYS", 90)
    monkeypatch.setitem(app.config, "RESIDENT_REMEMBER_DAYS", 7)

    page = main_of(client.get("/datenschutz"))

    facts = page.split('id="software-facts-title"', 1)[1]
    assert "Konto löschen wir nach 3 Tagen." in facts
    assert "Wir löschen sie 1 Tag nach dem Versand" in facts
    assert f"<code>{app.config['SESSION_COOKIE_NAME']}</code>" in facts
    assert "Wir löschen diese Angaben 14 Tage nach dem Ende der Anmeldung." in facts
    assert "nach 90 Tagen aus dem Protokoll der Moderation" in facts
    assert "höchstens 7 Tage" in facts
    preview = save(browser, "datenschutz", "Kurz.", "Datenschutz", action="preview")
    assert "nach 3 Tagen" in main_of(preview).split('id="preview-title"', 1)[1]
    assert 'id="software-facts-title"' not in main_of(client.get("/impressum"))


def test_the_moderation_log_names_text_changes(admin):
    _, browser = admin
    save(browser, "impressum", IMPRESSUM, title="Impressum")
    log = main_of(browser.get("/moderation/log"))
    assert "Text geändert" in log and "Textseite" in log


# Who gets in ---------------------------------------------------------------------------


def text_requests(version_id: int) -> list[tuple[str, str]]:
    version = f"/admin/texts/impressum/versions/{version_id}"
    return [
        ("GET", "/admin/texts"),
        ("GET", "/admin/texts/impressum"),
        ("POST", "/admin/texts/impressum"),
        ("GET", "/admin/texts/impressum/versions"),
        ("GET", version),
        ("POST", f"{version}/restore"),
    ]


@pytest.fixture
def edited(admin):
    """An edited impressum and an earlier version of it to restore."""
    _, browser = admin
    save(browser, "impressum", "Erste Fassung.", title="Impressum")
    save(browser, "impressum", IMPRESSUM, title="Impressum")
    return versions("impressum")[0]


@pytest.mark.parametrize("role", ROLES)
def test_everyone_but_the_administration_is_refused(as_user, edited, role):
    browser = as_user(create_user(roles=ROLES[role]))
    before = (page_row("impressum").body, count_rows(PageVersion), len(audit()))
    for method, url in text_requests(edited.id):
        if method == "GET":
            response = browser.get(url)
        else:
            data = {"title": "Gekapert", "body": "Gekapert.", "action": "save"}
            response = browser.submit(url, data, form_page="/account")
        assert response.status_code == 403, (role, method, url)
    assert (page_row("impressum").body, count_rows(PageVersion), len(audit())) == before


def test_anonymous_people_are_sent_to_the_login(client, edited):
    for method, url in text_requests(edited.id):
        if method == "GET":
            response = client.get(url)
            assert response.status_code == 302 and "/login" in response.headers["Location"]
        else:
            assert client.post(url, data={"body": "Gekapert."}).status_code in (302, 400), url
    assert page_row("impressum").body == IMPRESSUM


def test_a_post_without_csrf_token_is_refused(admin, edited):
    _, browser = admin
    for method, url in text_requests(edited.id):
        if method == "POST":
            response = browser.client.post(url, data={"body": "Ohne Token.", "action": "save"})
            assert response.status_code == 400, url
    assert page_row("impressum").body == IMPRESSUM


@pytest.mark.usefixtures("shipped")
def test_hostile_addresses_find_nothing(admin):
    _, browser = admin
    save(browser, "impressum", IMPRESSUM, title="Impressum")
    other_page = versions("datenschutz")[0].id
    own = versions("impressum")[0].id
    for url in (
        "/admin/texts/gibt-es-nicht",
        "/admin/texts/gibt-es-nicht/versions",
        f"/admin/texts/impressum/versions/{other_page}",
        f"/admin/texts/gibt-es-nicht/versions/{own}",
        f"/admin/texts/impressum/versions/{2**31}",
        "/admin/texts/impressum/versions/0",
    ):
        assert browser.get(url).status_code == 404, url
    response = browser.submit(
        f"/admin/texts/impressum/versions/{other_page}/restore", {}, form_page="/admin/texts"
    )
    assert response.status_code == 404
    assert page_row("impressum").body == IMPRESSUM and audit("page.restore") == []


def test_saving_is_rate_limited_previews_are_not(admin, app, monkeypatch):
    _, browser = admin
    monkeypatch.setitem(app.config, "MODERATION_RATE_LIMIT", "2 per minute")
    for n in range(3):
        assert (
            save(browser, "impressum", f"Vorschau {n}.", "Impressum", "preview").status_code == 200
        )
    assert save(browser, "impressum", "Eins.", "Impressum").status_code == 302
    assert save(browser, "impressum", "Zwei.", "Impressum").status_code == 302
    assert save(browser, "impressum", "Drei.", "Impressum").status_code == 429
    assert page_row("impressum").body == "Zwei."
